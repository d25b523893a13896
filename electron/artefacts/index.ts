/** Every artefact plugin, in the order they run. */
import type { ArtefactPlugin } from './plugin.js';
import { windowsAppTree } from './windows/app-tree.js';
import { windowsInstallers } from './windows/installers.js';
import { windowsAppData } from './windows/app-data.js';
import { windowsSecondStage } from './windows/second-stage.js';
import { windowsPrefetch } from './windows/prefetch.js';
import { windowsEvtxEvents } from './windows/evtx-events.js';
import { windowsRegistryHost } from './windows/registry-host.js';
import { windowsRegistryInstalls } from './windows/registry-installs.js';
import { makeAmcachePlugin, windowsAmcache } from './windows/amcache.js';
import { windowsShimCache } from './windows/shimcache.js';
import { windowsUsnJournal } from './windows/usnjrnl.js';
import { macosAppBundles } from './macos/app-bundles.js';
import { macosSupportFolder } from './macos/support-folder.js';
import { macosQuarantine } from './macos/quarantine.js';
import { macosKnowledgeC } from './macos/knowledgec.js';
import { macosInstallHistory } from './macos/install-history.js';
import { macosShipIt } from './macos/shipit.js';
import { macosXProtect } from './macos/xprotect.js';
import { macosLaunchItems } from './macos/launch-items.js';
import { macosFsevents } from './macos/fsevents.js';
import { macosUnifiedLogs } from './macos/unified-logs.js';

export const PLUGINS: readonly ArtefactPlugin[] = [
  windowsAppTree,
  windowsInstallers,
  windowsAppData,
  windowsSecondStage,
  windowsPrefetch,
  windowsEvtxEvents,
  windowsRegistryHost,
  windowsRegistryInstalls,
  windowsAmcache,
  windowsShimCache,
  windowsUsnJournal,
  macosAppBundles,
  macosSupportFolder,
  macosQuarantine,
  macosKnowledgeC,
  macosInstallHistory,
  macosShipIt,
  macosXProtect,
  macosLaunchItems,
  macosFsevents,
  macosUnifiedLogs,
];

export { runPlugins } from './runner.js';

/** The plugin list for one scan: Amcache also keeps any file whose SHA-1 is a known indicator. */
export function pluginsFor(sha1Indicators: ReadonlySet<string>): readonly ArtefactPlugin[] {
  return PLUGINS.map((p) => (p.id === windowsAmcache.id ? makeAmcachePlugin(sha1Indicators) : p));
}
export type * from './records.js';

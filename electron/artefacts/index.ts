/** Every artefact plugin, in the order they run. */
import type { ArtefactPlugin } from './plugin.js';
import { windowsAppTree } from './windows/app-tree.js';
import { windowsInstallers } from './windows/installers.js';
import { windowsAppData } from './windows/app-data.js';
import { windowsSecondStage } from './windows/second-stage.js';
import { windowsPrefetch } from './windows/prefetch.js';
import { windowsEvtxEvents } from './windows/evtx-events.js';
import { macosAppBundles } from './macos/app-bundles.js';
import { macosSupportFolder } from './macos/support-folder.js';

export const PLUGINS: readonly ArtefactPlugin[] = [
  windowsAppTree,
  windowsInstallers,
  windowsAppData,
  windowsSecondStage,
  windowsPrefetch,
  windowsEvtxEvents,
  macosAppBundles,
  macosSupportFolder,
];

export { runPlugins } from './runner.js';
export type * from './records.js';

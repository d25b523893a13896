/**
 * 3CX installers and update packages left in user profiles (`3CXDesktopApp-<version>.msi`,
 * `...-full.nupkg`). The file name gives a version hint only; the hash decides (dossier §9).
 */
import type { Target } from '../../common/vfs.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { walkFiles } from '../walk.js';
import { versionInName } from './app-tree.js';

const ID = 'windows.installers';
const VERSION = '1';
const NAME = /^3cx ?desktop ?app.*\.(msi|nupkg)$/i;
/** Where browsers and users put downloads; the app tree's own nupkg files come from windows.app-tree. */
const PLACES = ['Downloads', 'Desktop', 'Documents', 'AppData/Local/Temp', 'AppData/Local/3CXDesktopApp'];

export const windowsInstallers: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows' && t.users.length > 0,
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    for (const u of t.users) {
      for (const place of PLACES) {
        const dir = await t.resolve(`${u.home === '/' ? '' : u.home}/${place}`);
        if (dir?.type !== 'dir') continue;
        const files = await walkFiles(ctx, dir, { maxDepth: 4, maxEntries: 20_000, parser: `${ID}@${VERSION}` });
        for (const e of files) {
          if (e.type !== 'file' || !NAME.test(e.name)) continue;
          ctx.emit({
            type: 'app-file',
            platform: 'windows',
            role: e.name.toLowerCase().endsWith('.msi') ? 'installer-msi' : 'update-nupkg',
            user: u.name,
            installRoot: null,
            entry: e,
            ref: t.ref(e.path),
            markers: [],
            nameVersion: versionInName(e.name),
          });
        }
      }
    }
    ctx.emit({ type: 'coverage', area: 'installers', platform: 'windows', state: 'examined', detail: `profile folders: ${PLACES.join(', ')}` });
  },
};

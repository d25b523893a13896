/**
 * `~/Library/Application Support/3CX Desktop App/` (dossier §2.2, §8.2): `.main_storage` (written
 * by the trojanized dylib: proof it ran), `.session-lock`, `UpdateAgent` (the second stage, which
 * usually deletes itself), `config.json` and logs. Also `3CXDesktopApp-*.dmg` in Downloads.
 */
import type { Target } from '../../common/vfs.js';
import { decodeMainStorage } from '../../formats/main-storage/index.js';
import { issueFromError } from '../../common/issues.js';
import { collectAppData } from '../app-data-common.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { readSmallFile } from '../read-file.js';
import { walkFiles } from '../walk.js';
import { emitBinary } from './app-bundles.js';

const ID = 'macos.support-folder';
const PARSER = `${ID}@1`;

export const macosSupportFolder: ArtefactPlugin = {
  id: ID,
  version: '1',
  compatible: (t: Target) => t.os === 'macos' && t.users.length > 0,
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    for (const u of t.users) {
      const home = u.home === '/' ? '' : u.home;
      const dir = `${home}/Library/Application Support/3CX Desktop App`;
      const files = await collectAppData(ctx, 'macos', u.name, dir, PARSER);
      for (const e of files) {
        if (e.type !== 'file') continue;
        if (e.name === '.main_storage') {
          const bytes = await readSmallFile(ctx, e, 4096, PARSER);
          let d: ReturnType<typeof decodeMainStorage> | null = null;
          if (bytes) {
            try {
              d = decodeMainStorage(bytes);
            } catch (err) {
              ctx.issue(issueFromError(err, 'main-storage@1', t.ref(e.path)));
            }
          }
          ctx.emit({ type: 'main-storage', user: u.name, entry: e, ref: t.ref(e.path, { parser: { id: 'main-storage', version: '1' } }), uuid: d?.uuid ?? null, time: d?.time ?? null, wellFormed: d?.wellFormed ?? false, notes: d?.notes ?? (bytes ? [] : ['unreadable']) });
        } else if (e.name === 'UpdateAgent') {
          await emitBinary(ctx, e.path, 'update-agent', u.name, null);
        }
      }
      const dl = await t.resolve(`${home}/Downloads`);
      if (dl?.type === 'dir') {
        for (const e of await walkFiles(ctx, dl, { maxDepth: 3, maxEntries: 20_000, parser: PARSER })) {
          if (e.type === 'file' && /^3cx ?desktop ?app.*\.dmg$/i.test(e.name)) {
            ctx.emit({ type: 'app-file', platform: 'macos', role: 'installer-dmg', user: u.name, installRoot: null, entry: e, ref: t.ref(e.path), markers: [], nameVersion: /(\d+\.\d+\.\d+)/.exec(e.name)?.[1] ?? null });
          }
        }
      }
    }
    ctx.emit({ type: 'coverage', area: 'app-data', platform: 'macos', state: 'examined', detail: 'Library/Application Support/3CX Desktop App of each user' });
    ctx.emit({ type: 'coverage', area: 'second-stage', platform: 'macos', state: 'examined', detail: 'UpdateAgent in each user\'s 3CX support folder' });
    ctx.emit({ type: 'coverage', area: 'installers', platform: 'macos', state: 'examined', detail: 'Downloads of each user' });
  },
};

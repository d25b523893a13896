/**
 * The user's `%APPDATA%\3CXDesktopApp` folder: the app's own profile (it ran for that user),
 * `config.json` (PBX account the ICONIC stealer reads) and small logs that may name C2 hosts.
 */
import type { Target } from '../../common/vfs.js';
import type { ArtefactPlugin } from '../plugin.js';
import { collectAppData } from '../app-data-common.js';

export const windowsAppData: ArtefactPlugin = {
  id: 'windows.app-data',
  version: '1',
  compatible: (t: Target) => t.os === 'windows' && t.users.length > 0,
  async run(ctx): Promise<void> {
    for (const u of ctx.target.users) {
      await collectAppData(ctx, 'windows', u.name, `${u.home === '/' ? '' : u.home}/AppData/Roaming/3CXDesktopApp`, 'windows.app-data@1');
    }
    ctx.emit({ type: 'coverage', area: 'app-data', platform: 'windows', state: 'examined', detail: 'AppData/Roaming/3CXDesktopApp of each profile' });
  },
};

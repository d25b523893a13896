/**
 * CyLR ZIPs (collection-layouts.md §3): Windows entries are the source path with `:` removed
 * (`C/Windows/...`, separators `/` or `\`); macOS entries drop the leading `/`. Entry times are the
 * file's last-write time in the *collecting host's local zone*, with no zone recorded and no hashes.
 */
import type { Filesystem } from '../../common/vfs.js';
import { driveViews, hasDriveFolders, type DriveView } from './kape.js';

export function isCylr(names: string[]): boolean {
  return names.some((n) => /^CyLR_Collection_Log_.*\.log$/i.test(n));
}

export async function readCylr(fs: Filesystem): Promise<{ views: DriveView[]; windows: boolean; notes: string[] }> {
  const names = (await fs.readdir('/')).map((e) => e.name);
  const notes = ['CyLR stores each file\'s last-write time in the collecting host\'s local time zone (unrecorded); it records no hashes'];
  if (hasDriveFolders(names)) return { views: await driveViews(fs, 'cylr', new Map(), 'local-no-zone'), windows: true, notes };
  return { views: [], windows: false, notes };
}

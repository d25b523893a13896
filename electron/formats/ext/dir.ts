/**
 * ext linear directory entries (SPEC.md § Directory entries), live and deleted. Hash-tree
 * directories read the same way: their index blocks look like one empty entry. Deleted names are
 * found as The Sleuth Kit finds them: in the slack a live entry's rec_len leaves after its name
 * (where a removed neighbour's entry survives), and entries whose inode field is 0.
 */
export interface ExtDirEntry {
  readonly inode: number;
  readonly name: string;
  /** Directory-entry file type (1 file, 2 dir, 7 symlink, ...; 0 unknown). */
  readonly fileType: number;
  readonly deleted: boolean;
}

export const FT = { UNKNOWN: 0, REG: 1, DIR: 2, CHR: 3, BLK: 4, FIFO: 5, SOCK: 6, LNK: 7 } as const;

const align4 = (n: number): number => (n + 3) & ~3;
const utf8 = new TextDecoder('utf-8');

/**
 * One directory block. `hasFileType`: the FILETYPE feature (name_len is one byte, the next byte the
 * type); without it name_len is 16 bits. `maxInode` is s_inodes_count.
 */
export function parseDirBlock(b: Uint8Array, maxInode: number, hasFileType: boolean, out: ExtDirEntry[]): void {
  const len = b.length;
  let pos = 0;
  let liveEnd = 0; // where the next live entry starts; bytes before it (past a name) are slack
  const u16 = (o: number): number => b[o]! | (b[o + 1]! << 8);
  const u32 = (o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  while (pos + 8 <= len) {
    const inode = u32(pos);
    const recLen = u16(pos + 4);
    const nameLen = hasFileType ? b[pos + 6]! : u16(pos + 6);
    const fileType = hasFileType ? b[pos + 7]! : 0;
    const minLen = align4(8 + nameLen);
    const nameOk = nameLen >= 1 && pos + 8 + nameLen <= len && inode <= maxInode && fileType <= 7 && validName(b, pos + 8, nameLen);
    if (pos === liveEnd) {
      // A live entry: its rec_len chains to the next one.
      if (recLen < 8 || recLen % 4 !== 0 || pos + recLen > len) {
        liveEnd = len; // the chain is broken: treat the rest as slack and look for entries in it
        pos += 4;
        continue;
      }
      liveEnd = pos + recLen;
      if (nameOk && minLen <= recLen) {
        emit(out, b, pos, inode, nameLen, fileType, inode === 0);
        pos += minLen;
      } else pos += 8;
      continue;
    }
    // Slack: a deleted entry must fit before the next live one and carry a sane rec_len.
    if (nameOk && pos + minLen <= liveEnd && recLen % 4 === 0 && recLen >= minLen) {
      emit(out, b, pos, inode, nameLen, fileType, true);
      pos += minLen;
    } else pos += 4;
  }
}

function validName(b: Uint8Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const c = b[at + i]!;
    if (c === 0 || c === 0x2f) return false;
  }
  return true;
}

function emit(out: ExtDirEntry[], b: Uint8Array, pos: number, inode: number, nameLen: number, fileType: number, deleted: boolean): void {
  const name = utf8.decode(b.subarray(pos + 8, pos + 8 + nameLen));
  if (name === '.' || name === '..') return;
  out.push({ inode, name, fileType, deleted });
}

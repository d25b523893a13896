/**
 * A directory index read for a listing: each live key's name, MFT reference and namespace,
 * without decoding the rest of its $FILE_NAME (readIndex decodes every key into an object; a
 * recursive listing reads ~100k keys and needs only these). The walk, its checks and its errors
 * are readIndex's own (walkIndex), so both give the same keys in the same order and fail alike.
 */
import { parseFileName, parseFileNameAt } from './attrs.js';
import { walkIndex, type KeySink } from './dir-index.js';
import type { Reader } from '../../io/reader.js';
import type { FileName } from './types.js';

export class IndexName {
  constructor(
    readonly name: string,
    readonly entry: number,
    readonly sequence: number,
    readonly namespace: number,
    private readonly b: Uint8Array,
    private readonly off: number,
    private readonly len: number,
    private readonly base: number,
  ) {}

  /** The whole $FILE_NAME key, as readIndex gives it (decoded now: rarely needed). */
  key(): FileName {
    return parseFileNameAt(this.b, this.off, this.len, this.base);
  }
}

/** DOS 8.3 names: listings never show them (the long name of the same file is in the index too). */
const NS_DOS = 2;

class NameList implements KeySink {
  readonly items: IndexName[] = [];
  /** Keys met, DOS ones included (walkIndex's limit counts every key). */
  private total = 0;
  /** `total` when each kept name was added, to truncate by key count. */
  private readonly totals: number[] = [];
  private last: Uint8Array | null = null;
  private view: Buffer | null = null;

  constructor(private readonly skipDos: boolean) {}

  key(b: Uint8Array, pos: number, keyLen: number, base: number): void {
    const off = pos + 16;
    const lo = (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16)) + b[pos + 3]! * 0x1000000;
    const entry = (b[pos + 4]! | (b[pos + 5]! << 8)) * 0x100000000 + lo;
    const sequence = b[pos + 6]! | (b[pos + 7]! << 8);
    const units = b[off + 0x40]!;
    if (0x42 + units * 2 > keyLen || off + keyLen > b.length) {
      // What parseFileNameAt hands to the checked parser (which throws the located error).
      const fn = parseFileName(b.subarray(off, off + keyLen), base + off);
      this.add(new IndexName(fn.name, entry, sequence, fn.namespace, b, off, keyLen, base + off));
      return;
    }
    const namespace = b[off + 0x41]!;
    if (namespace === NS_DOS && this.skipDos) {
      this.total++;
      return;
    }
    if (b !== this.last) {
      // One Buffer view per node: its UTF-16 decoding keeps every code unit, unpaired surrogates too.
      this.last = b;
      this.view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    const name = this.view!.toString('utf16le', off + 0x42, off + 0x42 + units * 2);
    this.add(new IndexName(name, entry, sequence, namespace, b, off, keyLen, base + off));
  }

  private add(n: IndexName): void {
    if (n.namespace === NS_DOS && this.skipDos) {
      this.total++;
      return;
    }
    this.items.push(n);
    this.totals.push(this.total);
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  truncate(count: number): void {
    let n = this.items.length;
    while (n > 0 && this.totals[n - 1]! >= count) n--;
    this.items.length = n;
    this.totals.length = n;
    this.total = count;
  }
}

/**
 * readIndex's keys as IndexNames (same arguments, same order, same issues and errors); with
 * `skipDos`, the DOS-namespace keys are left out (still counted against MAX_INDEX_ENTRIES).
 */
export async function readIndexNames(root: Uint8Array, rootOffset: number, alloc: Reader | null, clusterSize: number, issues: string[], skipDos = false): Promise<IndexName[]> {
  const list = new NameList(skipDos);
  await walkIndex(root, rootOffset, alloc, clusterSize, issues, list);
  return list.items;
}

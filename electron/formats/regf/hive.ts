/** The hive API (SPEC.md §1): open, walk keys and values, find a key by path. */
import { ParseError, type ParseErrorCode } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { parseBaseBlock, type BaseBlock } from './base-block.js';
import { parseNk, parseVk, readCell, subkeyOffsets, valueOffsets, type NkRecord, type VkRecord } from './cells.js';
import { filetimeIso, NO_CELL, REGF_LIMITS, typeName, UTF16 } from './constants.js';
import { decodeValue, valueBytes, type ValueData } from './data.js';
import { replayLogs, type ReplayResult } from './logs.js';
import { HiveStore } from './store.js';

export interface RegfIssue {
  code: ParseErrorCode;
  message: string;
  /** File offset where known. */
  offset?: number;
}

export interface HiveOptions {
  /** Transaction logs beside the hive (`.LOG1`, `.LOG2`, `.LOG`), replayed in memory when the hive is dirty. */
  logs?: Reader[];
}

export interface Value {
  name: string;
  type: number;
  typeName: string;
  data: ValueData;
  raw: Uint8Array;
  /** Offset of the vk cell, relative to the hbins start (add 4096 for the file offset). */
  offset: number;
  /** The size the vk declares; `raw` is shorter when the data cell was cut short. */
  declaredSize: number;
  /** Data stored in the vk record itself (4 bytes or fewer). */
  inline: boolean;
  deleted?: boolean;
}

export class Key {
  readonly name: string;
  /** Backslash-joined path below the root key ('' for the root itself). */
  readonly path: string;
  readonly lastWritten: string | null;
  readonly offset: number;

  constructor(
    readonly hive: Hive,
    readonly nk: NkRecord,
    parentPath: string | null,
    private readonly ancestors: readonly number[],
    readonly deleted = false,
  ) {
    this.name = nk.name;
    this.path = parentPath === null ? '' : parentPath === '' ? nk.name : `${parentPath}\\${nk.name}`;
    this.lastWritten = filetimeIso(nk.lastWritten);
    this.offset = nk.offset;
  }

  get subkeyCount(): number {
    return this.nk.subkeyCount;
  }
  get valueCount(): number {
    return this.nk.valueCount;
  }

  async subkeys(): Promise<Key[]> {
    const nk = this.nk;
    if (nk.subkeyCount === 0 || nk.subkeyList === NO_CELL) return [];
    const h = this.hive;
    const offs = await h.guard([] as number[], () => subkeyOffsets(h.store, nk.subkeyList, (e) => h.note(e)));
    const out: Key[] = [];
    const lineage = [...this.ancestors, this.offset];
    if (lineage.length > REGF_LIMITS.maxKeyDepth) {
      h.note(new ParseError('limit-exceeded', { what: 'key depth', offset: this.offset + 4096, need: lineage.length, have: REGF_LIMITS.maxKeyDepth }));
      return [];
    }
    for (const off of offs) {
      if (lineage.includes(off)) {
        h.note(new ParseError('loop', { what: `subkey list of "${this.path}" names an ancestor`, offset: off + 4096 }));
        continue;
      }
      const k = await h.guard(null, async () => new Key(h, parseNk(await readCell(h.store, off, 'nk')), this.path, lineage));
      if (k) out.push(k);
    }
    return out;
  }

  async subkey(name: string): Promise<Key | null> {
    const want = name.toLowerCase();
    return (await this.subkeys()).find((k) => k.name.toLowerCase() === want) ?? null;
  }

  private async vks(): Promise<VkRecord[]> {
    const nk = this.nk;
    if (nk.valueCount === 0 || nk.valueList === NO_CELL) return [];
    const h = this.hive;
    const offs = await h.guard([] as number[], () => valueOffsets(h.store, nk.valueList, nk.valueCount, (e) => h.note(e)));
    const out: VkRecord[] = [];
    for (const off of offs) {
      const vk = await h.guard(null, async () => parseVk(await readCell(h.store, off, 'vk')));
      if (vk) out.push(vk);
    }
    return out;
  }

  async values(): Promise<Value[]> {
    const out: Value[] = [];
    for (const vk of await this.vks()) {
      const v = await this.hive.loadValue(vk, this.deleted);
      if (v) out.push(v);
    }
    return out;
  }

  /** A value by name, case-insensitive; '' is the default value. */
  async value(name: string): Promise<Value | null> {
    const want = name.toLowerCase();
    const vk = (await this.vks()).find((v) => v.name.toLowerCase() === want);
    return vk ? this.hive.loadValue(vk, this.deleted) : null;
  }

  async className(): Promise<string | null> {
    const nk = this.nk;
    if (nk.classOffset === NO_CELL || nk.classLength === 0) return null;
    return this.hive.guard(null, async () => {
      const cell = await readCell(this.hive.store, nk.classOffset, 'class name');
      const n = Math.min(nk.classLength, cell.data.length) & ~1;
      return UTF16.decode(cell.data.subarray(0, n));
    });
  }
}

export class Hive {
  readonly issues: RegfIssue[] = [];
  private readonly issueKeys = new Set<string>();

  constructor(
    readonly store: HiveStore,
    readonly base: BaseBlock,
    readonly dirty: boolean,
    readonly replayed: ReplayResult | null,
  ) {}

  get minor(): number {
    return this.base.minor;
  }

  /** Record a problem once (a key read twice must not double its issues). */
  note(e: unknown): void {
    const issue: RegfIssue = e instanceof ParseError
      ? { code: e.code, message: e.message, ...(e.offset !== undefined ? { offset: e.offset } : {}) }
      : { code: 'decode', message: e instanceof Error ? e.message : String(e) };
    const k = `${issue.code}|${issue.message}`;
    if (this.issueKeys.has(k)) return;
    this.issueKeys.add(k);
    this.issues.push(issue);
  }

  /** Run a read that may fail on malformed data; ParseErrors become issues and `fallback` is returned. */
  async guard<T>(fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.note(e);
      return fallback;
    }
  }

  async root(): Promise<Key> {
    return new Key(this, parseNk(await readCell(this.store, this.base.rootCell, 'root nk')), null, []);
  }

  /** A key by backslash path below the root, compared without case; null when absent. */
  async key(path: string): Promise<Key | null> {
    let k: Key | null = await this.root();
    for (const part of path.split('\\').filter((p) => p.length > 0)) {
      k = await k.subkey(part);
      if (!k) return null;
    }
    return k;
  }

  async loadValue(vk: VkRecord, deleted: boolean): Promise<Value | null> {
    const raw = await this.guard(null as Uint8Array | null, () => valueBytes(this.store, vk, this.minor, (e) => this.note(e)));
    if (raw === null) return null;
    const v: Value = { name: vk.name, type: vk.type, typeName: typeName(vk.type), data: decodeValue(vk.type, raw), raw, offset: vk.offset, declaredSize: vk.dataSize, inline: vk.inline };
    if (deleted) v.deleted = true;
    return v;
  }
}

/**
 * Opens a hive. Throws ParseError only when there is no usable base block or root key; every
 * later problem is an entry in `hive.issues`. A dirty hive is replayed from `opts.logs`.
 */
export async function openHive(reader: Reader, opts: HiveOptions = {}): Promise<Hive> {
  const notes: unknown[] = [];
  let base = parseBaseBlock(await reader.read(0, 4096));
  if (!base.checksumOk) notes.push(new ParseError('checksum', { what: 'base block checksum', offset: 0x1fc }));
  const dirty = base.primarySeq !== base.secondarySeq || !base.checksumOk;
  let replayed: ReplayResult | null = null;
  const logs = opts.logs ?? [];
  if (!base.checksumOk && logs.length > 0) base = await logBaseInstead(base, logs, notes);
  // A base block that fails its checksum cannot be trusted for the bins size: read the bins present.
  const store = new HiveStore(reader, base.checksumOk ? base.hbinsSize : 0);
  if (dirty && logs.length > 0) {
    replayed = await replayLogs(store, base, logs, (e) => notes.push(e));
    if (replayed) base = { ...base, hbinsSize: replayed.hbinsSize, primarySeq: (replayed.lastSeq ?? base.primarySeq), secondarySeq: (replayed.lastSeq ?? base.primarySeq) };
  }
  const hive = new Hive(store, base, dirty, replayed);
  for (const n of notes) hive.note(n);
  if (base.checksumOk && base.hbinsSize > store.fileBins && !replayed) {
    hive.note(new ParseError('truncated', { what: 'hive bins (declared size beyond end of file)', offset: 4096, need: base.hbinsSize, have: store.fileBins }));
  }
  await hive.root();
  return hive;
}

/** A primary base block that fails its checksum is replaced by a log's valid copy (as Windows does). */
async function logBaseInstead(base: BaseBlock, logs: readonly Reader[], notes: unknown[]): Promise<BaseBlock> {
  for (const l of logs) {
    try {
      const lb = parseBaseBlock(await l.read(0, 512));
      if (lb.checksumOk) return { ...lb, fileType: 0, secondarySeq: Math.min(lb.secondarySeq, base.secondarySeq) };
    } catch (e) {
      notes.push(e);
    }
  }
  return base;
}

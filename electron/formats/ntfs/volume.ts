/**
 * An NTFS volume over a Reader: the boot sector, the MFT as a stream of records (bootstrapped from
 * record 0), a cache of raw records filled with adaptive read-ahead (a miss right after the last
 * window doubles the window, up to 256 records; a scattered miss reads 4), so listing a directory
 * reads its children's records in a few windows and a lone lookup reads a few KiB. Files are
 * assembled through $ATTRIBUTE_LIST.
 */
import { ParseError } from '../../common/issues.js';
import { BufferReader } from '../../io/buffer-reader.js';
import type { Reader } from '../../io/reader.js';
import { parseAttributeList } from './attrs.js';
import { parseBootSector, type NtfsBoot } from './boot.js';
import { assembleFile, type NtfsFile, type NtfsStream } from './file.js';
import { parseMftRecord } from './record.js';
import { findOverlap } from './runlist.js';
import { GenerationalCache } from './cache.js';
import { AttrStreamReader } from './stream.js';
import type { MftRecord, NtfsIssue } from './types.js';
import { ATTR } from './types.js';

export const ROOT_ENTRY = 5;
/** Largest $ATTRIBUTE_LIST read (real ones are a few KiB; 1 MiB is ~40k entries). */
export const MAX_ATTR_LIST_BYTES = 1024 * 1024;
/** Extension records followed for one file. */
export const MAX_EXTENSION_RECORDS = 4096;
const READ_AHEAD_MIN = 4;
const READ_AHEAD_MAX = 256;
/**
 * Records and assembled files each volume keeps: a scan or a listing comes back to directories
 * and their parents (16k × 1 KiB records = 16 MiB). Set before volumes are opened; a hash worker
 * reads each record once and keeps a few (hashing/image-jobs.ts).
 */
export const ntfsCacheSizes = { records: 16384, files: 4096 };

export class NtfsVolume {
  readonly issues: NtfsIssue[] = [];
  /** Bytes read from the volume (for the scan's "bytes read" report). */
  bytesRead = 0;
  private mft!: AttrStreamReader;
  private readonly raws = new GenerationalCache<number, Uint8Array>(Math.max(1, ntfsCacheSizes.records / 2));
  private nextExpected = -1;
  private window = READ_AHEAD_MIN;
  private readonly files = new GenerationalCache<number, NtfsFile>(Math.max(1, ntfsCacheSizes.files / 2));
  private readonly counted: Reader;
  recordCount = 0;

  private constructor(readonly reader: Reader, readonly boot: NtfsBoot) {
    const count = (n: number): void => {
      this.bytesRead += n;
    };
    this.counted = {
      get size() { return reader.size; },
      async read(o: number, l: number) { const b = await reader.read(o, l); count(b.length); return b; },
      close: () => reader.close(),
    };
  }

  static async open(reader: Reader): Promise<NtfsVolume> {
    const boot = parseBootSector(await reader.read(0, 512));
    const v = new NtfsVolume(reader, boot);
    await v.bootstrapMft();
    return v;
  }

  get recordSize(): number {
    return this.boot.mftRecordSize;
  }

  private async bootstrapMft(): Promise<void> {
    const { mftLcn, clusterSize, mftRecordSize, totalClusters } = this.boot;
    const off = mftLcn * clusterSize;
    const raw = await this.counted.read(off, mftRecordSize);
    if (raw.length < mftRecordSize) throw new ParseError('truncated', { what: '$MFT record 0', offset: off, need: mftRecordSize, have: raw.length });
    const rec0 = parseMftRecord(raw, 0, off, totalClusters);
    // First a reader from record 0 alone; then, if $MFT has an attribute list, its other $DATA
    // extents are read through that first extent (which always maps the start of the MFT).
    this.setMft(assembleFile(rec0, [], clusterSize, []));
    if (rec0.attrs.some((a) => a.type === ATTR.ATTRIBUTE_LIST)) {
      this.raws.clear();
      const ext = await this.extensionRecords(rec0, []);
      this.setMft(assembleFile(rec0, ext, clusterSize, []));
      this.raws.clear();
    }
  }

  private setMft(f: NtfsFile): void {
    const data = f.data.find((s) => s.name === '');
    if (!data || !data.layout) throw new ParseError('decode', { what: '$MFT unnamed $DATA (non-resident)', offset: f.offset });
    const overlap = findOverlap(data.layout.runs);
    if (overlap) throw new ParseError('loop', { what: `$MFT runlist: ${overlap}`, offset: f.offset });
    this.mft = new AttrStreamReader(this.counted, data.layout, '$MFT');
    this.recordCount = Math.floor(data.size / this.boot.mftRecordSize);
  }

  /** The raw bytes of MFT entry `n` (before fixups), through the record cache. */
  async rawRecord(n: number): Promise<{ raw: Uint8Array; offset: number }> {
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.recordCount) throw new ParseError('out-of-bounds', { what: `MFT entry ${n}`, need: n, have: this.recordCount });
    const rs = this.boot.mftRecordSize;
    let raw = this.raws.get(n);
    if (!raw) {
      this.window = n === this.nextExpected ? Math.min(this.window * 2, READ_AHEAD_MAX) : READ_AHEAD_MIN;
      const count = Math.min(this.window, this.recordCount - n);
      const buf = await this.mft.read(n * rs, count * rs);
      this.nextExpected = n + count;
      for (let i = 0; i < count && (i + 1) * rs <= buf.length; i++) this.raws.set(n + i, buf.subarray(i * rs, (i + 1) * rs));
      raw = this.raws.get(n);
      if (!raw) throw new ParseError('truncated', { what: `MFT entry ${n}`, offset: this.mft.volumeOffset(n * rs) ?? undefined, need: rs, have: buf.length });
    }
    return { raw, offset: this.recordOffset(n) };
  }

  /** Where MFT entry `n` lies in the volume (its offset in $MFT when that is unmapped), as rawRecord reports it. */
  recordOffset(n: number): number {
    const rs = this.boot.mftRecordSize;
    return this.mft.volumeOffset(n * rs) ?? n * rs;
  }

  /** Seeds the record cache with the raw bytes of entry `n` read by a full pass (a private copy). */
  primeRecord(n: number, raw: Uint8Array): void {
    if (raw.length === this.boot.mftRecordSize && this.raws.get(n) === undefined) this.raws.set(n, raw);
  }

  async record(n: number): Promise<MftRecord> {
    const { raw, offset } = await this.rawRecord(n);
    return parseMftRecord(raw, n, offset, this.boot.totalClusters);
  }

  /** The assembled file at MFT entry `n`; ParseError when its base record is unreadable. */
  async file(n: number): Promise<NtfsFile> {
    const hit = this.files.get(n);
    if (hit) return hit;
    const base = await this.record(n);
    const issues: string[] = [];
    const ext = base.attrs.some((a) => a.type === ATTR.ATTRIBUTE_LIST) ? await this.extensionRecords(base, issues) : [];
    const f = assembleFile(base, ext, this.boot.clusterSize, issues);
    for (const m of issues) this.issues.push({ message: m, offset: base.offset, entry: n });
    this.files.set(n, f);
    return f;
  }

  /** The records an $ATTRIBUTE_LIST points at (other than the base), each checked to belong to it. */
  private async extensionRecords(base: MftRecord, issues: string[]): Promise<MftRecord[]> {
    const listAttr = base.attrs.find((a) => a.type === ATTR.ATTRIBUTE_LIST)!;
    let bytes: Uint8Array;
    if (listAttr.resident) bytes = listAttr.value;
    else {
      if (listAttr.dataSize > MAX_ATTR_LIST_BYTES) throw new ParseError('limit-exceeded', { what: '$ATTRIBUTE_LIST size', offset: listAttr.offset, need: listAttr.dataSize, have: MAX_ATTR_LIST_BYTES });
      const r = new AttrStreamReader(this.counted, { runs: listAttr.runs, dataSize: listAttr.dataSize, initializedSize: listAttr.initializedSize, compressionUnit: 0, clusterSize: this.boot.clusterSize }, '$ATTRIBUTE_LIST');
      bytes = await r.read(0, listAttr.dataSize);
    }
    const entries = parseAttributeList(bytes, listAttr.offset);
    const wanted = [...new Set(entries.map((e) => e.ref.entry).filter((e) => e !== base.entry))];
    if (wanted.length > MAX_EXTENSION_RECORDS) throw new ParseError('limit-exceeded', { what: 'extension records', offset: listAttr.offset, need: wanted.length, have: MAX_EXTENSION_RECORDS });
    const out: MftRecord[] = [];
    for (const n of wanted) {
      try {
        const r = await this.record(n);
        if (!r.base || r.base.entry !== base.entry) {
          issues.push(`MFT entry ${base.entry}: extension record ${n} belongs to entry ${r.base?.entry ?? '(none)'}; skipped`);
          continue;
        }
        out.push(r);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        issues.push(`MFT entry ${base.entry}: extension record ${n} unreadable: ${e.message}`);
      }
    }
    return out;
  }

  /** A Reader over one stream of a file (resident or in clusters). */
  streamReader(s: NtfsStream, what: string): Reader {
    if (s.resident) return new BufferReader(s.resident);
    const overlap = findOverlap(s.layout!.runs);
    if (overlap) this.issues.push({ message: `${what}: ${overlap}`, offset: null, entry: null });
    return new AttrStreamReader(this.counted, s.layout!, what);
  }

  /** The $MFT's own stream (for full scans). */
  get mftStream(): Reader {
    return this.mft;
  }

  /** The $MFT:$BITMAP (allocation bit per record), or null when absent or unreadable. */
  async mftBitmap(): Promise<Uint8Array | null> {
    try {
      const rec0 = await this.record(0);
      const bm = rec0.attrs.find((a) => a.type === ATTR.BITMAP && a.name === '');
      if (!bm) return null;
      if (bm.resident) return bm.value;
      const size = Math.min(bm.dataSize, Math.ceil(this.recordCount / 8));
      return await new AttrStreamReader(this.counted, { runs: bm.runs, dataSize: bm.dataSize, initializedSize: bm.initializedSize, compressionUnit: 0, clusterSize: this.boot.clusterSize }, '$MFT:$BITMAP').read(0, size);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      this.issues.push({ message: `$MFT:$BITMAP unreadable: ${e.message}`, offset: e.offset ?? null, entry: 0 });
      return null;
    }
  }

  private upcaseFold: Promise<(s: string) => string> | null = null;

  /**
   * Case folding as this volume compares names: its own $UpCase table (entry 10, one UTF-16 unit
   * per unit). Without a readable table, a per-unit String.toUpperCase that keeps one unit for one
   * (so 'ß' stays 'ß', as in NTFS, instead of becoming 'SS').
   */
  folder(): Promise<(s: string) => string> {
    this.upcaseFold ??= (async () => {
      try {
        const f = await this.file(10);
        const d = f.data.find((x) => x.name === '');
        if (d && d.size === 131072) {
          const b = await this.streamReader(d, '$UpCase').read(0, 131072);
          const table = new Uint16Array(65536);
          for (let i = 0; i < 65536; i++) table[i] = b[i * 2]! | (b[i * 2 + 1]! << 8);
          return (s: string) => {
            let out = '';
            for (let i = 0; i < s.length; i++) out += String.fromCharCode(table[s.charCodeAt(i)]!);
            return out;
          };
        }
        this.issues.push({ message: '$UpCase missing or not 128 KiB; names fold with String.toUpperCase', offset: f.offset, entry: 10 });
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.issues.push({ message: `$UpCase unreadable (${e.message}); names fold with String.toUpperCase`, offset: e.offset ?? null, entry: 10 });
      }
      return simpleFold;
    })();
    return this.upcaseFold;
  }

  /** The volume label from $Volume's $VOLUME_NAME, or null. */
  async label(): Promise<string | null> {
    try {
      const r = await this.record(3);
      const a = r.attrs.find((x) => x.type === ATTR.VOLUME_NAME);
      return a && a.resident ? new TextDecoder('utf-16le').decode(a.value) : null;
    } catch {
      return null;
    }
  }
}

/** Per UTF-16 unit upper-casing that never changes the length (no 'ß' → 'SS'). */
export function simpleFold(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const u = c.toUpperCase();
    out += u.length === 1 ? u : c;
  }
  return out;
}

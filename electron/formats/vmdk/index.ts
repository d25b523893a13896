/**
 * VMware VMDK → a Reader of the virtual disk: monolithic sparse and stream-optimized (KDMV) extents,
 * and text descriptors naming FLAT / SPARSE / ZERO extents in other files. See SPEC.md. The caller
 * opens extent and parent files (it knows the file system) through callbacks.
 */
import { ParseError } from '../../common/issues.js';
import { pushIssue, type ReadIssue } from '../../io/block-cache.js';
import { ConcatReader } from '../../io/concat-reader.js';
import { clampRange, type Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { embeddedDescriptor, KDMV, openSparseExtent, readSparseHeader } from './sparse.js';

export interface VmdkExtent {
  access: string;
  sectors: number;
  type: string;
  file: string | null;
  offset: number;
}
export interface VmdkDescriptor {
  createType: string | null;
  cid: string | null;
  parentCid: string | null;
  parentHint: string | null;
  extents: VmdkExtent[];
}

const MAX_EXTENTS = 4096;
const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

export function sniffVmdk(head: Uint8Array): 'sparse' | 'descriptor' | 'cowd' | null {
  if (head.length >= 4 && (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0 === KDMV) return 'sparse';
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512));
  if (text.startsWith('COWD')) return 'cowd';
  if (/^\s*#\s*Disk DescriptorFile/i.test(text)) return 'descriptor';
  return null;
}

/** Parses the text descriptor: `key = "value"` lines and extent lines `RW 4192256 SPARSE "x-s001.vmdk" [offset]`. */
export function parseDescriptor(text: string): VmdkDescriptor {
  const d: VmdkDescriptor = { createType: null, cid: null, parentCid: null, parentHint: null, extents: [] };
  for (const raw of text.slice(0, MAX_DESCRIPTOR_BYTES).split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const ext = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+([A-Z]+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?/i.exec(line);
    if (ext) {
      if (d.extents.length >= MAX_EXTENTS) throw new ParseError('limit-exceeded', { what: 'VMDK extents', need: MAX_EXTENTS + 1, have: MAX_EXTENTS });
      d.extents.push({ access: ext[1]!.toUpperCase(), sectors: Number(ext[2]), type: ext[3]!.toUpperCase(), file: ext[4] ?? null, offset: Number(ext[5] ?? 0) });
      continue;
    }
    const kv = /^([A-Za-z.]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (!kv) continue;
    const [, k, v] = kv as unknown as [string, string, string];
    if (k === 'createType') d.createType = v;
    else if (k === 'CID') d.cid = v;
    else if (k === 'parentCID') d.parentCid = v;
    else if (k === 'parentFileNameHint') d.parentHint = v;
  }
  return d;
}

export interface VmdkImage {
  reader: Reader;
  info: Record<string, string | number>;
  issues: ReadIssue[];
}

export interface VmdkOpeners {
  /** Opens a file named in the descriptor (relative to the descriptor's folder); null when absent. */
  openFile: (name: string) => Promise<Reader | null>;
}

export async function openVmdk(reader: Reader, opener: VmdkOpeners, opts: { file?: string; issues?: ReadIssue[]; depth?: number; cacheBytes?: number } = {}): Promise<VmdkImage> {
  const issues = opts.issues ?? [];
  const file = opts.file ?? null;
  const depth = opts.depth ?? 0;
  const cache = opts.cacheBytes !== undefined ? { cacheBytes: opts.cacheBytes } : {};
  const kind = sniffVmdk(await reader.read(0, 512));
  if (kind === 'cowd') throw new ParseError('unsupported-version', { what: 'VMDK COWD (ESX sparse) extent', offset: 0 }, 'VMDK COWD/vmfsSparse extents are not supported');
  if (!kind) throw new ParseError('bad-signature', { what: 'VMDK header', offset: 0 });
  const owned: Reader[] = [];
  let desc: VmdkDescriptor;
  let monolithic = false;
  if (kind === 'sparse') {
    const h = await readSparseHeader(reader);
    const text = await embeddedDescriptor(reader, h);
    desc = text ? parseDescriptor(text) : { createType: 'monolithicSparse', cid: null, parentCid: null, parentHint: null, extents: [] };
    monolithic = true;
    if (h.uncleanShutdown) pushIssue(issues, { message: 'VMDK extent was not closed cleanly (uncleanShutdown set)', offset: 72, file });
  } else {
    desc = parseDescriptor(new TextDecoder('latin1').decode(await reader.read(0, Math.min(reader.size, MAX_DESCRIPTOR_BYTES))));
  }
  const info: Record<string, string | number> = { 'disk type': desc.createType ?? 'unknown' };

  // A child of a snapshot: grains it lacks come from the parent named by parentFileNameHint.
  let parent: Reader | null = null;
  if (desc.parentCid && !/^f{8}$/i.test(desc.parentCid)) {
    info['parent'] = desc.parentHint ?? '(no hint)';
    if (depth >= 16) throw new ParseError('loop', { what: 'VMDK parent chain' }, 'VMDK parent chain deeper than 16');
    const pf = desc.parentHint ? await opener.openFile(desc.parentHint) : null;
    if (pf) parent = (await openVmdk(pf, opener, { file: desc.parentHint ?? undefined, issues, depth: depth + 1, ...cache })).reader;
    else pushIssue(issues, { message: `parent disk '${desc.parentHint ?? '?'}' not found beside the VMDK; grains it holds read as zeros`, offset: null, file });
  }

  if (monolithic) {
    const ext = await openSparseExtent(reader, { file, issues, parent, ...cache });
    info['media size'] = ext.reader.size;
    info['extents'] = 1;
    return { reader: ext.reader, info, issues };
  }
  const parts: Reader[] = [];
  let logical = 0;
  for (const e of desc.extents) {
    const bytes = e.sectors * 512;
    const parentSlice = parent ? new SliceReader(parent, Math.min(logical, parent.size), bytes) : null;
    logical += bytes;
    if (e.type === 'ZERO' || !e.file) {
      parts.push(new ZeroReader(bytes));
      continue;
    }
    const f = await opener.openFile(e.file);
    if (!f) {
      pushIssue(issues, { message: `extent file '${e.file}' not found; its ${bytes} bytes read as zeros`, offset: logical - bytes, file });
      parts.push(new ZeroReader(bytes));
      continue;
    }
    owned.push(f);
    if (e.type === 'FLAT' || e.type === 'VMFS') {
      const slice = new SliceReader(f, Math.min(e.offset * 512, f.size), bytes);
      if (slice.size < bytes) pushIssue(issues, { message: `flat extent '${e.file}' is short (${slice.size} of ${bytes} bytes)`, offset: logical - bytes, file: e.file });
      parts.push(slice.size < bytes ? new ConcatReader([slice, new ZeroReader(bytes - slice.size)]) : slice);
    } else if (e.type === 'SPARSE') {
      const ext = await openSparseExtent(f, { file: e.file, issues, parent: parentSlice, ...cache });
      parts.push(ext.reader.size >= bytes ? new SliceReader(ext.reader, 0, bytes) : new ConcatReader([ext.reader, new ZeroReader(bytes - ext.reader.size)]));
    } else {
      pushIssue(issues, { message: `extent type ${e.type} of '${e.file}' is not supported; read as zeros`, offset: logical - bytes, file });
      parts.push(new ZeroReader(bytes));
    }
  }
  info['media size'] = logical;
  info['extents'] = desc.extents.length;
  const concat = new ConcatReader(parts);
  const out: Reader = {
    size: concat.size,
    read: (o, l) => concat.read(o, l),
    close: async () => {
      await Promise.allSettled([...owned, ...(parent ? [parent] : [])].map((r) => r.close()));
    },
  };
  return { reader: out, info, issues };
}

/** `size` zero bytes (ZERO extents, missing extents). */
export class ZeroReader implements Reader {
  constructor(readonly size: number) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(clampRange(this.size, offset, length).length);
  }
  async close(): Promise<void> {}
}

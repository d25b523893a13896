/**
 * Hand-built PE images for edge-case tests: every field is written explicitly so a test can break
 * exactly one. Layout: DOS header (e_lfanew 0x40) | PE\0\0 | COFF | PE32+ optional header (240
 * bytes, 16 data directories) | section table | raw section data from FILE_ALIGN on.
 */
export const FILE_ALIGN = 0x200;
export const NT_OFFSET = 0x40;
export const OPT_OFFSET = NT_OFFSET + 24;
export const SECTION_TABLE = OPT_OFFSET + 240;

export interface BuildSection {
  name: string;
  rva: number;
  data: Uint8Array;
}

export interface BuildOptions {
  machine?: number;
  characteristics?: number;
  stamp?: number;
  sections?: BuildSection[];
  /** index → [rva-or-offset, size] */
  dirs?: Record<number, [number, number]>;
  /** Appended after the sections (e.g. a certificate table, which lives at a file offset). */
  tail?: Uint8Array;
}

export interface Built {
  bytes: Uint8Array;
  /** File offset of each section's raw data, in order. */
  sectionOffsets: number[];
  /** File offset where `tail` starts. */
  tailOffset: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function buildPe(o: BuildOptions = {}): Built {
  const sections = o.sections ?? [];
  const sectionOffsets: number[] = [];
  let off = FILE_ALIGN;
  for (const s of sections) {
    sectionOffsets.push(off);
    off += alignUp(Math.max(1, s.data.length), FILE_ALIGN);
  }
  const tailOffset = off;
  const bytes = new Uint8Array(off + (o.tail?.length ?? 0));
  const v = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  v.setUint32(0x3c, NT_OFFSET, true);
  bytes.set([0x50, 0x45, 0, 0], NT_OFFSET);
  v.setUint16(NT_OFFSET + 4, o.machine ?? 0x8664, true);
  v.setUint16(NT_OFFSET + 6, sections.length, true);
  v.setUint32(NT_OFFSET + 8, o.stamp ?? 1678689206, true);
  v.setUint16(NT_OFFSET + 20, 240, true);
  v.setUint16(NT_OFFSET + 22, o.characteristics ?? 0x2022, true);
  v.setUint16(OPT_OFFSET, 0x20b, true);
  v.setUint32(OPT_OFFSET + 0x3c, FILE_ALIGN, true); // SizeOfHeaders
  v.setUint32(OPT_OFFSET + 108, 16, true);
  for (const [i, [rva, size]] of Object.entries(o.dirs ?? {})) {
    v.setUint32(OPT_OFFSET + 112 + Number(i) * 8, rva, true);
    v.setUint32(OPT_OFFSET + 112 + Number(i) * 8 + 4, size, true);
  }
  sections.forEach((s, i) => {
    const h = SECTION_TABLE + i * 40;
    bytes.set(new TextEncoder().encode(s.name.slice(0, 8)), h);
    v.setUint32(h + 8, s.data.length, true);
    v.setUint32(h + 12, s.rva, true);
    v.setUint32(h + 16, alignUp(Math.max(1, s.data.length), FILE_ALIGN), true);
    v.setUint32(h + 20, sectionOffsets[i]!, true);
    bytes.set(s.data, sectionOffsets[i]!);
  });
  if (o.tail) bytes.set(o.tail, tailOffset);
  return { bytes, sectionOffsets, tailOffset };
}

/** Little-endian writer for building resource trees and certificate entries. */
export class Bytes {
  private readonly parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u16(n: number): this {
    this.parts.push(n & 0xff, (n >>> 8) & 0xff);
    return this;
  }
  u32(n: number): this {
    return this.u16(n & 0xffff).u16(n >>> 16);
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]!);
    return this;
  }
  wstrz(s: string): this {
    for (const ch of s) this.u16(ch.charCodeAt(0));
    return this.u16(0);
  }
  align(n: number): this {
    while (this.parts.length % n) this.parts.push(0);
    return this;
  }
  at(off: number, fn: (b: Bytes) => void): this {
    const sub = new Bytes();
    fn(sub);
    this.parts.splice(off, sub.length, ...sub.parts);
    return this;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A VS_VERSIONINFO with VS_FIXEDFILEINFO and one StringTable of `strings`. */
export function versionInfo(fileVersion: [number, number, number, number], strings: Record<string, string>): Uint8Array {
  const block = (key: string, type: number, value: Uint8Array, valueLength: number, children: Uint8Array[]): Uint8Array => {
    const b = new Bytes().u16(0).u16(valueLength).u16(type).wstrz(key).align(4).raw(value).align(4);
    for (const c of children) b.raw(c).align(4);
    const out = b.bytes();
    new DataView(out.buffer).setUint16(0, out.length, true);
    return out;
  };
  const wz = (s: string): Uint8Array => new Bytes().wstrz(s).bytes();
  const [a, b, c, d] = fileVersion;
  const ffi = new Bytes().u32(0xfeef04bd).u32(0x10000).u32((a << 16) | b).u32((c << 16) | d)
    .u32((a << 16) | b).u32((c << 16) | d).u32(0x3f).u32(0).u32(0x40004).u32(2).u32(0).u32(0).u32(0).bytes();
  const strs = Object.entries(strings).map(([k, v]) => block(k, 1, wz(v), v.length + 1, []));
  const table = block('040904b0', 1, new Uint8Array(0), 0, strs);
  const sfi = block('StringFileInfo', 1, new Uint8Array(0), 0, [table]);
  const tr = block('Translation', 0, new Bytes().u16(0x409).u16(1200).bytes(), 4, []);
  const vfi = block('VarFileInfo', 1, new Uint8Array(0), 0, [tr]);
  return block('VS_VERSION_INFO', 0, ffi, 52, [sfi, vfi]);
}

/**
 * A .rsrc section (at `rva`) holding type 16 → id 1 → lang 0x409 → `data`. Directory offsets:
 * root 0, name 0x18, lang 0x30, data entry 0x48, data 0x58.
 */
export function versionResourceSection(rva: number, data: Uint8Array): Uint8Array {
  const HIGH = 0x80000000;
  const dir = (b: Bytes, name: number, target: number): Bytes => b.u32(0).u32(0).u16(0).u16(0).u16(0).u16(1).u32(name).u32(target);
  const b = new Bytes();
  dir(b, 16, (HIGH | 0x18) >>> 0);
  dir(b, 1, (HIGH | 0x30) >>> 0);
  dir(b, 0x409, 0x48);
  b.u32(rva + 0x58).u32(data.length).u32(0).u32(0);
  b.raw(data);
  return b.bytes();
}

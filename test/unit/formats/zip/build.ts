/** A tiny ZIP writer for tests: exact control over every header field the reader checks. */
import { crc32, deflateRawSync } from 'node:zlib';

export interface BuildMember {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** Extended-timestamp mtime (Unix seconds) in both headers. */
  utMtime?: number;
  /** Write sizes/CRC as zero in the local header and a signed data descriptor after the data. */
  descriptor?: boolean;
  /** Force zip64: 0xFFFFFFFF sizes/offset with a zip64 extra. */
  zip64?: boolean;
  /** Override the declared uncompressed size (a lying header). */
  declaredSize?: number;
}

const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
const u64 = (v: number): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };

export function buildZip(members: BuildMember[], o: { prefix?: Uint8Array; zip64Eocd?: boolean; comment?: string } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let off = o.prefix ? o.prefix.length : 0;
  if (o.prefix) parts.push(Buffer.from(o.prefix));
  const DOS_TIME = (9 << 11) | (12 << 5);
  const DOS_DATE = ((2023 - 1980) << 9) | (3 << 5) | 20;
  for (const m of members) {
    const method = m.method ?? 8;
    const body = method === 8 ? deflateRawSync(m.data) : Buffer.from(m.data);
    const crc = crc32(m.data);
    const size = m.declaredSize ?? m.data.length;
    const name = Buffer.from(m.name, 'utf8');
    const flags = 0x0800 | (m.descriptor ? 0x0008 : 0);
    const ut = m.utMtime !== undefined ? Buffer.concat([u16(0x5455), u16(5), Buffer.from([1]), u32(m.utMtime)]) : Buffer.alloc(0);
    const z64l = m.zip64 ? Buffer.concat([u16(1), u16(16), u64(size), u64(body.length)]) : Buffer.alloc(0);
    const local = Buffer.concat([
      u32(0x04034b50), u16(m.zip64 ? 45 : 20), u16(flags), u16(method), u16(DOS_TIME), u16(DOS_DATE),
      u32(m.descriptor ? 0 : crc), u32(m.descriptor ? 0 : m.zip64 ? 0xffffffff : body.length), u32(m.descriptor ? 0 : m.zip64 ? 0xffffffff : size),
      u16(name.length), u16(ut.length + z64l.length), name, ut, z64l,
    ]);
    const desc = m.descriptor ? Buffer.concat([u32(0x08074b50), u32(crc), u32(body.length), u32(size)]) : Buffer.alloc(0);
    const z64c = m.zip64 ? Buffer.concat([u16(1), u16(24), u64(size), u64(body.length), u64(off)]) : Buffer.alloc(0);
    central.push(Buffer.concat([
      u32(0x02014b50), u16(0x031e), u16(m.zip64 ? 45 : 20), u16(flags), u16(method), u16(DOS_TIME), u16(DOS_DATE), u32(crc),
      u32(m.zip64 ? 0xffffffff : body.length), u32(m.zip64 ? 0xffffffff : size), u16(name.length), u16(ut.length + z64c.length), u16(0),
      u16(0), u16(0), u32(0o100644 << 16), u32(m.zip64 ? 0xffffffff : off), name, ut, z64c,
    ]));
    parts.push(local, body, desc);
    off += local.length + body.length + desc.length;
  }
  const cd = Buffer.concat(central);
  const cdOff = off;
  parts.push(cd);
  const comment = Buffer.from(o.comment ?? '');
  if (o.zip64Eocd) {
    const recAt = cdOff + cd.length;
    parts.push(Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(members.length), u64(members.length), u64(cd.length), u64(cdOff)]));
    parts.push(Buffer.concat([u32(0x07064b50), u32(0), u64(recAt), u32(1)]));
    parts.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(comment.length), comment]));
  } else {
    parts.push(Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(members.length), u16(members.length), u32(cd.length), u32(cdOff), u16(comment.length), comment]));
  }
  return Buffer.concat(parts);
}

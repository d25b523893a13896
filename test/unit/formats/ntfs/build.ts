/** Hand-built NTFS structures for unit tests and fuzzers: records with fixups, index nodes, $FILE_NAME keys. */

/** Writes an update sequence array (usn 0x0001) into a record of 512-byte strides. */
export function withFixups(rec: Uint8Array, usaOffset: number): Uint8Array {
  const out = Uint8Array.from(rec);
  const dv = new DataView(out.buffer);
  const strides = out.length / 512;
  dv.setUint16(4, usaOffset, true);
  dv.setUint16(6, strides + 1, true);
  dv.setUint16(usaOffset, 0x0001, true);
  for (let i = 0; i < strides; i++) {
    const end = (i + 1) * 512 - 2;
    out[usaOffset + 2 + i * 2] = out[end]!;
    out[usaOffset + 3 + i * 2] = out[end + 1]!;
    dv.setUint16(end, 0x0001, true);
  }
  return out;
}

export function fileNameValue(name: string, parent: number, parentSeq: number, opts: { namespace?: number; size?: number; dir?: boolean } = {}): Uint8Array {
  const v = new Uint8Array(0x42 + name.length * 2);
  const dv = new DataView(v.buffer);
  dv.setUint32(0, parent, true);
  dv.setUint16(6, parentSeq, true);
  const t = 133000000000000000n; // 2022-06-16
  for (const o of [8, 16, 24, 32]) dv.setBigUint64(o, t, true);
  dv.setBigUint64(0x30, BigInt(opts.size ?? 0), true);
  dv.setUint32(0x38, opts.dir ? 0x10000000 : 0x20, true);
  v[0x40] = name.length;
  v[0x41] = opts.namespace ?? 1;
  for (let i = 0; i < name.length; i++) dv.setUint16(0x42 + i * 2, name.charCodeAt(i), true);
  return v;
}

export interface AttrSpec { type: number; name?: string; resident?: Uint8Array; nonResident?: { startVcn: number; lastVcn: number; runlist: number[]; dataSize: number; cu?: number; flags?: number } }

function attrBytes(a: AttrSpec, id: number): Uint8Array {
  const nameLen = a.name?.length ?? 0;
  if (a.resident) {
    const nameOff = 0x18;
    const valOff = (nameOff + nameLen * 2 + 7) & ~7;
    const len = (valOff + a.resident.length + 7) & ~7;
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, a.type, true); dv.setUint32(4, len, true);
    b[9] = nameLen; dv.setUint16(10, nameOff, true); dv.setUint16(14, id, true);
    dv.setUint32(0x10, a.resident.length, true); dv.setUint16(0x14, valOff, true);
    for (let i = 0; i < nameLen; i++) dv.setUint16(nameOff + i * 2, a.name!.charCodeAt(i), true);
    b.set(a.resident, valOff);
    return b;
  }
  const nr = a.nonResident!;
  const nameOff = 0x40;
  const rlOff = (nameOff + nameLen * 2 + 7) & ~7;
  const len = (rlOff + nr.runlist.length + 1 + 7) & ~7;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, a.type, true); dv.setUint32(4, len, true); b[8] = 1;
  b[9] = nameLen; dv.setUint16(10, nameOff, true); dv.setUint16(12, nr.flags ?? 0, true); dv.setUint16(14, id, true);
  dv.setBigInt64(0x10, BigInt(nr.startVcn), true); dv.setBigInt64(0x18, BigInt(nr.lastVcn), true);
  dv.setUint16(0x20, rlOff, true); dv.setUint16(0x22, nr.cu ?? 0, true);
  dv.setBigUint64(0x28, BigInt((nr.lastVcn + 1) * 4096), true);
  dv.setBigUint64(0x30, BigInt(nr.dataSize), true); dv.setBigUint64(0x38, BigInt(nr.dataSize), true);
  for (let i = 0; i < nameLen; i++) dv.setUint16(nameOff + i * 2, a.name!.charCodeAt(i), true);
  b.set(nr.runlist, rlOff);
  return b;
}

/** A 1024-byte FILE record with the given attributes and fixups applied for disk. */
export function mftRecord(entry: number, attrs: AttrSpec[], opts: { seq?: number; flags?: number; base?: number } = {}): Uint8Array {
  const rec = new Uint8Array(1024);
  const dv = new DataView(rec.buffer);
  rec.set([0x46, 0x49, 0x4c, 0x45], 0);
  dv.setUint16(0x10, opts.seq ?? 1, true);
  dv.setUint16(0x12, 1, true);
  dv.setUint16(0x14, 0x38, true);
  dv.setUint16(0x16, opts.flags ?? 1, true);
  dv.setUint32(0x1c, 1024, true);
  if (opts.base !== undefined) { dv.setUint32(0x20, opts.base, true); dv.setUint16(0x26, 1, true); }
  dv.setUint32(0x2c, entry, true);
  let pos = 0x38;
  attrs.forEach((a, i) => {
    const b = attrBytes(a, i);
    rec.set(b, pos);
    pos += b.length;
  });
  dv.setUint32(pos, 0xffffffff, true);
  dv.setUint32(0x18, pos + 8, true);
  return withFixups(rec, 0x30);
}

/** An index node (header + entries) holding `keys`, each optionally with a subnode VCN; ends with a last entry. */
/** `entriesOffset` leaves room after the 16-byte header (INDX blocks keep their fixup array there). */
export function indexNode(keys: { ref: number; key: Uint8Array; sub?: number }[], lastSub?: number, entriesOffset = 16): Uint8Array {
  const parts: Uint8Array[] = [];
  const entry = (ref: number, key: Uint8Array | null, sub: number | undefined, last: boolean): Uint8Array => {
    const keyLen = key?.length ?? 0;
    const len = ((16 + keyLen + 7) & ~7) + (sub !== undefined ? 8 : 0);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, ref, true); dv.setUint16(6, 1, true);
    dv.setUint16(8, len, true); dv.setUint16(10, keyLen, true);
    dv.setUint16(12, (sub !== undefined ? 1 : 0) | (last ? 2 : 0), true);
    if (key) b.set(key, 16);
    if (sub !== undefined) dv.setBigUint64(len - 8, BigInt(sub), true);
    return b;
  };
  for (const k of keys) parts.push(entry(k.ref, k.key, k.sub, false));
  parts.push(entry(0, null, lastSub, true));
  const body = parts.reduce((n, p) => n + p.length, 0);
  const node = new Uint8Array(entriesOffset + body);
  const dv = new DataView(node.buffer);
  dv.setUint32(0, entriesOffset, true); dv.setUint32(4, entriesOffset + body, true); dv.setUint32(8, entriesOffset + body, true);
  node[12] = keys.some((k) => k.sub !== undefined) || lastSub !== undefined ? 1 : 0;
  let o = entriesOffset;
  for (const p of parts) { node.set(p, o); o += p.length; }
  return node;
}

/** An $INDEX_ROOT value for $I30 with 4096-byte index blocks. */
export function indexRoot(node: Uint8Array): Uint8Array {
  const v = new Uint8Array(16 + node.length);
  const dv = new DataView(v.buffer);
  dv.setUint32(0, 0x30, true); dv.setUint32(4, 1, true); dv.setUint32(8, 4096, true); v[12] = 1;
  v.set(node, 16);
  return v;
}

/** A 4096-byte INDX block at `vcn` holding `node`, with fixups. */
export function indxBlock(vcn: number, node: Uint8Array): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  b.set([0x49, 0x4e, 0x44, 0x58], 0);
  dv.setBigUint64(0x10, BigInt(vcn), true);
  b.set(node, 0x18);
  dv.setUint32(0x18 + 8, 4096 - 0x18, true);
  return withFixups(b, 0x28);
}

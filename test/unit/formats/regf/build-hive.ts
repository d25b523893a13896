/**
 * Hand-built hives for edge cases the real ones do not show (cycles, nested ri, big data,
 * truncated cells). Cells are laid out in one hbin after a valid base block; offsets are
 * relative to the hbins start, as in the format.
 */
export class HiveBuilder {
  private readonly cells: Uint8Array[] = [];
  private next = 0x20;

  /** Reserve a cell of `payload` bytes (allocated unless `free`); returns its offset. */
  cell(payload: Uint8Array, free = false): number {
    const size = (payload.length + 4 + 7) & ~7;
    const c = new Uint8Array(size);
    new DataView(c.buffer).setInt32(0, free ? size : -size, true);
    c.set(payload, 4);
    const off = this.next;
    this.cells.push(c);
    this.next += size;
    return off;
  }

  /** Fill a reserved cell later (for forward references): same length as reserved. */
  patch(off: number, payload: Uint8Array): void {
    let at = 0x20;
    for (const c of this.cells) {
      if (at === off) {
        c.set(payload, 4);
        return;
      }
      at += c.length;
    }
    throw new Error(`no cell at ${off}`);
  }

  build(rootCell: number, opts: { minor?: number; seq?: [number, number] } = {}): Uint8Array {
    const binSize = Math.ceil((this.next + 8) / 4096) * 4096;
    const out = new Uint8Array(4096 + binSize);
    const dv = new DataView(out.buffer);
    out.set([0x72, 0x65, 0x67, 0x66], 0); // regf
    const [s1, s2] = opts.seq ?? [1, 1];
    dv.setUint32(4, s1, true);
    dv.setUint32(8, s2, true);
    dv.setUint32(0x14, 1, true);
    dv.setUint32(0x18, opts.minor ?? 5, true);
    dv.setUint32(0x20, 1, true);
    dv.setUint32(0x24, rootCell, true);
    dv.setUint32(0x28, binSize, true);
    let x = 0;
    for (let i = 0; i < 508; i += 4) x ^= dv.getUint32(i, true);
    dv.setUint32(0x1fc, x >>> 0, true);
    out.set([0x68, 0x62, 0x69, 0x6e], 4096); // hbin
    dv.setUint32(4096 + 8, binSize, true);
    let at = 4096 + 0x20;
    for (const c of this.cells) {
      out.set(c, at);
      at += c.length;
    }
    dv.setInt32(at, 4096 + binSize - at, true); // the rest is one free cell
    return out;
  }
}

export function nk(name: string, o: { subkeys?: number; subkeyList?: number; values?: number; valueList?: number; parent?: number; flags?: number } = {}): Uint8Array {
  const b = new Uint8Array(0x4c + name.length);
  const dv = new DataView(b.buffer);
  b.set([0x6e, 0x6b], 0);
  dv.setUint16(2, o.flags ?? 0x20, true);
  dv.setBigUint64(4, 133237809000000000n, true); // 2023-03-20T10:15:00Z
  dv.setUint32(0x10, o.parent ?? 0, true);
  dv.setUint32(0x14, o.subkeys ?? 0, true);
  dv.setUint32(0x1c, o.subkeyList ?? 0xffffffff, true);
  dv.setUint32(0x20, 0xffffffff, true);
  dv.setUint32(0x24, o.values ?? 0, true);
  dv.setUint32(0x28, o.valueList ?? 0xffffffff, true);
  dv.setUint32(0x2c, 0xffffffff, true);
  dv.setUint32(0x30, 0xffffffff, true);
  dv.setUint16(0x48, name.length, true);
  for (let i = 0; i < name.length; i++) b[0x4c + i] = name.charCodeAt(i);
  return b;
}

export function vk(name: string, type: number, size: number, dataOffsetOrInline: number): Uint8Array {
  const b = new Uint8Array(0x14 + name.length);
  const dv = new DataView(b.buffer);
  b.set([0x76, 0x6b], 0);
  dv.setUint16(2, name.length, true);
  dv.setUint32(4, size >>> 0, true);
  dv.setUint32(8, dataOffsetOrInline >>> 0, true);
  dv.setUint32(0x0c, type, true);
  dv.setUint16(0x10, 1, true);
  for (let i = 0; i < name.length; i++) b[0x14 + i] = name.charCodeAt(i);
  return b;
}

/** An lf/lh/li/ri list naming `offsets`. */
export function list(sig: 'lf' | 'lh' | 'li' | 'ri', offsets: number[]): Uint8Array {
  const stride = sig === 'lf' || sig === 'lh' ? 8 : 4;
  const b = new Uint8Array(4 + offsets.length * stride);
  const dv = new DataView(b.buffer);
  b[0] = sig.charCodeAt(0);
  b[1] = sig.charCodeAt(1);
  dv.setUint16(2, offsets.length, true);
  offsets.forEach((o, i) => dv.setUint32(4 + i * stride, o, true));
  return b;
}

export function u32s(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(b.buffer).setUint32(i * 4, v, true));
  return b;
}

export function utf16z(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s + '\0', 'utf16le'));
}

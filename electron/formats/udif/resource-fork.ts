/**
 * The classic Mac OS resource fork (Inside Macintosh: More Macintosh Toolbox, ch. 1), big-endian.
 * Old UDIF images keep their `blkx` tables here instead of in an XML plist, and HFS+ compression
 * type 4 keeps its block table in a `cmpf` resource. See SPEC.md §resource fork.
 */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export interface Resource {
  readonly type: string;
  readonly id: number;
  readonly name: string | null;
  /** The resource's bytes (a view into the fork). */
  readonly data: Uint8Array;
}

const MAX_TYPES = 4096;
const MAX_RESOURCES = 65536;

export function parseResourceFork(bytes: Uint8Array, base = 0): Resource[] {
  const c = new ByteCursor(bytes, base);
  const dataOff = c.u32be(0, 'resource data offset');
  const mapOff = c.u32be(4, 'resource map offset');
  const dataLen = c.u32be(8, 'resource data length');
  const mapLen = c.u32be(12, 'resource map length');
  const data = c.slice(dataOff, dataLen, 'resource data');
  const map = c.slice(mapOff, mapLen, 'resource map');
  const typeListOff = map.u16be(24, 'resource type list offset');
  const nameListOff = map.u16be(26, 'resource name list offset');
  const types = map.u16be(typeListOff, 'resource type count') + 1;
  if (types > MAX_TYPES) throw new ParseError('limit-exceeded', { what: 'resource types', need: types, have: MAX_TYPES });
  const out: Resource[] = [];
  for (let t = 0; t < types && map.has(typeListOff + 2 + t * 8, 8); t++) {
    const e = typeListOff + 2 + t * 8;
    const type = map.ascii(e, 4, 'resource type');
    const count = map.u16be(e + 4, 'resource count') + 1;
    const refList = typeListOff + map.u16be(e + 6, 'resource reference list offset');
    for (let r = 0; r < count; r++) {
      if (out.length >= MAX_RESOURCES) throw new ParseError('limit-exceeded', { what: 'resources', need: out.length + 1, have: MAX_RESOURCES });
      const ref = refList + r * 12;
      const id = (map.u16be(ref, 'resource id') << 16) >> 16;
      const nameOff = map.u16be(ref + 2, 'resource name offset');
      const at = map.uintBe(ref + 5, 3, 'resource data offset');
      const len = data.u32be(at, 'resource length');
      let name: string | null = null;
      if (nameOff !== 0xffff) {
        const n = nameOff + nameListOff;
        name = map.ascii(n + 1, map.u8(n, 'resource name length'), 'resource name');
      }
      out.push({ type, id, name, data: data.raw(at + 4, len, 'resource bytes') });
    }
  }
  return out;
}

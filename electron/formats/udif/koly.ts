/** The UDIF `koly` trailer (512 bytes, big-endian; see SPEC.md §koly). */
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const KOLY_SIZE = 512;

export interface Koly {
  /** Where the trailer was found: normally size-512, 0 for images that carry it first. */
  readonly at: number;
  readonly version: number;
  readonly flags: number;
  readonly dataForkOffset: number;
  readonly dataForkLength: number;
  readonly rsrcForkOffset: number;
  readonly rsrcForkLength: number;
  readonly segmentNumber: number;
  readonly segmentCount: number;
  readonly dataChecksumType: number;
  readonly dataChecksum: number;
  readonly xmlOffset: number;
  readonly xmlLength: number;
  readonly masterChecksumType: number;
  readonly masterChecksum: number;
  readonly imageVariant: number;
  readonly sectorCount: number;
}

export function isKoly(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x6b && b[1] === 0x6f && b[2] === 0x6c && b[3] === 0x79;
}

export function parseKoly(bytes: Uint8Array, at: number, fileSize: number): Koly {
  const c = new ByteCursor(bytes, at);
  c.need(0, KOLY_SIZE, 'koly trailer');
  if (!isKoly(bytes)) throw new ParseError('bad-signature', { what: 'koly signature', offset: at });
  const headerSize = c.u32be(8, 'koly header size');
  if (headerSize !== KOLY_SIZE) throw new ParseError('unsupported-version', { what: 'koly header size', offset: at + 8 }, `koly header size is ${headerSize}, expected 512`);
  const k: Koly = {
    at,
    version: c.u32be(4, 'koly version'),
    flags: c.u32be(12, 'koly flags'),
    dataForkOffset: c.u64be(0x18, 'data fork offset'),
    dataForkLength: c.u64be(0x20, 'data fork length'),
    rsrcForkOffset: c.u64be(0x28, 'resource fork offset'),
    rsrcForkLength: c.u64be(0x30, 'resource fork length'),
    segmentNumber: c.u32be(0x38, 'segment number'),
    segmentCount: c.u32be(0x3c, 'segment count'),
    dataChecksumType: c.u32be(0x50, 'data checksum type'),
    dataChecksum: c.u32be(0x58, 'data checksum'),
    xmlOffset: c.u64be(0xd8, 'XML plist offset'),
    xmlLength: c.u64be(0xe0, 'XML plist length'),
    masterChecksumType: c.u32be(0x160, 'master checksum type'),
    masterChecksum: c.u32be(0x168, 'master checksum'),
    imageVariant: c.u32be(0x1e8, 'image variant'),
    sectorCount: c.u64be(0x1ec, 'sector count'),
  };
  for (const [o, l, what] of [[k.dataForkOffset, k.dataForkLength, 'data fork'], [k.rsrcForkOffset, k.rsrcForkLength, 'resource fork'], [k.xmlOffset, k.xmlLength, 'XML plist']] as const) {
    if (o + l > fileSize) throw new ParseError('out-of-bounds', { what, offset: o, need: l, have: Math.max(0, fileSize - o) }, `koly ${what} [${o}, ${o + l}) lies past the end of the file (${fileSize} bytes)`);
  }
  if (k.segmentCount > 1) {
    throw new ParseError('unsupported-version', { what: 'segmented UDIF', offset: at + 0x3c }, `segmented DMG (segment ${k.segmentNumber} of ${k.segmentCount}); segmented images are not supported`);
  }
  return k;
}

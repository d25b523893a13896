import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const QCOW_MAGIC = [0x51, 0x46, 0x49, 0xfb]; // "QFI\xfb"

export interface QcowHeader {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  /** log2 of L2 entries per table. */
  l2Bits: number;
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  nbSnapshots: number;
  incompatible: bigint;
  compressionType: number;
}

const INCOMPAT_DIRTY = 1n;
const INCOMPAT_CORRUPT = 2n;
const INCOMPAT_EXTERNAL_DATA = 4n;
const INCOMPAT_COMPRESSION_TYPE = 8n;
const INCOMPAT_EXTENDED_L2 = 16n;

/** Parses a QCOW (v1) or QCOW2 (v2/v3) header, big-endian. */
export function parseHeader(c: ByteCursor): QcowHeader {
  if (!QCOW_MAGIC.every((b, i) => c.u8(i, 'magic') === b)) throw new ParseError('bad-signature', { what: 'QCOW magic', offset: 0 });
  const version = c.u32be(4, 'version');
  if (version === 1) {
    // v1: mtime at 20, size at 24, cluster_bits u8 at 32, l2_bits u8 at 33, crypt at 36, L1 at 40.
    const clusterBits = c.u8(32, 'cluster_bits');
    const l2Bits = c.u8(33, 'l2_bits');
    checkBits(clusterBits, l2Bits);
    const size = c.u64be(24, 'size');
    const span = 2 ** (clusterBits + l2Bits);
    return {
      version, clusterBits, l2Bits, size,
      backingFileOffset: c.u64be(8, 'backing_file_offset'),
      backingFileSize: c.u32be(16, 'backing_file_size'),
      cryptMethod: c.u32be(36, 'crypt_method'),
      l1Size: Math.ceil(size / span),
      l1TableOffset: c.u64be(40, 'l1_table_offset'),
      nbSnapshots: 0,
      incompatible: 0n,
      compressionType: 0,
    };
  }
  if (version !== 2 && version !== 3) throw new ParseError('unsupported-version', { what: 'QCOW version', offset: 4 }, `QCOW version ${version} is not 1, 2 or 3`);
  const clusterBits = c.u32be(20, 'cluster_bits');
  checkBits(clusterBits, clusterBits - 3);
  const incompatible = version >= 3 ? c.u64bigBe(72, 'incompatible_features') : 0n;
  const headerLength = version >= 3 ? c.u32be(100, 'header_length') : 72;
  const h: QcowHeader = {
    version, clusterBits, l2Bits: clusterBits - 3,
    backingFileOffset: c.u64be(8, 'backing_file_offset'),
    backingFileSize: c.u32be(16, 'backing_file_size'),
    size: c.u64be(24, 'size'),
    cryptMethod: c.u32be(32, 'crypt_method'),
    l1Size: c.u32be(36, 'l1_size'),
    l1TableOffset: c.u64be(40, 'l1_table_offset'),
    nbSnapshots: c.u32be(60, 'nb_snapshots'),
    incompatible,
    compressionType: headerLength > 104 && (incompatible & INCOMPAT_COMPRESSION_TYPE) !== 0n ? c.u8(104, 'compression_type') : 0,
  };
  if ((incompatible & INCOMPAT_EXTERNAL_DATA) !== 0n) throw new ParseError('unsupported-version', { what: 'QCOW2 external data file', offset: 72 }, 'QCOW2 with an external data file is not supported');
  if ((incompatible & INCOMPAT_EXTENDED_L2) !== 0n) throw new ParseError('unsupported-version', { what: 'QCOW2 extended L2 entries', offset: 72 }, 'QCOW2 extended L2 entries (subclusters) are not supported');
  if (h.compressionType !== 0) throw new ParseError('unsupported-version', { what: 'QCOW2 compression type', offset: 104 }, `QCOW2 compression type ${h.compressionType} (zstd) is not supported`);
  if ((incompatible & ~(INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_COMPRESSION_TYPE)) !== 0n) {
    throw new ParseError('unsupported-version', { what: 'QCOW2 incompatible features', offset: 72 }, `QCOW2 has unknown incompatible features 0x${incompatible.toString(16)}`);
  }
  return h;
}

export const isDirty = (h: QcowHeader): boolean => (h.incompatible & INCOMPAT_DIRTY) !== 0n;
export const isCorrupt = (h: QcowHeader): boolean => (h.incompatible & INCOMPAT_CORRUPT) !== 0n;

function checkBits(clusterBits: number, l2Bits: number): void {
  // qemu accepts 512 B .. 2 MiB clusters; v1 allowed smaller ones.
  if (clusterBits < 9 || clusterBits > 21 || l2Bits < 6 || l2Bits > 18) {
    throw new ParseError('out-of-bounds', { what: 'QCOW cluster_bits', offset: 20 }, `QCOW cluster bits ${clusterBits} / L2 bits ${l2Bits} outside what qemu accepts`);
  }
}

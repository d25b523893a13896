/**
 * What an evidence item is, from its content (never its name): a folder, or a file whose magic
 * says ZIP, tar, gzip, EWF, VHD, VHDX, VMDK, QCOW2 or DMG; raw when nothing else matches
 * (checked last because it always "succeeds", as in dissect's container registry).
 */
import { lstat } from 'node:fs/promises';
import type { EvidenceKind } from '../common/scan-result.js';
import { FileReader } from '../io/file-reader.js';

export interface Detected {
  kind: EvidenceKind;
  sizeBytes: number;
  /** gzip is not a kind of its own in the contract: a .tar.gz is a tar. */
  compressed?: 'gzip';
}

const ascii = (b: Uint8Array, off: number, s: string): boolean => [...s].every((c, i) => b[off + i] === c.charCodeAt(0));

export async function detectEvidence(path: string): Promise<Detected> {
  const st = await lstat(path);
  if (st.isDirectory()) return { kind: 'folder', sizeBytes: 0 };
  if (!st.isFile()) throw new Error('not a folder or a regular file');
  const r = await FileReader.open(path);
  try {
    const head = await r.read(0, 1024);
    const tail = r.size >= 512 ? await r.read(r.size - 512, 512) : new Uint8Array(0);
    const size = r.size;
    if (ascii(head, 0, 'EVF\x09\x0d\x0a\xff\x00') || ascii(head, 0, 'EVF2')) return { kind: 'e01', sizeBytes: size };
    if (ascii(head, 0, 'PK\x03\x04') || ascii(head, 0, 'PK\x05\x06')) return { kind: 'zip', sizeBytes: size };
    if (ascii(head, 257, 'ustar')) return { kind: 'tar', sizeBytes: size };
    if (head[0] === 0x1f && head[1] === 0x8b) return { kind: 'tar', sizeBytes: size, compressed: 'gzip' };
    if (ascii(head, 0, 'vhdxfile')) return { kind: 'vhdx', sizeBytes: size };
    if (ascii(head, 0, 'KDMV') || ascii(head, 0, '# Disk DescriptorFile')) return { kind: 'vmdk', sizeBytes: size };
    if (ascii(head, 0, 'QFI\xfb')) return { kind: 'qcow2', sizeBytes: size };
    if (ascii(head, 0, 'conectix') || (tail.length === 512 && ascii(tail, 0, 'conectix'))) return { kind: 'vhd', sizeBytes: size };
    if (tail.length === 512 && ascii(tail, 0, 'koly')) return { kind: 'dmg', sizeBytes: size };
    return { kind: 'raw', sizeBytes: size };
  } finally {
    await r.close();
  }
}

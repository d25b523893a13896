import { createHash } from 'node:crypto';
import { ByteCursor } from '../../io/byte-cursor.js';
import type { Reader } from '../../io/reader.js';
import { machineName, stampIso } from './headers.js';
import { Rc4 } from './rc4.js';
import type { PeEmbeddedPe, PePayload } from './types.js';

/** Decrypted bytes kept in memory to look for an embedded PE; the rest is only hashed. */
export const PAYLOAD_KEEP_BYTES = 8 * 1024 * 1024;
const WINDOW_BYTES = 1024 * 1024;
/** A private copy of the published key, so callers mutating the exported array change nothing here. */
const KEY = new TextEncoder().encode('3jB(2bsG#@c7');

/**
 * First bytes that commonly open x86/x64 position-independent code: nop (90), push reg (50-57),
 * REX prefixes (40-4F, e.g. 48 83 EC = sub rsp), call/jmp (E8, E9, EB), cld (FC), pushad (60),
 * xor/sub/mov (31, 33, 83, 89, 8B). A weak signal: random bytes hit it about one time in six, so it
 * only tells "looks like code" apart from "starts with MZ / zeros / text".
 */
const CODE_FIRST_BYTES = new Set([
  0x90, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
  ...Array.from({ length: 16 }, (_, i) => 0x40 + i),
  0xe8, 0xe9, 0xeb, 0xfc, 0x60, 0x31, 0x33, 0x83, 0x89, 0x8b,
]);

export function startsWithCode(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  if (b[0] === 0x4d && b[1] === 0x5a) return false; // 'MZ' is a PE image, not a stub
  return CODE_FIRST_BYTES.has(b[0]!);
}

/**
 * The first 'MZ' whose e_lfanew points at 'PE\0\0' inside the buffer, with its COFF machine,
 * DLL flag and time stamp. Offsets are relative to the buffer (the decrypted payload).
 */
export function findEmbeddedPe(b: Uint8Array): PeEmbeddedPe | null {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const c = new ByteCursor(b);
  for (let i = buf.indexOf('MZ'); i >= 0; i = buf.indexOf('MZ', i + 1)) {
    if (!c.has(i, 0x40)) break;
    const lfanew = c.u32(i + 0x3c, 'embedded IMAGE_DOS_HEADER.e_lfanew');
    const nt = i + lfanew;
    if (lfanew < 0x40 || !c.has(nt, 24) || c.u32(nt, 'embedded PE signature') !== 0x00004550) continue;
    return {
      offset: i,
      machineName: machineName(c.u16(nt + 4, 'embedded IMAGE_FILE_HEADER.Machine')),
      isDll: (c.u16(nt + 22, 'embedded IMAGE_FILE_HEADER.Characteristics') & 0x2000) !== 0,
      timeDateStampIso: stampIso(c.u32(nt + 8, 'embedded IMAGE_FILE_HEADER.TimeDateStamp')),
    };
  }
  return null;
}

/**
 * RC4-decrypts [offset, offset+length) of the file window by window with the published 3CX key.
 * Only analysis: the plaintext is hashed and searched, never executed or written anywhere.
 */
export async function decryptPayload(reader: Reader, markerOffset: number, offset: number, length: number): Promise<PePayload> {
  const rc4 = new Rc4(KEY);
  const hash = createHash('sha256');
  const keep = new Uint8Array(Math.min(length, PAYLOAD_KEEP_BYTES));
  let done = 0;
  while (done < length) {
    const chunk = await reader.read(offset + done, Math.min(WINDOW_BYTES, length - done));
    if (chunk.length === 0) break; // the caller clamped to the file; a shrinking file ends here
    const plain = rc4.process(chunk);
    hash.update(plain);
    if (done < keep.length) keep.set(plain.subarray(0, keep.length - done), done);
    done += chunk.length;
  }
  const kept = keep.subarray(0, Math.min(done, keep.length));
  return {
    markerOffset, offset, length: done,
    decrypted: { sha256: hash.digest('hex'), embeddedPe: findEmbeddedPe(kept), startsWithCode: startsWithCode(kept) },
  };
}

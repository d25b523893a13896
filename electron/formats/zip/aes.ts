/**
 * WinZip AES (AE-1 / AE-2, compression method 99 + extra field 0x9901), as written by WinZip, 7-Zip
 * and the `alexmullins/zip` fork that Velociraptor uses for protected collections (data.zip).
 *
 * Stored data = salt (8/12/16 bytes) ‖ password verifier (2) ‖ AES-CTR ciphertext ‖ HMAC-SHA1-80 (10).
 * Keys: PBKDF2-HMAC-SHA1(password, salt, 1000 iterations) → AES key ‖ HMAC key ‖ verifier.
 * The CTR counter is a *little-endian* block number starting at 1 (WinZip's choice; node's
 * aes-*-ctr counts big-endian), so the keystream is made here from AES-ECB over counter blocks.
 * CTR is seekable: a stored AES member (data.zip) is read at random without a temp copy.
 */
import { createCipheriv, createHmac, pbkdf2Sync, timingSafeEqual, type Hmac } from 'node:crypto';
import { ParseError } from '../../common/issues.js';
import { clampRange, type Reader } from '../../io/reader.js';

export const AES_MAC_BYTES = 10;
const VERIFIER_BYTES = 2;
const ITERATIONS = 1000;
/** Keystream made per call; bounds the temporary buffers whatever a caller asks for. */
const KEYSTREAM_WINDOW = 1024 * 1024;

export interface AesKeys {
  readonly bits: 128 | 192 | 256;
  readonly aesKey: Buffer;
  readonly macKey: Buffer;
  /** Offset of the ciphertext from the start of the member's stored data. */
  readonly dataStart: number;
  /** Ciphertext length (stored size minus salt, verifier and MAC). */
  readonly dataLength: number;
}

export function aesBits(strength: number | undefined): 128 | 192 | 256 | null {
  return strength === 1 ? 128 : strength === 2 ? 192 : strength === 3 ? 256 : null;
}

/** Derive the keys and check the password verifier; a mismatch is a ParseError naming the member. */
export async function deriveAesKeys(r: Reader, dataOffset: number, storedSize: number, strength: number | undefined, password: string, member: string): Promise<AesKeys> {
  const bits = aesBits(strength);
  if (bits === null) throw new ParseError('unsupported-version', { what: `AES extra field of ${member}` }, `${member}: AES strength ${String(strength)} is not 1, 2 or 3 (or the 0x9901 extra field is missing)`);
  const keyLen = bits / 8;
  const saltLen = keyLen / 2;
  const overhead = saltLen + VERIFIER_BYTES + AES_MAC_BYTES;
  if (storedSize < overhead) throw new ParseError('truncated', { what: `AES data of ${member}`, offset: dataOffset, need: overhead, have: storedSize });
  const head = await r.read(dataOffset, saltLen + VERIFIER_BYTES);
  if (head.length < saltLen + VERIFIER_BYTES) throw new ParseError('truncated', { what: `AES salt of ${member}`, offset: dataOffset, need: saltLen + VERIFIER_BYTES, have: head.length });
  const dk = pbkdf2Sync(Buffer.from(password, 'utf8'), head.subarray(0, saltLen), ITERATIONS, 2 * keyLen + VERIFIER_BYTES, 'sha1');
  if (dk[2 * keyLen] !== head[saltLen] || dk[2 * keyLen + 1] !== head[saltLen + 1]) {
    throw new ParseError('encrypted', { what: member }, `wrong password for AES-encrypted member ${member}`);
  }
  return { bits, aesKey: dk.subarray(0, keyLen), macKey: dk.subarray(keyLen, 2 * keyLen), dataStart: saltLen + VERIFIER_BYTES, dataLength: storedSize - overhead };
}

/** XOR `data` (ciphertext at `pos` within the member's ciphertext) with the keystream, into a new array. */
export function aesCtrApply(keys: AesKeys, data: Uint8Array, pos: number): Uint8Array {
  const out = new Uint8Array(data.length);
  out.set(data);
  const ecb = createCipheriv(`aes-${keys.bits}-ecb`, keys.aesKey, null);
  ecb.setAutoPadding(false);
  for (let done = 0; done < data.length; ) {
    const at = pos + done;
    const firstBlock = Math.floor(at / 16);
    const skip = at - firstBlock * 16;
    const n = Math.min(KEYSTREAM_WINDOW - skip, data.length - done);
    const blocks = Math.ceil((skip + n) / 16);
    const ctr = Buffer.alloc(blocks * 16);
    for (let b = 0; b < blocks; b++) {
      const v = firstBlock + b + 1; // WinZip counts blocks from 1, little-endian over the 16 bytes
      ctr.writeUInt32LE(v % 0x100000000, b * 16);
      ctr.writeUInt32LE(Math.floor(v / 0x100000000), b * 16 + 4);
    }
    const ks = ecb.update(ctr);
    xorInto(out, done, ks, skip, n);
    done += n;
  }
  return out;
}

function xorInto(out: Uint8Array, at: number, ks: Uint8Array, ksAt: number, n: number): void {
  let i = 0;
  const a = out.byteOffset + at;
  const b = ks.byteOffset + ksAt;
  if (a % 4 === 0 && b % 4 === 0) {
    const o32 = new Uint32Array(out.buffer, a, n >>> 2);
    const k32 = new Uint32Array(ks.buffer, b, n >>> 2);
    for (let j = 0; j < o32.length; j++) o32[j]! ^= k32[j]!;
    i = o32.length * 4;
  }
  for (; i < n; i++) out[at + i]! ^= ks[ksAt + i]!;
}

/** The authentication code check, shared by the stream and the seekable reader. */
export class AesMac {
  private readonly h: Hmac;
  private got = 0;
  constructor(keys: AesKeys) {
    this.h = createHmac('sha1', keys.macKey);
  }
  get position(): number {
    return this.got;
  }
  update(cipher: Uint8Array): void {
    this.h.update(cipher);
    this.got += cipher.length;
  }
  /** True when the stored 10-byte code matches the ciphertext seen. */
  matches(stored: Uint8Array): boolean {
    const mac = this.h.digest().subarray(0, AES_MAC_BYTES);
    return stored.length === AES_MAC_BYTES && timingSafeEqual(mac, stored);
  }
}

/** Decrypt a stream of ciphertext; at the end the MAC is compared (`onIssue` on mismatch). */
export async function* aesDecrypt(src: AsyncIterable<Uint8Array>, keys: AesKeys, readMac: () => Promise<Uint8Array>, member: string, onIssue: (code: string, msg: string) => void): AsyncGenerator<Uint8Array> {
  const mac = new AesMac(keys);
  let pos = 0;
  for await (const c of src) {
    mac.update(c);
    yield aesCtrApply(keys, c, pos);
    pos += c.length;
  }
  if (!mac.matches(await readMac())) onIssue('checksum', `AES authentication code of ${member} does not match: the stored data is damaged or altered`);
}

/**
 * A seekable Reader over a *stored* AES member's plaintext. The MAC is checked when the member is
 * read front to back (hashing, a full copy); random reads decrypt without it.
 */
export class AesCtrReader implements Reader {
  readonly size: number;
  private readonly mac: AesMac;
  private macDone = false;

  constructor(
    private readonly r: Reader,
    private readonly dataOffset: number,
    private readonly keys: AesKeys,
    private readonly member: string,
    private readonly onIssue: (code: string, msg: string) => void,
  ) {
    this.size = keys.dataLength;
    this.mac = new AesMac(keys);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const q = clampRange(this.size, offset, length);
    if (q.length === 0) return new Uint8Array(0);
    const cipher = await this.r.read(this.dataOffset + this.keys.dataStart + q.start, q.length);
    if (!this.macDone && q.start === this.mac.position) {
      this.mac.update(cipher);
      if (this.mac.position === this.size) await this.finishMac();
    }
    return aesCtrApply(this.keys, cipher, q.start);
  }

  private async finishMac(): Promise<void> {
    this.macDone = true;
    const stored = await this.r.read(this.dataOffset + this.keys.dataStart + this.size, AES_MAC_BYTES);
    if (!this.mac.matches(stored)) this.onIssue('checksum', `AES authentication code of ${this.member} does not match: the stored data is damaged or altered`);
  }

  /** The member's bytes belong to the archive: nothing to close. */
  async close(): Promise<void> {}
}

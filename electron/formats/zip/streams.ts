/**
 * Pull pipelines that turn a member's stored bytes into its content: read compressed windows
 * from the archive, decrypt (ZipCrypto), inflate (raw deflate), and guard the output against the
 * declared size (a member that inflates past it is a bomb or a lie, and is stopped there) and CRC.
 */
import { once } from 'node:events';
import { createInflateRaw, crc32 } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { ZIP_LIMITS } from './limits.js';
import { ZipCryptoDecoder } from './zipcrypto.js';

/** The stored (compressed, maybe encrypted) bytes of a member, in bounded windows. */
export async function* storedBytes(r: Reader, offset: number, length: number): AsyncGenerator<Uint8Array> {
  for (let done = 0; done < length; ) {
    const chunk = await r.read(offset + done, Math.min(ZIP_LIMITS.feedBytes, length - done));
    if (chunk.length === 0) throw new ParseError('truncated', { what: 'member data', offset: offset + done, need: length - done, have: 0 });
    done += chunk.length;
    yield chunk;
  }
}

export async function* zipCryptoDecrypt(src: AsyncIterable<Uint8Array>, password: string, check: number, member: string): AsyncGenerator<Uint8Array> {
  const d = new ZipCryptoDecoder(password, check, member);
  for await (const c of src) {
    const out = d.push(c);
    if (out.length > 0) yield out;
  }
}

/** Raw-deflate inflation with backpressure: the feeder waits for the consumer, so memory stays bounded. */
export async function* inflateRaw(src: AsyncIterable<Uint8Array>, member: string): AsyncGenerator<Uint8Array> {
  const z = createInflateRaw({ chunkSize: 256 * 1024 });
  const stop = new AbortController();
  let feedError: unknown = null;
  const feed = (async () => {
    try {
      for await (const c of src) {
        if (stop.signal.aborted) return;
        if (!z.write(c)) await once(z, 'drain', { signal: stop.signal });
      }
      z.end();
    } catch (err) {
      if (stop.signal.aborted) return;
      feedError = err;
      z.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } catch (err) {
    if (feedError instanceof ParseError) throw feedError;
    if (err instanceof ParseError) throw err;
    throw new ParseError('decode', { what: `deflate data of ${member}` }, `cannot inflate ${member}: ${(err as Error).message}`);
  } finally {
    stop.abort();
    z.destroy();
    await feed;
  }
}

export interface GuardOptions {
  member: string;
  size: number;
  crc32: number | null;
  onIssue: (code: string, message: string) => void;
}

/** Stop at the declared size (bomb guard), report a short member as truncated, and check the CRC at the end. */
export async function* guardSize(src: AsyncIterable<Uint8Array>, o: GuardOptions): AsyncGenerator<Uint8Array> {
  let got = 0;
  let crc = 0;
  for await (const c of src) {
    if (got + c.length > o.size) {
      throw new ParseError('limit-exceeded', { what: `inflated size of ${o.member}`, need: got + c.length, have: o.size },
        `${o.member} inflates beyond its declared ${o.size} bytes: stopped (zip bomb or corrupt header)`);
    }
    got += c.length;
    if (o.crc32 !== null) crc = crc32(c, crc);
    yield c;
  }
  if (got < o.size) throw new ParseError('truncated', { what: `content of ${o.member}`, need: o.size, have: got });
  if (o.crc32 !== null && crc >>> 0 !== o.crc32 >>> 0) {
    o.onIssue('checksum', `CRC-32 of ${o.member} is ${hex(crc)}, the archive records ${hex(o.crc32)}`);
  }
}

const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

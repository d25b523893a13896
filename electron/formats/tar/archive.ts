/**
 * An open tar or tar.gz. Plain tar: members are slices of the archive (an index of offsets, no
 * copy). tar.gz: gzip has no index, so the stream is decompressed once into a private temp file
 * (under a cap) and indexed like a plain tar; every member then has random access, which PE,
 * registry and plist parsers need, for one sequential pass and temp space equal to the tar.
 */
import { createGunzip } from 'node:zlib';
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { SpillReader } from '../zip/index.js';
import { indexTar } from './index-walk.js';
import { TAR_LIMITS } from './limits.js';
import type { TarEntry, TarIssue, TarOpenOptions } from './types.js';

export class TarArchive {
  private readonly byName = new Map<string, TarEntry>();

  private constructor(
    private readonly reader: Reader,
    /** The decompressed copy for .tar.gz (owned, deleted on close). */
    private readonly spill: SpillReader | null,
    readonly entries: readonly TarEntry[],
    readonly issues: TarIssue[],
    readonly gzip: boolean,
  ) {
    for (const e of entries) if (e.type === 'file') this.byName.set(e.name, e);
  }

  static async open(source: Reader, opts: TarOpenOptions & { gzip?: boolean } = {}): Promise<TarArchive> {
    const issues: TarIssue[] = [];
    let reader = source;
    let spill: SpillReader | null = null;
    if (opts.gzip) {
      spill = await gunzipToTemp(source, opts.gunzipMaxBytes ?? TAR_LIMITS.gunzipMaxBytes, opts.tempDir);
      reader = spill;
    }
    try {
      const entries = await indexTar(reader, issues, opts.maxEntries ?? TAR_LIMITS.maxEntries);
      return new TarArchive(reader, spill, entries, issues, opts.gzip === true);
    } catch (err) {
      await spill?.close();
      throw err;
    }
  }

  get size(): number {
    return this.reader.size;
  }

  /** A Reader over a file member (a hard link reads its target's data). */
  async openMember(e: TarEntry): Promise<Reader> {
    let target = e;
    if (e.type === 'hardlink' && e.linkName !== null) {
      const t = this.byName.get(e.linkName);
      if (!t || t.headerOffset >= e.headerOffset) throw new ParseError('decode', { what: e.name }, `${e.name} is a hard link to ${e.linkName}, which is not earlier in the archive`);
      target = t;
    } else if (e.type !== 'file') {
      throw new ParseError('decode', { what: e.name }, `${e.name} is a ${e.type}, not a file`);
    }
    return new SliceReader(this.reader, target.dataOffset, target.size);
  }

  async close(): Promise<void> {
    await this.spill?.close();
  }
}

async function* gunzipChunks(r: Reader, member: string): AsyncGenerator<Uint8Array> {
  const z = createGunzip({ chunkSize: 256 * 1024 });
  const stop = new AbortController();
  const feed = (async () => {
    try {
      for (let off = 0; off < r.size && !stop.signal.aborted; ) {
        const c = await r.read(off, Math.min(1024 * 1024, r.size - off));
        if (c.length === 0) break;
        off += c.length;
        if (!z.write(c)) await new Promise<void>((res) => { z.once('drain', res); stop.signal.addEventListener('abort', () => res(), { once: true }); });
      }
      z.end();
    } catch (err) {
      z.destroy(err as Error);
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError('decode', { what: `gzip stream of ${member}` }, `cannot decompress ${member}: ${(err as Error).message}`);
  } finally {
    stop.abort();
    z.destroy();
    await feed;
  }
}

export async function gunzipToTemp(r: Reader, maxBytes: number, tempDir?: string): Promise<SpillReader> {
  return SpillReader.fromChunks(gunzipChunks(r, 'tar.gz'), maxBytes, 'decompressed tar.gz', tempDir);
}

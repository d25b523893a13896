/**
 * Private temp files for members that need random access but are compressed or encrypted.
 * Each lives in its own mkdtemp folder (os.tmpdir()/3cx-triage-*, mode 0700), is created with
 * O_EXCL and mode 0600, and is removed on close and, as a fallback, when the process exits.
 * Nothing is ever written next to the evidence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../../common/issues.js';
import { FileReader } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';

const live = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const d of live) rmSync(d, { recursive: true, force: true });
  });
}

/** A FileReader over a private temp copy; closing it deletes the copy. */
export class SpillReader implements Reader {
  private constructor(private readonly inner: FileReader, private readonly dir: string) {}
  get size(): number {
    return this.inner.size;
  }
  get path(): string {
    return this.inner.path;
  }

  /**
   * Write `chunks` to a new private file, refusing to go past `maxBytes` (the caller's cap is the
   * only thing between a hostile archive and the examiner's disk).
   */
  static async fromChunks(chunks: AsyncIterable<Uint8Array>, maxBytes: number, what: string, tempDir: string = tmpdir()): Promise<SpillReader> {
    hookExit();
    const dir = mkdtempSync(join(tempDir, '3cx-triage-'));
    live.add(dir);
    const file = join(dir, 'member.bin');
    try {
      const fh = await open(file, 'wx', 0o600);
      let written = 0;
      try {
        for await (const chunk of chunks) {
          written += chunk.length;
          if (written > maxBytes) throw new ParseError('limit-exceeded', { what: `temp copy of ${what}`, need: written, have: maxBytes });
          await fh.write(chunk);
        }
      } finally {
        await fh.close();
      }
      return new SpillReader(await FileReader.open(file), dir);
    } catch (err) {
      live.delete(dir);
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    return this.inner.read(offset, length);
  }

  async close(): Promise<void> {
    await this.inner.close().catch(() => {});
    live.delete(this.dir);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Temp folders still present (tests assert that closing cleans up). */
export function liveSpillDirs(): string[] {
  return [...live];
}

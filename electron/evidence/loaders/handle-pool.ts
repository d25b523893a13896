/**
 * Readers over many files on disk with a bounded number of open descriptors: a folder of 100
 * hosts' collection ZIPs stays open as one evidence item without holding 100 handles. A file's
 * handle is opened on first read and closed again (least recently used first) when the pool is
 * full; a re-opened file must still have the size it had, or reads fail (evidence must not change
 * under us). Read-only with O_NOATIME, like every other evidence read.
 */
import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { openReadOnly } from '../../io/file-reader.js';
import { clampRange, type Reader } from '../../io/reader.js';

interface Slot { handle: FileHandle; busy: number; lastUsed: number }

export class HandlePool {
  private readonly open = new Map<string, Slot>();
  private readonly opening = new Map<string, Promise<Slot>>();
  private waiters: (() => void)[] = [];
  private tick = 0;
  private closed = false;

  constructor(readonly maxOpen: number = 16) {}

  /** Handles open, being opened or being closed right now (tests check the bound). */
  get openCount(): number {
    return this.open.size + this.opening.size + this.closing;
  }

  private closing = 0;

  /** A Reader over `path` whose handle lives in this pool. */
  async reader(path: string): Promise<Reader> {
    const st = await stat(path);
    if (!st.isFile()) throw new Error(`not a regular file: ${path}`);
    return new PooledFileReader(this, path, st.size);
  }

  async use<T>(path: string, size: number, f: (h: FileHandle) => Promise<T>): Promise<T> {
    const slot = await this.acquire(path, size);
    try {
      return await f(slot.handle);
    } finally {
      slot.busy--;
      slot.lastUsed = ++this.tick;
      this.wake();
    }
  }

  private async acquire(path: string, size: number): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new Error('the evidence was closed');
      const have = this.open.get(path);
      if (have) {
        have.busy++;
        return have;
      }
      const pending = this.opening.get(path);
      if (pending) {
        await pending.catch(() => undefined);
        continue;
      }
      // Every check and claim below happens before the first await, so concurrent readers cannot
      // all see the same free slot.
      if (this.openCount >= this.maxOpen) {
        this.evictOne(); // its close (or another reader's release) wakes us
        await new Promise<void>((r) => this.waiters.push(r));
        continue;
      }
      const p = this.openChecked(path, size);
      this.opening.set(path, p);
      try {
        const slot = await p;
        this.open.set(path, slot);
        slot.busy++;
        return slot;
      } finally {
        this.opening.delete(path);
      }
    }
  }

  private async openChecked(path: string, size: number): Promise<Slot> {
    const { handle } = await openReadOnly(path);
    const st = await handle.stat().catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (!st.isFile() || st.size !== size) {
      await handle.close();
      throw new Error(`${path} changed since it was opened (${size} bytes then, ${st.size} now)`);
    }
    return { handle, busy: 0, lastUsed: ++this.tick };
  }

  /** Start closing the least recently used idle handle; false when every handle is busy. */
  private evictOne(): boolean {
    let victim: [string, Slot] | null = null;
    for (const e of this.open) if (e[1].busy === 0 && (!victim || e[1].lastUsed < victim[1].lastUsed)) victim = e;
    if (!victim) return false;
    this.open.delete(victim[0]);
    this.closing++;
    void victim[1].handle.close().catch(() => undefined).finally(() => {
      this.closing--;
      this.wake();
    });
    return true;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.open.values()) await s.handle.close().catch(() => undefined);
    this.open.clear();
    this.wake();
  }
}

class PooledFileReader implements Reader {
  constructor(private readonly pool: HandlePool, readonly path: string, readonly size: number) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    const r = clampRange(this.size, offset, length);
    if (r.length === 0) return Promise.resolve(new Uint8Array(0));
    return this.pool.use(this.path, this.size, async (h) => {
      const buf = new Uint8Array(r.length);
      let got = 0;
      while (got < r.length) {
        const { bytesRead } = await h.read(buf, got, r.length - got, r.start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === r.length ? buf : buf.subarray(0, got);
    });
  }

  /** The handle belongs to the pool. */
  async close(): Promise<void> {}
}

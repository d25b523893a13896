/**
 * The archives of a collection folder, each read in full only while something uses it. A full
 * read of one KAPE ZIP of 20,000 files (its path index, the host view, the copy log's times) holds
 * tens of MB; a folder of hundreds of them opened at once did not fit in memory (issue #6).
 *
 * A session is one archive read in full. The engine pins it for one host's scan (`acquire`, then
 * `release(…, true)` closes it as soon as nobody else holds it); the examiner utilities (ls, cat,
 * the evidence browser) reach it through a host's LazyHostFilesystem, which opens it on demand and
 * leaves it open afterwards, up to `keepIdle` idle sessions, least recently used closed first.
 * Readers handed out keep their session open until they are closed.
 */
import type { Layer } from '../../common/evidence-ref.js';
import type { ByteSource, FileEntry, Filesystem } from '../../common/vfs.js';
import type { CollectionHost } from './collection.js';

/** One archive read in full: its hosts (the folder's real hosts only), errors met, and how to close it. */
export interface FullArchive {
  hosts: CollectionHost[];
  errors: { path: string; message: string }[];
  close(): Promise<void>;
}

interface Session { p: Promise<FullArchive>; value: FullArchive | null; refs: number; lastUsed: number }

/** Archives read in full right now in this process, and the most at once (tests check the bound). */
export const archiveSessionStats = { open: 0, peak: 0 };

export class ArchiveSessions {
  private readonly live = new Map<number, Session>();
  private tick = 0;
  private closed = false;

  constructor(private readonly openFull: (archive: number) => Promise<FullArchive>, readonly keepIdle = 2) {}

  /** Sessions open or being opened. */
  get openCount(): number {
    return this.live.size;
  }

  /** Archive `i` read in full, pinned until `release(i)`. */
  async acquire(i: number): Promise<FullArchive> {
    if (this.closed) throw new Error('the evidence was closed');
    let s = this.live.get(i);
    if (!s) {
      const fresh: Session = { p: this.openFull(i), value: null, refs: 0, lastUsed: 0 };
      s = fresh;
      this.live.set(i, s);
      archiveSessionStats.open++;
      archiveSessionStats.peak = Math.max(archiveSessionStats.peak, archiveSessionStats.open);
      fresh.p.then((v) => (fresh.value = v), () => {
        if (this.live.get(i) === fresh) this.live.delete(i);
        archiveSessionStats.open--;
      });
    }
    s.refs++;
    s.lastUsed = ++this.tick;
    try {
      return await s.p;
    } catch (err) {
      s.refs--;
      throw err;
    }
  }

  /** Unpin archive `i`; `now`: close it as soon as it is idle (the engine is done with its host). */
  async release(i: number, now = false): Promise<void> {
    const s = this.live.get(i);
    if (!s || s.refs <= 0) return;
    s.refs--;
    s.lastUsed = ++this.tick;
    if (s.refs > 0) return;
    if (now) return this.drop(i, s);
    const idle = [...this.live].filter(([, x]) => x.refs === 0 && x.value !== null).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (idle.length > this.keepIdle) {
      const [k, x] = idle.shift()!;
      await this.drop(k, x);
    }
  }

  /** The open file system of host `host` of archive `i`, if that archive is open now. */
  peek(i: number, host: number): Filesystem | null {
    return this.live.get(i)?.value?.hosts[host]?.fs ?? null;
  }

  private async drop(i: number, s: Session): Promise<void> {
    if (this.live.get(i) !== s) return;
    this.live.delete(i);
    const v = await s.p.catch(() => null);
    if (!v) return;
    try {
      await v.close();
    } finally {
      archiveSessionStats.open--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [i, s] of [...this.live]) await this.drop(i, s).catch(() => undefined);
  }
}

/**
 * Host `host` of archive `archive` as a Filesystem that reads the archive only when used, for the
 * examiner utilities. `layersFor` is synchronous: it answers while the archive is open (it is,
 * right after a listing or a read of that host) and throws otherwise.
 */
export class LazyHostFilesystem implements Filesystem {
  constructor(
    private readonly sessions: ArchiveSessions,
    private readonly archive: number,
    private readonly host: number,
    private readonly what: string,
    private readonly guessKind: string,
  ) {}

  get kind(): string {
    return this.current()?.kind ?? this.guessKind;
  }

  get caseInsensitive(): boolean {
    return this.current()?.caseInsensitive ?? false;
  }

  private current(): Filesystem | null {
    return this.sessions.peek(this.archive, this.host);
  }

  private pick(full: FullArchive): Filesystem {
    const h = full.hosts[this.host];
    if (!h) throw new Error(`${this.what} no longer holds the host it was listed with`);
    return h.fs;
  }

  private async using<T>(f: (fs: Filesystem) => Promise<T>): Promise<T> {
    const full = await this.sessions.acquire(this.archive);
    try {
      return await f(this.pick(full));
    } finally {
      await this.sessions.release(this.archive);
    }
  }

  stat(path: string): Promise<FileEntry | null> {
    return this.using((fs) => fs.stat(path));
  }

  readdir(path: string, opts?: { deleted?: boolean }): Promise<FileEntry[]> {
    return this.using((fs) => fs.readdir(path, opts));
  }

  async open(path: string): Promise<ByteSource> {
    const full = await this.sessions.acquire(this.archive);
    let r: ByteSource;
    try {
      r = await this.pick(full).open(path);
    } catch (err) {
      await this.sessions.release(this.archive);
      throw err;
    }
    // The reader keeps the archive open until it is closed.
    let closed = false;
    return {
      size: r.size,
      read: (offset, length) => r.read(offset, length),
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await r.close();
        } finally {
          await this.sessions.release(this.archive);
        }
      },
    };
  }

  layersFor(path: string): Layer[] {
    const fs = this.current();
    if (!fs) throw new Error(`${this.what} is not open: list or read the host first`);
    return fs.layersFor(path);
  }

  /** The folder's evidence closes its sessions. */
  async close(): Promise<void> {}
}

/**
 * Several volumes seen as one root, first volume winning: a macOS 10.15+ host keeps /System on the
 * read-only System volume and /Users, /Applications, /Library, /private on the Data volume
 * (joined by firmlinks). Each file keeps the layers of the volume that really holds it.
 */
import type { Layer } from '../../common/evidence-ref.js';
import type { ByteSource, FileEntry, Filesystem } from '../../common/vfs.js';

export class MergedFilesystem implements Filesystem {
  readonly kind: string;
  readonly caseInsensitive: boolean;

  constructor(private readonly parts: Filesystem[]) {
    this.kind = parts.map((p) => p.kind).join('+');
    this.caseInsensitive = parts.some((p) => p.caseInsensitive);
  }

  /** Which part holds each path seen so far, so the synchronous layersFor cites the right volume. */
  private readonly known = new Map<string, Filesystem>();

  private async owner(path: string): Promise<{ fs: Filesystem; entry: FileEntry } | null> {
    for (const fs of this.parts) {
      const entry = await fs.stat(path).catch(() => null);
      if (entry) {
        this.known.set(path, fs);
        return { fs, entry };
      }
    }
    return null;
  }

  async stat(path: string): Promise<FileEntry | null> {
    return (await this.owner(path))?.entry ?? null;
  }

  async readdir(path: string): Promise<FileEntry[]> {
    const byName = new Map<string, FileEntry>();
    for (const fs of this.parts) {
      const e = await fs.stat(path).catch(() => null);
      if (e?.type !== 'dir') continue;
      for (const c of await fs.readdir(path)) {
        if (byName.has(c.name)) continue;
        byName.set(c.name, c);
        this.known.set(c.path, fs);
      }
    }
    return [...byName.values()];
  }

  async open(path: string): Promise<ByteSource> {
    const o = await this.owner(path);
    if (!o) throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    return o.fs.open(path);
  }

  layersFor(path: string): Layer[] {
    return (this.known.get(path) ?? this.parts[0]!).layersFor(path);
  }

  async close(): Promise<void> {
    for (const p of this.parts) await p.close();
  }
}

/**
 * A virtual, read-only tree of files that live elsewhere: archive members (zip.ts, tar.ts) or a
 * collector's stored copies mapped back to the host's original paths (loaders/*). Each file node
 * knows how to open its bytes and which layers cite it; directories exist only as implied by files.
 *
 * Names are data: a stored name is split on `/` and `\`, empty and `.` components dropped, and
 * `..`, NUL and the like neutralised (see memberParts), so no name can address anything outside
 * the tree — and nothing here writes anywhere anyway.
 */
import type { Layer } from '../../common/evidence-ref.js';
import { LIMITS } from '../../common/limits.js';
import { joinPath, splitPath, type FileEntry, type Filesystem } from '../../common/vfs.js';
import type { Reader } from '../../io/reader.js';

/** How far to trust an entry's times: archive DOS times are wall-clock local time with no zone. */
export type TimeBasis = 'utc' | 'local-no-zone' | 'none';

export interface ArchiveFileEntry extends FileEntry {
  readonly timeBasis?: TimeBasis;
}

export interface FileSource {
  size: number;
  id?: string;
  created: string | null;
  modified: string | null;
  accessed: string | null;
  changed: string | null;
  timeBasis: TimeBasis;
  type?: 'file' | 'link' | 'other';
  open(): Promise<Reader>;
  layers: Layer[];
}

interface FileNode extends FileSource { kind: 'file'; path: string; name: string }
interface DirNode { kind: 'dir'; path: string; name: string; children: Map<string, Node>; lower: Map<string, string> }
type Node = FileNode | DirNode;

/** Split a stored member name into safe components; `notes` say what was neutralised. */
export function memberParts(raw: string): { parts: string[]; notes: string[] } {
  const notes: string[] = [];
  let s = raw;
  if (s.includes('\0')) {
    notes.push('contains NUL');
    s = s.replace(/\0/g, '%00');
  }
  if (s.includes('\\')) s = s.replace(/\\/g, '/');
  if (s.startsWith('/')) notes.push('absolute path');
  if (/^[A-Za-z]:/.test(s)) notes.push('drive letter');
  const parts: string[] = [];
  for (const p of s.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (!notes.includes("'..' component")) notes.push("'..' component");
      parts.push('%2E%2E');
    } else parts.push(p);
  }
  return { parts, notes };
}

export class VirtualTree {
  readonly root: DirNode = { kind: 'dir', path: '/', name: '', children: new Map(), lower: new Map() };
  readonly issues: string[] = [];
  private count = 0;
  private named = 0;

  constructor(readonly foldCase: boolean) {}

  private child(dir: DirNode, name: string): Node | undefined {
    const exact = dir.children.get(name);
    if (exact || !this.foldCase) return exact;
    const k = dir.lower.get(name.toLowerCase());
    return k === undefined ? undefined : dir.children.get(k);
  }

  private set(dir: DirNode, n: Node): void {
    dir.children.set(n.name, n);
    if (!dir.lower.has(n.name.toLowerCase())) dir.lower.set(n.name.toLowerCase(), n.name);
  }

  private remove(dir: DirNode, name: string): void {
    dir.children.delete(name);
    if (dir.lower.get(name.toLowerCase()) === name) dir.lower.delete(name.toLowerCase());
  }

  /** Record a neutralised member name (the first 100 in full, then a count). */
  noteName(raw: string, parts: string[], notes: string[]): void {
    if (notes.length === 0) return;
    this.named++;
    if (this.named <= 100) this.issues.push(`member name ${JSON.stringify(raw)} (${notes.join(', ')}) is treated as data and listed as /${parts.join('/')}`);
    else if (this.named === 101) this.issues.push('more member names were neutralised; only the first 100 are listed');
  }

  /** The directory at `parts`, created as needed; a file in the way is moved aside (and reported). */
  dir(parts: string[]): DirNode {
    let d = this.root;
    for (const name of parts) {
      let n = this.child(d, name);
      if (n && n.kind === 'file') {
        this.remove(d, n.name);
        const aside = this.freeName(d, `${n.name} [file]`);
        this.issues.push(`${n.path} is both a file and a folder in the archive; the file is listed as ${joinPath(d.path, aside)}`);
        this.set(d, { ...n, name: aside, path: joinPath(d.path, aside) });
        n = undefined;
      }
      if (!n) {
        n = { kind: 'dir', path: joinPath(d.path, name), name, children: new Map(), lower: new Map() };
        this.set(d, n);
      }
      d = n as DirNode;
    }
    return d;
  }

  private freeName(d: DirNode, base: string): string {
    let name = base;
    for (let i = 2; this.child(d, name); i++) name = `${base} [duplicate ${i}]`;
    return name;
  }

  /**
   * Add a file. `onDuplicate`: 'suffix' keeps both (archive members sharing a name), 'keep-first'
   * keeps the earlier one (the same file reached by two collector accessors). Returns the path used, or null.
   */
  add(parts: string[], src: FileSource, onDuplicate: 'suffix' | 'keep-first' = 'suffix'): string | null {
    if (parts.length === 0) return null;
    if (this.count >= LIMITS.dirMaxEntries * 4) {
      if (this.count === LIMITS.dirMaxEntries * 4) this.issues.push(`more than ${this.count} files; the rest are not listed`);
      this.count++;
      return null;
    }
    const d = this.dir(parts.slice(0, -1));
    let name = parts[parts.length - 1]!;
    const existing = this.child(d, name);
    if (existing) {
      if (onDuplicate === 'keep-first' && existing.kind === 'file') return null;
      const first = existing.path;
      name = this.freeName(d, name);
      if (existing.kind === 'dir') this.issues.push(`${first} is both a folder and a file in the archive; the file is listed as ${joinPath(d.path, name)}`);
      else this.issues.push(`duplicate member name ${first}: both kept, the later one as ${joinPath(d.path, name)}`);
    }
    const path = joinPath(d.path, name);
    this.set(d, { ...src, kind: 'file', path, name });
    this.count++;
    return path;
  }

  get(path: string): Node | null {
    let n: Node = this.root;
    for (const part of splitPath(path)) {
      if (n.kind !== 'dir') return null;
      const next = this.child(n, part);
      if (!next) return null;
      n = next;
    }
    return n;
  }

  *files(from: DirNode = this.root): Generator<FileNode> {
    for (const n of [...from.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (n.kind === 'file') yield n;
      else yield* this.files(n);
    }
  }
}

function entryOf(n: Node): ArchiveFileEntry {
  if (n.kind === 'dir') return { path: n.path, name: n.name, type: 'dir', size: 0, created: null, modified: null, accessed: null, changed: null };
  return {
    path: n.path, name: n.name, type: n.type ?? 'file', size: n.size, ...(n.id !== undefined ? { id: n.id } : {}),
    created: n.created, modified: n.modified, accessed: n.accessed, changed: n.changed, timeBasis: n.timeBasis,
  };
}

export class OverlayFilesystem implements Filesystem {
  constructor(
    readonly kind: string,
    readonly tree: VirtualTree,
    /** Layers cited for directories (which exist only by implication). */
    private readonly baseLayers: Layer[],
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  get caseInsensitive(): boolean {
    return this.tree.foldCase;
  }

  get issues(): string[] {
    return this.tree.issues;
  }

  async stat(path: string): Promise<ArchiveFileEntry | null> {
    const n = this.tree.get(path);
    return n ? entryOf(n) : null;
  }

  async readdir(path: string): Promise<ArchiveFileEntry[]> {
    const n = this.tree.get(path);
    if (!n) throw Object.assign(new Error(`no such folder: ${path}`), { code: 'ENOENT' });
    if (n.kind !== 'dir') throw Object.assign(new Error(`not a folder: ${path}`), { code: 'ENOTDIR' });
    return [...n.children.values()].map(entryOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async open(path: string): Promise<Reader> {
    const n = this.tree.get(path);
    if (!n || n.kind !== 'file') throw Object.assign(new Error(`no such file: ${path}`), { code: 'ENOENT' });
    if (n.type === 'link') throw new Error(`refusing to follow a symbolic link: ${path}`);
    return n.open();
  }

  layersFor(path: string): Layer[] {
    const n = this.tree.get(path);
    return n && n.kind === 'file' ? n.layers : this.baseLayers;
  }

  /** Every file with its source (layouts map these onto host paths). */
  *files(): Generator<FileNode> {
    yield* this.tree.files();
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

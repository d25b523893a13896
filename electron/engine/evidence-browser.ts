/**
 * The evidence browser's engine side: list one folder at a time inside an evidence item, and show
 * the first bytes of a file as hex and strings. Bytes never leave the engine as bytes: the window
 * gets hex text and extracted strings, never something it could render or run.
 *
 * An item holding several hosts (a collection of many machines) shows them as top-level folders
 * `@0`, `@1` …; an item with one host is browsed at its own root.
 */
import { createHash } from 'node:crypto';
import type { BrowseEntry, BrowseResult, PreviewResult } from '../common/ipc-contract.js';
import { LIMITS } from '../common/limits.js';
import type { Filesystem } from '../common/vfs.js';
import { openEvidence, type OpenedEvidence } from '../evidence/open.js';
import '../evidence/loaders/index.js';

/** Bytes shown in a preview. */
export const PREVIEW_BYTES = 4096;
/** Entries returned for one folder; the rest are reported as truncated. */
export const BROWSE_MAX_ENTRIES = 5000;
/** Files up to this size are hashed when previewed; larger ones are hashed by a scan. */
export const PREVIEW_HASH_MAX_BYTES = 256 * 1024 * 1024;
const MIN_STRING = 4;
const MAX_STRINGS = 400;

export class BrowseError extends Error {
  constructor(readonly code: 'not-found' | 'invalid', message: string) {
    super(message);
    this.name = 'BrowseError';
  }
}

export class EvidenceBrowser {
  private readonly opened = new Map<string, Promise<OpenedEvidence>>();

  /** `pathOf` maps an evidence id to its path in the case (null: not in this case). */
  constructor(private readonly pathOf: (evidenceId: string) => string | null) {}

  async browse(evidenceId: string, path: string): Promise<BrowseResult> {
    const ev = await this.open(evidenceId);
    if (ev.hosts.length > 1 && (path === '/' || path === '')) {
      const entries: BrowseEntry[] = ev.hosts.map((h, i) => ({ name: `@${i}${h.label ? ` ${h.label}` : ''}`, path: `@${i}/`, type: 'dir', size: 0, modified: null, created: null, accessed: null }));
      return { evidenceId, path: '/', entries, truncated: false };
    }
    const { fs, inner, prefix } = this.locate(ev, path);
    const st = await fs.stat(inner);
    if (!st) throw new BrowseError('not-found', `no such folder in ${evidenceId}: ${path}`);
    if (st.type !== 'dir') throw new BrowseError('invalid', `not a folder: ${path}`);
    const all = await fs.readdir(inner);
    const dirsFirst = [...all].sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entries = dirsFirst.slice(0, BROWSE_MAX_ENTRIES).map((e) => ({
      name: e.name,
      path: prefix + e.path,
      type: e.type,
      size: e.size,
      modified: e.modified,
      created: e.created,
      accessed: e.accessed,
    }));
    return { evidenceId, path, entries, truncated: all.length > BROWSE_MAX_ENTRIES };
  }

  async preview(evidenceId: string, path: string): Promise<PreviewResult> {
    const ev = await this.open(evidenceId);
    const { fs, inner } = this.locate(ev, path);
    const st = await fs.stat(inner);
    if (!st) throw new BrowseError('not-found', `no such file in ${evidenceId}: ${path}`);
    if (st.type !== 'file') throw new BrowseError('invalid', `only regular files are previewed (${st.type}): ${path}`);
    const src = await fs.open(inner);
    try {
      const head = await src.read(0, Math.min(PREVIEW_BYTES, src.size));
      let sha256: string | null = null;
      let md5: string | null = null;
      if (src.size <= PREVIEW_HASH_MAX_BYTES) {
        const s = createHash('sha256');
        const m = createHash('md5');
        for (let off = 0; off < src.size; ) {
          const chunk = await src.read(off, Math.min(LIMITS.streamChunkBytes, src.size - off));
          if (chunk.length === 0) break; // the file shrank under us: hash what was there
          s.update(chunk);
          m.update(chunk);
          off += chunk.length;
        }
        sha256 = s.digest('hex');
        md5 = m.digest('hex');
      }
      return { evidenceId, path, size: src.size, hex: Buffer.from(head).toString('hex'), strings: extractStrings(head), sha256, md5 };
    } finally {
      await src.close();
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    for (const p of all) await (await p.catch(() => null))?.close();
  }

  private open(evidenceId: string): Promise<OpenedEvidence> {
    let p = this.opened.get(evidenceId);
    if (!p) {
      const path = this.pathOf(evidenceId);
      if (path === null) return Promise.reject(new BrowseError('not-found', `no evidence ${evidenceId} in this case`));
      p = openEvidence(path, evidenceId);
      p.catch(() => this.opened.delete(evidenceId));
      this.opened.set(evidenceId, p);
    }
    return p;
  }

  private locate(ev: OpenedEvidence, path: string): { fs: Filesystem; inner: string; prefix: string } {
    if (ev.hosts.length === 0) throw new BrowseError('not-found', 'this evidence item holds no readable file system');
    if (ev.hosts.length === 1) return { fs: ev.hosts[0]!.fs, inner: path || '/', prefix: '' };
    const m = /^@(\d{1,6})\/(.*)$/s.exec(path);
    const host = m ? ev.hosts[Number(m[1])] : undefined;
    if (!m || !host) throw new BrowseError('invalid', `path must start with a host folder (@0/ …): ${path}`);
    return { fs: host.fs, inner: '/' + m[2]!, prefix: `@${m[1]}` };
  }
}

/** Printable ASCII runs and UTF-16LE runs (common in Windows binaries), in order of appearance. */
export function extractStrings(bytes: Uint8Array, min = MIN_STRING): string[] {
  const out: { at: number; s: string }[] = [];
  const printable = (b: number): boolean => b >= 0x20 && b < 0x7f;
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && printable(bytes[i]!)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (i - start >= min) out.push({ at: start, s: String.fromCharCode(...bytes.subarray(start, i)) });
      start = -1;
    }
  }
  for (let i = 0; i + 1 < bytes.length; ) {
    let j = i;
    let s = '';
    while (j + 1 < bytes.length && printable(bytes[j]!) && bytes[j + 1] === 0) {
      s += String.fromCharCode(bytes[j]!);
      j += 2;
    }
    if (s.length >= min) {
      out.push({ at: i, s });
      i = j;
    } else i += 1;
  }
  out.sort((a, b) => a.at - b.at);
  return out.slice(0, MAX_STRINGS).map((x) => x.s);
}

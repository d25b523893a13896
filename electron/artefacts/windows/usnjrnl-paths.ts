/**
 * Full paths for journal records. A record names only its parent by MFT reference; we climb
 * parents through (1) directories the file system can still show us (seeded by path: profiles,
 * Programs, System32 ... with their `entry-sequence` ids) and (2) directory records in the journal
 * itself (name and parent at the time of the record, so later renames do not rewrite history).
 */
import type { Filesystem, Target } from '../../common/vfs.js';
import type { UsnFileRef, UsnRecord } from '../../formats/usnjrnl/index.js';
import { USN_REASON } from '../../formats/usnjrnl/index.js';

/** Directory events kept per directory, and directories tracked, before older ones are dropped. */
const MAX_EVENTS_PER_DIR = 16;
export const MAX_TRACKED_DIRS = 500_000;
const MAX_DEPTH = 64;
const ROOT_ENTRY = 5;

interface DirEvent { usn: number; name: string; parent: string; oldName: boolean }

/** Optional capability of a Filesystem: the current path of an `entry-sequence` id (NTFS). */
interface PathById { pathForId(id: string): Promise<string | null> }

export function refKey(r: UsnFileRef): string {
  return r.entry === null ? `x${r.hex}` : `${r.entry}-${r.sequence}`;
}

export class UsnPathResolver {
  private readonly dirs = new Map<string, DirEvent[]>();
  private readonly known = new Map<string, string>();
  dropped = 0;

  constructor(private readonly fs: Filesystem) {}

  /** Learn the ids of directories that exist now (only ids of the NTFS `entry-sequence` form). */
  async seed(target: Target): Promise<void> {
    const paths = ['/', '/Users', '/Windows', '/Windows/System32', '/Windows/System32/catroot2', '/Windows/System32/config', '/ProgramData', '/ProgramData/TPM', '/Program Files', '/Program Files (x86)'];
    for (const u of target.users) {
      const h = u.home;
      paths.push(h, `${h}/AppData`, `${h}/AppData/Local`, `${h}/AppData/Local/Programs`, `${h}/AppData/Local/Programs/3CXDesktopApp`,
        `${h}/AppData/Local/Temp`, `${h}/AppData/Roaming`, `${h}/AppData/Roaming/3CXDesktopApp`, `${h}/Downloads`, `${h}/Desktop`);
    }
    for (const p of paths) {
      const e = await target.resolve(p).catch(() => null);
      if (e?.type === 'dir' && e.id && /^\d+-\d+$/.test(e.id)) this.known.set(e.id, e.path === '/' ? '' : e.path);
    }
    const app = [...this.known.values()].filter((p) => /\/3CXDesktopApp$/i.test(p));
    for (const p of app) {
      for (const e of await this.fs.readdir(p).catch(() => [])) {
        if (e.type === 'dir' && e.id && /^\d+-\d+$/.test(e.id)) this.known.set(e.id, e.path);
      }
    }
  }

  /** Feed every record in journal order; directory records build the name history. */
  observe(r: UsnRecord): void {
    if (r.name === null || r.fileAttributes === null || (r.fileAttributes & 0x10) === 0) return;
    const key = refKey(r.file);
    let ev = this.dirs.get(key);
    if (!ev) {
      if (this.dirs.size >= MAX_TRACKED_DIRS) { this.dropped++; return; }
      ev = [];
      this.dirs.set(key, ev);
    }
    const last = ev[ev.length - 1];
    const oldName = (r.reasonFlags & USN_REASON.RENAME_OLD_NAME) !== 0;
    if (last && last.name === r.name && last.parent === refKey(r.parent) && last.oldName === oldName) return;
    ev.push({ usn: r.usn, name: r.name, parent: refKey(r.parent), oldName });
    if (ev.length > MAX_EVENTS_PER_DIR) ev.splice(1, 1);
  }

  /** The directory's name and parent as they were at `usn`. */
  private at(key: string, usn: number): DirEvent | null {
    const ev = this.dirs.get(key);
    if (!ev || ev.length === 0) return null;
    let before: DirEvent | null = null;
    for (const e of ev) if (e.usn <= usn && !e.oldName) before = e;
    if (before) return before;
    // Nothing journaled before: the first later event still names it (an old name is the earlier one).
    return ev.find((e) => e.usn > usn) ?? ev[ev.length - 1]!;
  }

  /** `{ path, resolved }`: `/a/b/name`, or `?<ref>/b/name` where the climb stopped. */
  async pathOf(parent: UsnFileRef, name: string, usn: number): Promise<{ path: string; resolved: boolean }> {
    const parts = [name];
    let key = refKey(parent);
    const seen = new Set<string>();
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (key.startsWith(`${ROOT_ENTRY}-`)) return { path: `/${parts.join('/')}`, resolved: true };
      const known = this.known.get(key) ?? (await this.fromFs(key));
      if (known !== undefined && known !== null) return { path: `${known}/${parts.join('/')}`, resolved: true };
      if (seen.has(key)) break;
      seen.add(key);
      const ev = this.at(key, usn);
      if (!ev) break;
      parts.unshift(ev.name);
      key = ev.parent;
    }
    return { path: `?${key}/${parts.join('/')}`, resolved: false };
  }

  private async fromFs(key: string): Promise<string | null | undefined> {
    const f = this.fs as Partial<PathById>;
    if (typeof f.pathForId !== 'function' || !/^\d+-\d+$/.test(key)) return undefined;
    const p = await f.pathForId(key).catch(() => null);
    if (p !== null) this.known.set(key, p === '/' ? '' : p);
    return p === '/' ? '' : p;
  }
}

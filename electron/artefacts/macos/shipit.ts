/**
 * Squirrel.Mac's ShipIt (dossier §1.3, §8.2; the 3CX app is Electron, whose macOS autoUpdater is
 * Squirrel.Mac — an inference the dossier rates [L]): `~/Library/Caches/<bundle id>.ShipIt/` holds
 * ShipItState.plist (the pending install request, JSON despite its name), ShipIt_stderr.log /
 * ShipIt_stdout.log (NSLog lines in host local time) and `update.XXXXXX/<App>.app`, the staged
 * update whose Info.plist names the version being installed. Older Squirrel builds used
 * `~/Library/Application Support/<bundle id>.ShipIt/`; both are read.
 */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import { listDir } from '../read-file.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { fileTime, readSmallFile, withReader } from '../read-file.js';
import { BUNDLE_ID } from './app-bundles.js';
import { isDict, plistStr, readPlistEntry } from './install-history.js';
import { emitMacRecord, type ShipItEvent } from './macos-records.js';
import { parsePlist, type PlistValue } from '../../formats/plist/index.js';

const ID = 'macos.shipit';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
const DIRS = [`Library/Caches/${BUNDLE_ID}.ShipIt`, `Library/Application Support/${BUNDLE_ID}.ShipIt`];
const LOGS = /^ShipIt_std(err|out)\.log$/i;
const MAX_LOG_BYTES = 8 * 1024 * 1024;
const MAX_LOG_RECORDS = 2000;
const MAX_LINE = 2000;

const LINE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?) ShipIt\[(\d{1,10}):[0-9a-fx]{1,20}\] (.*)$/i;

export function shipItEvent(message: string): ShipItEvent {
  if (/^Detected this as an install request/i.test(message)) return 'install-request';
  if (/^Beginning installation/i.test(message)) return 'install-begin';
  if (/^Mov(ed|ing) bundle from/i.test(message)) return 'bundle-moved';
  if (/^Installation completed successfully/i.test(message)) return 'install-done';
  if (/^Installation error|^Error|error:/i.test(message)) return 'install-error';
  if (/^ShipIt quitting/i.test(message)) return 'quit';
  return 'other';
}

export interface ShipItLine {
  line: number;
  localTime: string | null;
  pid: number | null;
  event: ShipItEvent;
  message: string;
  versions: string[];
}

/** NSLog lines of a ShipIt log; continuation lines (multi-line NSError dumps) are folded away. */
export function parseShipItLog(text: string): ShipItLine[] {
  const out: ShipItLine[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const m = LINE.exec(raw.slice(0, MAX_LINE));
    if (!m) continue;
    const message = m[4]!;
    out.push({ line: i + 1, localTime: `${m[1]}T${m[2]}`, pid: Number(m[3]), event: shipItEvent(message), message, versions: [...new Set(message.match(/\b\d+\.\d+\.\d+\b/g) ?? [])] });
  }
  return out;
}

export interface ShipItState {
  format: 'json' | 'plist';
  bundleIdentifier: string | null;
  updateBundleUrl: string | null;
  targetBundleUrl: string | null;
  launchAfterInstallation: boolean | null;
}

export function parseShipItState(bytes: Uint8Array): ShipItState | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1 << 20)).trim();
  let obj: Record<string, unknown> | null = null;
  let format: ShipItState['format'] = 'json';
  if (text.startsWith('{')) {
    try {
      const v = JSON.parse(text) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) obj = v as Record<string, unknown>;
    } catch {
      return null;
    }
  } else {
    format = 'plist';
    let v: PlistValue;
    try {
      v = parsePlist(bytes).value;
    } catch {
      return null;
    }
    if (isDict(v)) obj = v;
  }
  if (!obj) return null;
  const s = (k: string): string | null => (typeof obj[k] === 'string' ? (obj[k] as string).slice(0, 4096) : null);
  const l = obj['launchAfterInstallation'];
  return { format, bundleIdentifier: s('bundleIdentifier'), updateBundleUrl: s('updateBundleURL'), targetBundleUrl: s('targetBundleURL'), launchAfterInstallation: typeof l === 'boolean' ? l : typeof l === 'number' ? l !== 0 : null };
}

export const macosShipIt: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos' && t.users.length > 0,
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const locations: string[] = [];
    const notes: string[] = [];
    let present = 0;
    let examined = 0;
    let matched = 0;
    const ref = (path: string, within?: { key?: string; recordId?: number }) => t.ref(path, { ...(within ? { within } : {}), parser: { id: ID, version: VERSION } });
    for (const u of t.users) {
      for (const d of DIRS) {
        const dirPath = `${u.home === '/' ? '' : u.home}/${d}`;
        locations.push(dirPath);
        const dir = await t.resolve(dirPath);
        if (dir?.type !== 'dir') continue;
        present++;
        for (const e of await listDir(ctx, dir.path, PARSER)) {
          ctx.signal?.throwIfAborted();
          if (e.type === 'file' && e.name.toLowerCase() === 'shipitstate.plist') {
            examined++;
            const bytes = await readSmallFile(ctx, e, 1 << 20, PARSER);
            const st = bytes ? parseShipItState(bytes) : null;
            if (bytes && !st) ctx.issue({ severity: 'warning', code: 'decode', message: 'ShipItState.plist is neither a JSON object nor a plist dict', parser: PARSER, evidence: t.ref(e.path), recovered: true });
            if (st) {
              matched++;
              emitMacRecord(ctx, { type: 'macos-shipit-state', platform: 'macos', user: u.name, ...st, entry: e, ref: ref(e.path) });
            }
          } else if (e.type === 'file' && LOGS.test(e.name)) {
            const got = await readLogHead(ctx, e);
            if (!got) continue;
            if (got.truncated) notes.push(`${e.path}: only the first ${MAX_LOG_BYTES} bytes read`);
            const lines = parseShipItLog(got.text);
            examined += lines.length;
            const keep = lines.filter((l) => l.event !== 'other' || l.versions.length > 0);
            if (keep.length > MAX_LOG_RECORDS) notes.push(`${e.path}: ${keep.length - MAX_LOG_RECORDS} further log records not emitted`);
            for (const l of keep.slice(0, MAX_LOG_RECORDS)) {
              matched++;
              emitMacRecord(ctx, { type: 'macos-shipit-log', platform: 'macos', user: u.name, file: e.path, ...l, ref: ref(e.path, { key: `line ${l.line}`, recordId: l.line }) });
            }
          } else if (e.type === 'dir' && /^update\./i.test(e.name)) {
            for (const app of await listDir(ctx, e.path, PARSER)) {
              if (app.type !== 'dir' || !app.name.toLowerCase().endsWith('.app')) continue;
              examined++;
              const info = await t.resolve(`${app.path}/Contents/Info.plist`);
              const p = info?.type === 'file' ? await readPlistEntry(ctx, info, PARSER, 4 << 20) : null;
              const d = p && isDict(p.value) ? p.value : null;
              const version = d ? (plistStr(d, 'CFBundleShortVersionString') ?? plistStr(d, 'CFBundleVersion')) : null;
              matched++;
              emitMacRecord(ctx, { type: 'macos-shipit-update-bundle', platform: 'macos', user: u.name, path: app.path, bundleId: d ? plistStr(d, 'CFBundleIdentifier') : null, version, time: info ? fileTime(info) : fileTime(app), ref: info ? ref(info.path, { key: 'CFBundleShortVersionString' }) : ref(app.path) });
            }
          }
        }
      }
    }
    emitMacRecord(ctx, {
      type: 'macos-artefact-coverage',
      platform: 'macos',
      artefact: 'shipit',
      state: present === 0 ? 'absent' : 'examined',
      locations,
      examined,
      matched,
      detail: 'Squirrel.Mac ShipIt state, logs and staged update bundles of the 3CX app (log times are host local time)',
      notes,
    });
  },
};

async function readLogHead(ctx: PluginContext, e: FileEntry): Promise<{ text: string; truncated: boolean } | null> {
  try {
    const n = Math.min(e.size, MAX_LOG_BYTES);
    const bytes = await withReader(ctx, e, (r) => r.read(0, n));
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes), truncated: e.size > n };
  } catch (err) {
    ctx.issue(issueFromError(err, PARSER, ctx.target.ref(e.path)));
    return null;
  }
}

/**
 * `/Library/Receipts/InstallHistory.plist` (dossier §8.2): one dict per Installer / softwareupdate
 * run (date, displayName, displayVersion, packageIdentifiers, processName). The 3CX Desktop App is
 * shipped as a drag-installed DMG, so an entry is not expected: the coverage record says that an
 * empty result does not mean the app was never installed. Also holds the plist-reading helper the
 * other macOS plugins share.
 */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import { parsePlist, PLIST_PARSER, type PlistValue } from '../../formats/plist/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { readSmallFile } from '../read-file.js';
import { emitMacRecord } from './macos-records.js';

const ID = 'macos.install-history';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
export const INSTALL_HISTORY = '/Library/Receipts/InstallHistory.plist';
const MAX_PLIST_BYTES = 16 * 1024 * 1024;
const MAX_ENTRIES = 100_000;

/** Read and decode a plist file (binary or XML) under a cap; null with an issue on failure. */
export async function readPlistEntry(ctx: PluginContext, entry: FileEntry, parser: string, maxBytes = MAX_PLIST_BYTES): Promise<{ bytes: Uint8Array; value: PlistValue } | null> {
  const bytes = await readSmallFile(ctx, entry, maxBytes, parser);
  if (!bytes) return null;
  try {
    return { bytes, value: parsePlist(bytes).value };
  } catch (err) {
    ctx.issue(issueFromError(err, `${PLIST_PARSER.id}@${PLIST_PARSER.version}`, ctx.target.ref(entry.path)));
    return null;
  }
}

export type PlistDict = { [k: string]: PlistValue };
export const isDict = (v: PlistValue | undefined): v is PlistDict =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date);
export const plistStr = (d: PlistDict, k: string): string | null => (typeof d[k] === 'string' ? (d[k] as string) : null);

export interface InstallHistoryEntry {
  index: number;
  time: string | null;
  displayName: string | null;
  displayVersion: string | null;
  packageIdentifiers: string[];
  processName: string | null;
}

/** Decode the top-level array; entries that are not dicts are skipped (counted by the caller). */
export function readInstallHistory(value: PlistValue): InstallHistoryEntry[] | null {
  if (!Array.isArray(value)) return null;
  const out: InstallHistoryEntry[] = [];
  for (const [index, v] of value.slice(0, MAX_ENTRIES).entries()) {
    if (!isDict(v)) continue;
    const date = v['date'];
    const ids = v['packageIdentifiers'];
    out.push({
      index,
      time: date instanceof Date && Number.isFinite(date.getTime()) ? date.toISOString() : null,
      displayName: plistStr(v, 'displayName'),
      displayVersion: plistStr(v, 'displayVersion'),
      packageIdentifiers: Array.isArray(ids) ? ids.filter((s): s is string => typeof s === 'string').slice(0, 1000) : [],
      processName: plistStr(v, 'processName'),
    });
  }
  return out;
}

export const mentions3cx = (e: InstallHistoryEntry): boolean => [e.displayName, ...e.packageIdentifiers].some((s) => s !== null && /3cx/i.test(s));

export const macosInstallHistory: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const e = await t.resolve(INSTALL_HISTORY);
    const notes = ['the 3CX Desktop App is installed by dragging it out of a DMG, which leaves no InstallHistory entry: no match here does not mean it was not installed'];
    let state: 'examined' | 'absent' | 'unreadable' = 'absent';
    let examined = 0;
    let matched = 0;
    if (e?.type === 'file') {
      state = 'unreadable';
      const p = await readPlistEntry(ctx, e, PARSER);
      const entries = p ? readInstallHistory(p.value) : null;
      if (p && !entries) ctx.issue({ severity: 'warning', code: 'decode', message: 'InstallHistory.plist top level is not an array', parser: PARSER, evidence: t.ref(e.path), recovered: true });
      if (entries) {
        state = 'examined';
        examined = entries.length;
        for (const x of entries.filter(mentions3cx)) {
          matched++;
          emitMacRecord(ctx, {
            type: 'macos-install-history',
            platform: 'macos',
            ...x,
            ref: t.ref(e.path, { within: { key: `[${x.index}]`, recordId: x.index }, parser: { id: ID, version: VERSION } }),
          });
        }
      }
    }
    emitMacRecord(ctx, { type: 'macos-artefact-coverage', platform: 'macos', artefact: 'install-history', state, locations: [INSTALL_HISTORY], examined, matched, detail: 'package installs recorded by Installer and softwareupdate', notes });
  },
};

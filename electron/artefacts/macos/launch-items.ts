/**
 * Launch agents and daemons (dossier §7, §8.2): plists in `~/Library/LaunchAgents`,
 * `/Library/LaunchAgents` and `/Library/LaunchDaemons` whose program, arguments or any other
 * string points at the 3CX support folder, an `UpdateAgent` binary, or the SIMPLESEA/POOLRAT
 * files (`/Library/Graphics/Quartz`, `/private/etc/apdl.cf`; LaunchDaemon persistence on 3CX's
 * build server). The trojanised app itself installs no launch item, so any hit is persistence
 * added by a later stage. A plist that does not parse is searched as raw text.
 */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import type { PlistValue } from '../../formats/plist/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { fileTime, readSmallFile } from '../read-file.js';
import { isDict, plistStr } from './install-history.js';
import { parsePlist } from '../../formats/plist/index.js';
import { emitMacRecord, type LaunchIndicator, type LaunchItemRecord } from './macos-records.js';

const ID = 'macos.launch-items';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
const MAX_PLIST_BYTES = 4 * 1024 * 1024;
const MAX_FILES_PER_DIR = 5000;
const MAX_STRINGS = 10_000;

const INDICATORS: [LaunchIndicator, RegExp][] = [
  ['3cx-support-folder', /Application Support\/3CX Desktop App/i],
  ['update-agent', /(^|\/)UpdateAgent(\s|$|")/],
  ['poolrat-quartz', /\/Library\/Graphics\/Quartz\b/i],
  ['poolrat-apdl', /(^|\/)etc\/apdl\.cf\b/i],
  ['3cx-name', /3cx/i],
];

export function launchIndicators(text: string): LaunchIndicator[] {
  return INDICATORS.filter(([, re]) => re.test(text)).map(([i]) => i);
}

/** Every string in a decoded plist (keys included), bounded, without revisiting shared objects. */
export function plistStrings(v: PlistValue, out: string[] = [], seen = new Set<object>(), depth = 0): string[] {
  if (out.length >= MAX_STRINGS || depth > 64) return out;
  if (typeof v === 'string') out.push(v.slice(0, 4096));
  else if (Array.isArray(v)) {
    if (seen.has(v)) return out;
    seen.add(v);
    for (const x of v) plistStrings(x, out, seen, depth + 1);
  } else if (isDict(v)) {
    if (seen.has(v)) return out;
    seen.add(v);
    for (const [k, x] of Object.entries(v)) {
      out.push(k.slice(0, 256));
      plistStrings(x, out, seen, depth + 1);
    }
  }
  return out;
}

export type LaunchFacts = Pick<LaunchItemRecord, 'label' | 'program' | 'programArguments' | 'runAtLoad' | 'parsed' | 'indicators'>;

export function launchFacts(bytes: Uint8Array): LaunchFacts {
  let v: PlistValue | undefined;
  try {
    v = parsePlist(bytes).value;
  } catch {
    v = undefined;
  }
  if (v === undefined || !isDict(v)) {
    const text = new TextDecoder('latin1').decode(bytes);
    return { label: null, program: null, programArguments: [], runAtLoad: null, parsed: false, indicators: launchIndicators(text) };
  }
  const args = Array.isArray(v['ProgramArguments']) ? v['ProgramArguments'].filter((s): s is string => typeof s === 'string').slice(0, 256) : [];
  const ral = v['RunAtLoad'];
  const indicators = new Set<LaunchIndicator>();
  for (const s of plistStrings(v)) for (const i of launchIndicators(s)) indicators.add(i);
  return { label: plistStr(v, 'Label'), program: plistStr(v, 'Program'), programArguments: args, runAtLoad: typeof ral === 'boolean' ? ral : null, parsed: true, indicators: INDICATORS.map(([i]) => i).filter((i) => indicators.has(i)) };
}

export const macosLaunchItems: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const dirs: { path: string; scope: LaunchItemRecord['scope']; user: string | null }[] = [
      { path: '/Library/LaunchAgents', scope: 'agent', user: null },
      { path: '/Library/LaunchDaemons', scope: 'daemon', user: null },
      ...t.users.map((u) => ({ path: `${u.home === '/' ? '' : u.home}/Library/LaunchAgents`, scope: 'user-agent' as const, user: u.name })),
    ];
    const notes: string[] = [];
    let present = 0;
    let examined = 0;
    let matched = 0;
    for (const d of dirs) {
      const dir = await t.resolve(d.path);
      if (dir?.type !== 'dir') continue;
      present++;
      let entries: FileEntry[];
      try {
        entries = await t.fs.readdir(dir.path);
      } catch (err) {
        ctx.issue(issueFromError(err, PARSER, t.ref(dir.path)));
        continue;
      }
      if (entries.length > MAX_FILES_PER_DIR) {
        notes.push(`${dir.path}: only ${MAX_FILES_PER_DIR} of ${entries.length} entries read`);
        entries = entries.slice(0, MAX_FILES_PER_DIR);
      }
      for (const e of entries) {
        ctx.signal?.throwIfAborted();
        if (e.type !== 'file') continue;
        const bytes = await readSmallFile(ctx, e, MAX_PLIST_BYTES, PARSER);
        if (!bytes) continue;
        examined++;
        const f = launchFacts(bytes);
        if (f.indicators.length === 0 && !/3cx/i.test(e.name)) continue;
        if (!f.indicators.includes('3cx-name') && /3cx/i.test(e.name)) f.indicators.push('3cx-name');
        matched++;
        emitMacRecord(ctx, { type: 'macos-launch-item', platform: 'macos', scope: d.scope, user: d.user, ...f, entry: e, time: fileTime(e), ref: t.ref(e.path, { parser: { id: ID, version: VERSION } }) });
      }
    }
    emitMacRecord(ctx, {
      type: 'macos-artefact-coverage',
      platform: 'macos',
      artefact: 'launch-items',
      state: present === 0 ? 'absent' : 'examined',
      locations: dirs.map((d) => d.path),
      examined,
      matched,
      detail: 'launchd plists naming the 3CX support folder, UpdateAgent, /Library/Graphics/Quartz or /private/etc/apdl.cf (POOLRAT/SIMPLESEA)',
      notes,
    });
  },
};

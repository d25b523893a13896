/**
 * XProtect Remediator traces (dossier §2.2, §8.2, §9.10). Apple's RankStank deletes
 * `.main_storage` and `UpdateAgent` from the 3CX support folder and scans libffmpeg.dylib;
 * RoachFlight kills UpdateAgent processes by CDHash. So on a patched Mac those files may be gone
 * although the stages happened. We record which remediator modules the Mac had (XProtect.app) and
 * every line of XProtect reports and logs that names them or the 3CX paths. XProtect Remediator
 * reports mostly to the unified log (tracev3), which this plugin does not read: the coverage says so.
 */
import type { FileEntry, Target } from '../../common/vfs.js';
import { issueFromError } from '../../common/issues.js';
import { listDir } from '../read-file.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { fileTime, withReader } from '../read-file.js';
import { isDict, plistStr, readPlistEntry } from './install-history.js';
import { emitMacRecord, type XProtectMention } from './macos-records.js';

const ID = 'macos.xprotect';
const VERSION = '1';
const PARSER = `${ID}@${VERSION}`;
export const XPROTECT_APP = '/Library/Apple/System/Library/CoreServices/XProtect.app';
export const XPROTECT_BUNDLE = '/Library/Apple/System/Library/CoreServices/XProtect.bundle';
const REPORT_DIRS = ['/Library/Logs/DiagnosticReports', '/Library/Logs'];
const SYSTEM_LOGS = ['/private/var/log/system.log', '/var/log/system.log'];
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_FILES = 500;
const MAX_TRACES = 5000;

const TRIGGERS: [XProtectMention, RegExp][] = [
  ['RankStank', /rankstank/i],
  ['RoachFlight', /roachflight/i],
  ['payload2', /payload2-55554944839216049d683075bc3f5a8628778bb8/i],
  ['3cx-support-folder', /Application Support\/3CX Desktop App/i],
];
const ALSO: [XProtectMention, RegExp][] = [
  ['main_storage', /\.main_storage/i],
  ['session-lock', /\.session-lock/i],
  ['UpdateAgent', /UpdateAgent/],
  ['libffmpeg', /libffmpeg\.dylib/i],
];

export interface TraceLine {
  line: number;
  text: string;
  mentions: XProtectMention[];
  remediation: boolean;
  timeText: string | null;
}

/**
 * Lines naming a 3CX remediator, the UpdateAgent signing id or the 3CX support folder; in an
 * XProtect report (`anyAppMention`) also any line naming the 3CX app. In a general log such as
 * system.log a bare app name is ordinary app logging, so it needs XProtect on the same line.
 */
export function findTraces(text: string, anyAppMention: boolean, max = MAX_TRACES): TraceLine[] {
  const out: TraceLine[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    if (out.length >= max) break;
    const line = raw.slice(0, 2000);
    const mentions = TRIGGERS.filter(([, re]) => re.test(line)).map(([m]) => m);
    const names3cxApp = /3CX Desktop App/i.test(line) && (anyAppMention || /xprotect/i.test(line));
    if (mentions.length === 0 && !names3cxApp) continue;
    mentions.push(...ALSO.filter(([, re]) => re.test(line)).map(([m]) => m));
    const time = /^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})/.exec(line)?.[1] ?? null;
    out.push({ line: i + 1, text: line, mentions, remediation: /remov|delet|remediat|kill|terminat|quarantin|unlink/i.test(line.replace(/XProtectRemediator\w*/gi, '')), timeText: time });
  }
  return out;
}

export const macosXProtect: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const ref = (path: string, within?: { key?: string; recordId?: number }) => t.ref(path, { ...(within ? { within } : {}), parser: { id: ID, version: VERSION } });
    const notes = [
      'XProtect Remediator (RankStank, RoachFlight) deletes .main_storage and UpdateAgent and kills UpdateAgent: their absence does not show that stage 1 or 2 never ran',
      'XProtect Remediator mostly reports to the unified log (/private/var/db/diagnostics, tracev3), which is not read',
    ];
    let examined = 0;
    let matched = 0;
    let found = false;

    const info = await t.resolve(`${XPROTECT_APP}/Contents/Info.plist`);
    if (info?.type === 'file') {
      found = true;
      const p = await readPlistEntry(ctx, info, PARSER, 1 << 20);
      const remediators = (await listDir(ctx, `${XPROTECT_APP}/Contents/MacOS`, PARSER)).filter((e) => /^XProtectRemediator/i.test(e.name)).map((e) => e.name).sort();
      const sigInfo = await t.resolve(`${XPROTECT_BUNDLE}/Contents/Info.plist`);
      const sig = sigInfo?.type === 'file' ? await readPlistEntry(ctx, sigInfo, PARSER, 1 << 20) : null;
      const d = p && isDict(p.value) ? p.value : null;
      emitMacRecord(ctx, {
        type: 'macos-xprotect',
        platform: 'macos',
        remediatorVersion: d ? plistStr(d, 'CFBundleShortVersionString') ?? plistStr(d, 'CFBundleVersion') : null,
        remediators,
        hasRankStank: remediators.some((r) => /rankstank/i.test(r)),
        hasRoachFlight: remediators.some((r) => /roachflight/i.test(r)),
        signaturesVersion: sig && isDict(sig.value) ? plistStr(sig.value, 'CFBundleShortVersionString') : null,
        time: fileTime(info),
        ref: ref(info.path, { key: 'CFBundleShortVersionString' }),
      });
    }

    const dirs = [...REPORT_DIRS, ...t.users.map((u) => `${u.home === '/' ? '' : u.home}/Library/Logs/DiagnosticReports`)];
    const files: FileEntry[] = [];
    for (const d of dirs) {
      for (const e of await listDir(ctx, d, PARSER)) if (e.type === 'file' && /xprotect|remediat/i.test(e.name)) files.push(e);
    }
    for (const p of SYSTEM_LOGS) {
      const e = await t.resolve(p);
      if (e?.type === 'file' && !files.some((f) => f.path === e.path)) files.push(e);
    }
    if (files.length > MAX_FILES) notes.push(`only the first ${MAX_FILES} of ${files.length} report files read`);
    for (const e of files.slice(0, MAX_FILES)) {
      ctx.signal?.throwIfAborted();
      found = true;
      let text: string;
      try {
        const n = Math.min(e.size, MAX_FILE_BYTES);
        text = new TextDecoder('utf-8', { fatal: false }).decode(await withReader(ctx, e, (r) => r.read(0, n)));
        if (e.size > n) notes.push(`${e.path}: only the first ${n} bytes read`);
      } catch (err) {
        ctx.issue(issueFromError(err, PARSER, t.ref(e.path)));
        continue;
      }
      examined++;
      for (const tr of findTraces(text, /xprotect|remediat/i.test(e.name))) {
        matched++;
        emitMacRecord(ctx, { type: 'macos-xprotect-trace', platform: 'macos', file: e.path, ...tr, ref: ref(e.path, { key: `line ${tr.line}`, recordId: tr.line }) });
      }
    }
    emitMacRecord(ctx, {
      type: 'macos-artefact-coverage',
      platform: 'macos',
      artefact: 'xprotect',
      state: found ? 'examined' : 'absent',
      locations: [XPROTECT_APP, ...dirs, ...SYSTEM_LOGS],
      examined,
      matched,
      detail: 'XProtect.app remediator modules; XProtect/remediator reports in DiagnosticReports and /Library/Logs; system.log',
      notes,
    });
  },
};

/**
 * One host's answer: installs, the eight stages with cited evidence, IOC hits, a timeline, and
 * the verdict of the contract (shared/design/contract.md § Verdicts), with the sentence that
 * explains it.
 */
import { formatRef } from '../common/evidence-ref.js';
import { earliestTime } from '../common/vfs.js';
import type { ExaminedFile, InstallRecord, IocHit, HostResult, StageResult, Verdict } from '../common/scan-result.js';
import type { OsKind } from '../common/vfs.js';
import type { AppFileRecord, ArtefactRecord, CoverageRecord } from '../artefacts/records.js';
import { digestKey, type DigestMap } from './digests.js';
import { cite, collectorHashFindings, hashFindings, networkFindings, structureFindings } from './findings.js';
import { versionStatus, type IocSet } from './ioc/index.js';
import { StageBoard } from './stage-board.js';
import { buildTimeline, mergeTimeline } from './timeline.js';
import { executionFindings, executionTimeline } from './execution-findings.js';
import { eventFindings, eventTimeline } from './event-findings.js';
import { registryFindings, registryTimeline } from './registry-findings.js';
import { macosCoverage, macosFindings, macosTimeline } from './macos-findings.js';
import { usnCoverage, usnFindings, usnTimeline, usnTrace } from './usn-findings.js';

export interface HostInput {
  os: OsKind;
  records: readonly ArtefactRecord[];
  digests: DigestMap;
  iocs: IocSet;
  /** False when the host's evidence could not be opened at all. */
  readable: boolean;
  unreadableReason?: string;
}

export type HostAnalysis = Pick<HostResult, 'verdict' | 'verdictReason' | 'installs' | 'stages' | 'iocHits' | 'timeline' | 'files' | 'coverage'>;

export function analyseHost(input: HostInput): HostAnalysis {
  const { records, iocs } = input;
  const board = new StageBoard();
  const hits: IocHit[] = [];
  const files = records.filter((r): r is AppFileRecord => r.type === 'app-file');
  const coverage = records.filter((r): r is CoverageRecord => r.type === 'coverage' && r.state === 'examined');
  const covered = (area: CoverageRecord['area']): boolean => coverage.some((c) => c.area === area);

  const installs = installsFrom(records, files, iocs, board);
  registryFindings(records, iocs, board, hits, installs, input.digests);
  hashFindings(files, input.digests, iocs, board, hits);
  collectorHashFindings(records, iocs, board, hits);
  structureFindings(files, input.digests, board, hits);
  networkFindings(records, iocs, board, hits);
  runtimeFindings(records, board);
  const trojanizedPresent = (['installed', 'trojanized-library', 'encrypted-payload', 'installer'] as const).some((id) => board.observed(id));
  executionFindings(records, board, trojanizedPresent);
  eventFindings(records, iocs, board, hits, installs, trojanizedPresent);
  macosFindings(records, iocs, board, trojanizedPresent);
  usnFindings(records, board, trojanizedPresent);

  // Coverage: a stage we could look for and did not find is not-observed; else not-assessed.
  const anyTrace = installs.length > 0 || files.some((f) => f.role !== 'second-stage') || records.some((r) => r.type === 'app-data' || r.type === 'timer' || r.type === 'main-storage' || r.type === 'prefetch' || r.type.startsWith('evtx-') || r.type === 'registry-install' || r.type === 'amcache-app' || r.type === 'amcache-file' || r.type === 'shimcache' || r.type === 'macos-quarantine-event' || r.type === 'macos-knowledgec-usage' || r.type.startsWith('macos-shipit') || usnTrace(r) || (r.type === 'macos-fsevents' && r.indicator !== 'dmg'));
  const installRootPresent = files.some((f) => f.installRoot !== null) || records.some((r) => r.type === 'install');
  if (covered('installers')) board.assess('installer');
  if (covered('app-install')) board.assess('installed', 'trojanized-library');
  if (covered('app-install') && (input.os === 'windows')) board.assess('encrypted-payload');
  // The runtime files live in the install tree (Windows) or the support folder (macOS); when the
  // app left traces but its tree is gone, their absence proves nothing.
  if (input.os === 'windows' && covered('app-install') && (installRootPresent || !anyTrace)) board.assess('executed', 'dormancy-timer');
  if (input.os === 'macos' && covered('app-data')) board.assess('executed');
  if (covered('second-stage')) board.assess('second-stage');

  const stages = board.results();
  const { verdict, reason } = decide(input, stages, installs, hits, anyTrace);
  return {
    verdict,
    verdictReason: reason,
    installs: installs.sort((a, b) => (a.path + (a.version ?? '')).localeCompare(b.path + (b.version ?? ''))),
    stages,
    iocHits: sortHits(hits),
    timeline: mergeTimeline(buildTimeline(records, stages), [...executionTimeline(records), ...eventTimeline(records), ...registryTimeline(records), ...macosTimeline(records), ...usnTimeline(records)]),
    files: examinedFiles(files, input.digests),
    coverage: [
      ...records.filter((r): r is CoverageRecord => r.type === 'coverage').map((c) => ({ area: c.area, platform: c.platform, state: c.state, detail: c.detail })),
      ...records.flatMap((r) => (r.type === 'collection-note' ? [{ area: r.kind === 'coverage' ? 'collection' : 'collection-note', platform: input.os, state: 'examined' as const, detail: r.text }] : [])),
      ...usnCoverage(records),
      ...macosCoverage(records),
    ],
  };
}

function examinedFiles(files: AppFileRecord[], digests: DigestMap): ExaminedFile[] {
  const seen = new Set<string>();
  const out: ExaminedFile[] = [];
  for (const f of files) {
    const key = digestKey(f.ref);
    if (seen.has(key)) continue;
    seen.add(key);
    const d = digests.get(key);
    const e = f.entry;
    out.push({ evidenceId: f.ref.evidenceId, path: f.ref.path, role: f.role, size: d?.size ?? e.size, id: e.id ?? null, md5: d?.md5 ?? null, sha1: d?.sha1 ?? null, sha256: d?.sha256 ?? null, created: e.created, modified: e.modified, accessed: e.accessed, changed: e.changed, citation: formatRef(f.ref) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function installsFrom(records: readonly ArtefactRecord[], files: AppFileRecord[], iocs: IocSet, board: StageBoard): InstallRecord[] {
  const out: InstallRecord[] = [];
  for (const r of records) {
    if (r.type !== 'install') continue;
    const vs = versionStatus(iocs, r.platform, r.version);
    const affected = vs.status === 'trojanized' ? true : vs.status === 'unknown' ? null : false;
    out.push({ product: '3CX Desktop App', platform: r.platform, version: vs.normalized ?? r.version, affected, user: r.user, path: r.path, source: `${r.versionSource} (${formatRef(r.ref)})` });
    if (affected) {
      const src = r.versionSource === 'folder-name' ? 'install folder name' : r.versionSource === 'info-plist' ? 'Info.plist CFBundleShortVersionString' : 'PE version resource';
      board.observe('installed', cite(r, `${src}`, `3CX Desktop App ${vs.normalized} for ${r.platform} installed at ${r.path}${r.user ? ` (user ${r.user})` : ''}: a trojanized build per ${vs.rule?.sources.join('; ') ?? 'the built-in version table'}`, r.time));
    }
  }
  // Installers name a version in their file name only: listed for the examiner, never decisive.
  for (const f of files) {
    if (!f.nameVersion || !['installer-msi', 'installer-dmg', 'update-nupkg'].includes(f.role)) continue;
    const vs = versionStatus(iocs, f.platform, f.nameVersion);
    out.push({ product: '3CX Desktop App', platform: f.platform, version: vs.normalized ?? f.nameVersion, affected: vs.status === 'trojanized' ? true : vs.status === 'unknown' ? null : false, user: f.user, path: f.ref.path, source: `installer file name only, not verified (${formatRef(f.ref)})` });
  }
  return out.sort((a, b) => (a.path + (a.version ?? '')).localeCompare(b.path + (b.version ?? '')));
}

function runtimeFindings(records: readonly ArtefactRecord[], board: StageBoard): void {
  for (const r of records) {
    if (r.type === 'timer') {
      const start = earliestTime(r.entry);
      const wake = r.wakeUp ? `; content reads as wake-up time ${r.wakeUp.time} (${r.wakeUp.encoding})` : `; content ${r.contentHex ? `0x${r.contentHex}` : 'empty or unreadable'} (encoding not published)`;
      board.observe('executed', cite(r, 'manifest file (windows.app-tree)', `the loader's "manifest" timer file exists next to ffmpeg.dll: trojanized code ran${start ? ` by ${start}` : ''}`, start));
      board.observe('dormancy-timer', cite(r, 'manifest file (windows.app-tree)', `dormancy timer started (earliest file time ${start ?? "unknown"})${wake}`, start));
    } else if (r.type === 'main-storage') {
      const t = earliestTime(r.entry);
      const detail = `.main_storage written by the trojanized libffmpeg.dylib${r.uuid ? `: victim UUID ${r.uuid}, stored time ${r.time}` : ''}${r.wellFormed ? '' : ` (${r.notes.join('; ') || 'not well formed'})`}`;
      board.observe('executed', cite(r, '.main_storage (formats/main-storage)', detail, [t, r.time].filter((x): x is string => !!x).sort()[0] ?? null));
    }
  }
}

function decide(input: HostInput, stages: StageResult[], installs: InstallRecord[], hits: IocHit[], anyTrace: boolean): { verdict: Verdict; reason: string } {
  if (!input.readable) return { verdict: 'inconclusive', reason: `The evidence could not be read: ${input.unreadableReason ?? 'unknown error'}.` };
  const obs = (id: string): boolean => stages.some((s) => s.id === id && s.status === 'observed');
  const list = (ids: string[]): string => ids.filter(obs).join(', ');
  const later = ['executed', 'dormancy-timer', 'beacon', 'second-stage'];
  if (later.some(obs)) return { verdict: 'compromised', reason: `Trojanized 3CX code ran or a later stage is present: ${list(later)} observed.` };
  const present = ['installer', 'installed', 'trojanized-library', 'encrypted-payload'];
  const strongHit = hits.some((h) => h.confidence !== 'low');
  if (present.some(obs) || strongHit) {
    return { verdict: 'affected', reason: `A trojanized 3CX build or malicious file is present (${list(present) || 'IOC match'}) with no evidence that it ran.` };
  }
  if (!anyTrace) return { verdict: 'not-present', reason: 'No trace of the 3CX Desktop App was found in the locations examined.' };
  const verified = installs.filter((i) => !i.source.startsWith('installer file name'));
  if (verified.length > 0 && verified.every((i) => i.affected === false)) {
    return { verdict: 'clean', reason: `The 3CX Desktop App is installed only in versions never trojanized (${[...new Set(verified.map((i) => `${i.platform} ${i.version}`))].join(', ')}) and no indicator matched.` };
  }
  return { verdict: 'inconclusive', reason: verified.length > 0 ? 'The 3CX Desktop App is present but its version could not be established and no indicator matched.' : 'Traces of the 3CX Desktop App remain (app data or installers) but no installed build could be examined to establish its version.' };
}

function sortHits(hits: IocHit[]): IocHit[] {
  const seen = new Set<string>();
  return hits
    .filter((h) => {
      const k = `${h.type}|${h.value}|${h.evidenceId}|${h.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.path.localeCompare(b.path) || a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
}

/**
 * From artefact records to cited facts on the stage board and IOC hits. Each rule says why it
 * holds; none fires on a file name alone (dossier §9.1): names pick what to read, hashes and
 * structure decide.
 */
import { formatRef } from '../common/evidence-ref.js';
import { earliestTime } from '../common/vfs.js';
import type { IocHit, StageEvidence, StageId } from '../common/scan-result.js';
import type { AppFileRecord, ArtefactRecord, FileRole } from '../artefacts/records.js';
import { digestKey, type DigestMap } from './digests.js';
import { findNetworkIndicators, matchHashes, type HashIndicator, type IocSet } from './ioc/index.js';
import type { StageBoard } from './stage-board.js';

const ROLE_STAGE: Partial<Record<FileRole, StageId>> = {
  'installer-msi': 'installer',
  'update-nupkg': 'installer',
  'installer-dmg': 'installer',
  'app-exe': 'installed',
  'launcher-exe': 'installed',
  'mac-main': 'installed',
  ffmpeg: 'trojanized-library',
  libffmpeg: 'trojanized-library',
  d3dcompiler: 'encrypted-payload',
  'update-agent': 'second-stage',
  'second-stage': 'second-stage',
};

export function cite(r: { ref: AppFileRecord['ref'] }, artefact: string, detail: string, time: string | null, sha256?: string): StageEvidence {
  return {
    evidenceId: r.ref.evidenceId,
    path: r.ref.path,
    artefact,
    detail,
    time,
    ...(sha256 ? { sha256 } : {}),
    citation: formatRef(r.ref),
  };
}

function stageForIndicator(role: FileRole, ind: HashIndicator): StageId {
  const fromRole = ROLE_STAGE[role];
  if (fromRole) return fromRole;
  const s = ind.stage.toLowerCase();
  if (/installer|update package|nupkg|dmg/.test(s)) return 'installer';
  if (/main executable|app bundle/.test(s)) return 'installed';
  if (/carrier/.test(s)) return 'encrypted-payload';
  if (/stage 1|loader|dylib/.test(s) && !/stage 2|stage 3/.test(s)) return 'trojanized-library';
  return 'second-stage';
}

export function hashFindings(files: AppFileRecord[], digests: DigestMap, iocs: IocSet, board: StageBoard, hits: IocHit[]): void {
  for (const f of files) {
    const d = digests.get(digestKey(f.ref));
    if (!d || d.error) continue;
    const digests3 = { ...(d.md5 ? { md5: d.md5 } : {}), ...(d.sha1 ? { sha1: d.sha1 } : {}), ...(d.sha256 ? { sha256: d.sha256 } : {}) };
    for (const ind of matchHashes(iocs, digests3)) {
      hits.push({ type: ind.algorithm, value: ind.value, path: f.ref.path, source: `${ind.pack}: ${ind.sources.join('; ')}`, description: `${ind.fileName ?? 'file'} — ${ind.stage}`, evidenceId: f.ref.evidenceId, confidence: ind.confidence });
      const stage = stageForIndicator(f.role, ind);
      const e = cite(f, 'file hash', `${ind.algorithm.toUpperCase()} ${ind.value} matches ${ind.fileName ?? 'an indicator'} (${ind.stage}; ${ind.confidence} confidence; ${ind.pack})`, earliestTime(f.entry), d.sha256);
      // Low-confidence indicators are never the sole basis of a verdict (3cx-iocs.json conventions).
      if (ind.confidence === 'low') board.note(stage, e);
      else board.observe(stage, e);
    }
  }
}

/** What a file is from its name alone: used only to place a hash match on a stage, never as a finding. */
function roleFromName(path: string): FileRole {
  const n = path.split('/').pop()!.toLowerCase();
  if (n === 'ffmpeg.dll') return 'ffmpeg';
  if (n === 'libffmpeg.dylib') return 'libffmpeg';
  if (n === 'd3dcompiler_47.dll') return 'd3dcompiler';
  if (n === '3cxdesktopapp.exe') return 'app-exe';
  if (n.endsWith('.msi')) return 'installer-msi';
  if (n.endsWith('.dmg')) return 'installer-dmg';
  if (n.endsWith('.nupkg')) return 'update-nupkg';
  if (n === 'updateagent') return 'update-agent';
  return 'other';
}

/** Hashes recorded by a collector: a match counts even when the file itself was not collected. */
export function collectorHashFindings(records: readonly ArtefactRecord[], iocs: IocSet, board: StageBoard, hits: IocHit[]): void {
  for (const r of records) {
    if (r.type !== 'collector-hash') continue;
    const d = { ...(r.md5 ? { md5: r.md5.toLowerCase() } : {}), ...(r.sha1 ? { sha1: r.sha1.toLowerCase() } : {}), ...(r.sha256 ? { sha256: r.sha256.toLowerCase() } : {}) };
    for (const ind of matchHashes(iocs, d)) {
      const how = r.collected ? 'hashed by the collector' : 'hashed by the collector, not collected';
      hits.push({ type: ind.algorithm, value: ind.value, path: r.path, source: `${ind.pack}: ${ind.sources.join('; ')}`, description: `${ind.fileName ?? 'file'} — ${ind.stage} (${how}: ${r.source})`, evidenceId: r.ref.evidenceId, confidence: ind.confidence });
      const e: StageEvidence = { evidenceId: r.ref.evidenceId, path: r.path, artefact: `collector hash record (${r.source})`, detail: `${ind.algorithm.toUpperCase()} ${ind.value} ${how} matches ${ind.fileName ?? 'an indicator'} (${ind.stage}; ${ind.confidence} confidence)`, time: null, citation: `${formatRef(r.ref)} › ${r.source}` };
      const stage = stageForIndicator(roleFromName(r.path), ind);
      if (ind.confidence === 'low') board.note(stage, e);
      else board.observe(stage, e);
    }
  }
}

export function structureFindings(files: AppFileRecord[], digests: DigestMap, board: StageBoard, hits: IocHit[]): void {
  for (const f of files) {
    const sha = digests.get(digestKey(f.ref))?.sha256;
    const ids = new Set(f.markers.map((m) => m.id));
    const at = (id: string): string => `0x${(f.markers.find((m) => m.id === id)?.offset ?? 0).toString(16)}`;
    if (f.role === 'ffmpeg' && ids.has('rc4-key') && (ids.has('avmonitor-event') || ids.has('d3dcompiler-name'))) {
      const detail = `ffmpeg.dll carries the 3CX loader's RC4 key "3jB(2bsG#@c7" at ${at('rc4-key')}${ids.has('avmonitor-event') ? ` and the AVMonitorRefreshEvent name at ${at('avmonitor-event')}` : ''}${ids.has('d3dcompiler-name') ? ' and reads d3dcompiler_47.dll' : ''}`;
      board.observe('trojanized-library', cite(f, 'PE structure (formats/pe markers)', detail, earliestTime(f.entry), sha));
      hits.push({ type: 'structure', value: 'rc4-key:3jB(2bsG#@c7', path: f.ref.path, source: 'built-in rule: Nextron APT_SUSP_NK_3CX_RC4_Key_Mar23_1 / APT_SUSP_NK_3CX_Malicious_Samples_Mar23_1 (dossier §4.6)', description: detail, evidenceId: f.ref.evidenceId, confidence: 'high' });
    }
    if (f.role === 'd3dcompiler' && f.pe && f.pe.certTrailingBytes > 0 && f.pe.feedfaceOffsets.length > 0) {
      const p = f.pe.payload;
      const detail = `${f.pe.certTrailingBytes} bytes hidden after the Authenticode PKCS#7 in the certificate table (CVE-2013-3900), FE ED FA CE marker at 0x${f.pe.feedfaceOffsets[0]!.toString(16)}` +
        (p ? `; ${p.length}-byte blob at 0x${p.offset.toString(16)} RC4-decrypts with the published key (decrypted SHA-256 ${p.sha256}${p.embeddedPe ? ', contains an embedded PE' : ''}${p.startsWithCode ? ', starts with code' : ''})` : '');
      board.observe('encrypted-payload', cite(f, 'PE certificate table (formats/pe)', detail, earliestTime(f.entry), sha));
      hits.push({ type: 'structure', value: 'cert-table-feedface-payload', path: f.ref.path, source: 'built-in rule: Elastic Windows_Trojan_SuddenIcon_bdae76c9 / dossier §4.1 step 4-5', description: detail, evidenceId: f.ref.evidenceId, confidence: 'high' });
    }
    const xor = [...ids].filter((i) => i.startsWith('xor7a-'));
    if (f.role === 'libffmpeg' && (xor.length >= 2 || (xor.length >= 1 && ids.has('run-avcodec')))) {
      const detail = `libffmpeg.dylib carries XOR-0x7A-encoded loader strings (${xor.join(', ')})${ids.has('run-avcodec') ? ' and the _run_avcodec export' : ''}`;
      board.observe('trojanized-library', cite(f, 'Mach-O structure (formats/macho markers)', detail, earliestTime(f.entry), sha));
      hits.push({ type: 'structure', value: 'macos-dylib-xor7a-strings', path: f.ref.path, source: 'built-in rule: XProtect RankStank / Nextron APT_MAL_MacOS_NK_3CX_DYLIB_Mar23_1 (dossier §4.4)', description: detail, evidenceId: f.ref.evidenceId, confidence: 'high' });
    }
    if (f.role === 'update-agent') {
      board.observe('second-stage', cite(f, 'file presence (macos.support-folder)', `UpdateAgent present in the 3CX support folder (second stage written and run by the trojanized dylib; it normally deletes itself)${f.macho?.identifier ? `; code-signing identifier ${f.macho.identifier}` : ''}`, earliestTime(f.entry), sha));
    }
    if (f.role === 'second-stage' && f.rule) {
      board.observe('second-stage', cite(f, 'file presence (windows.second-stage)', f.rule, earliestTime(f.entry), sha));
    }
  }
}

export function networkFindings(records: readonly ArtefactRecord[], iocs: IocSet, board: StageBoard, hits: IocHit[]): void {
  for (const r of records) {
    if (r.type !== 'text-sample') continue;
    const seen = new Set<string>();
    for (const m of findNetworkIndicators(iocs, r.text)) {
      if (seen.has(m.indicator.value)) continue;
      seen.add(m.indicator.value);
      const line = r.text.slice(0, m.index).split('\n').length;
      hits.push({ type: m.indicator.kind, value: m.indicator.value, path: r.ref.path, source: `${m.indicator.pack}: ${m.indicator.sources.join('; ')}`, description: `${m.indicator.stage} (named at line ${line})`, evidenceId: r.ref.evidenceId, confidence: m.indicator.confidence });
      const e: StageEvidence = { evidenceId: r.ref.evidenceId, path: r.ref.path, artefact: 'text (app log/config)', detail: `names ${m.indicator.kind} ${m.indicator.value} (${m.indicator.role}) at line ${line}`, time: null, citation: `${formatRef(r.ref)} › line ${line}` };
      if (m.indicator.confidence === 'low') board.note('beacon', e);
      else board.observe('beacon', e);
    }
  }
}

/**
 * What the registry and Amcache remember: installs (Uninstall keys, Installer UserData, Amcache
 * InventoryApplication), files that were present (Amcache, ShimCache) with their SHA-1, and host
 * facts. Amcache's SHA-1 covers only a file's first 31,457,280 bytes: larger files "cannot be
 * compared" with whole-file indicators and are never reported as matching or as clean.
 */
import { formatRef } from '../common/evidence-ref.js';
import type { InstallRecord, IocHit, StageEvidence, TimelineEntry } from '../common/scan-result.js';
import type { AppFileRecord, ArtefactRecord, HiveSource } from '../artefacts/records.js';
import { digestKey, type DigestMap } from './digests.js';
import { matchHashes, versionStatus, type IocSet } from './ioc/index.js';
import type { StageBoard } from './stage-board.js';

const hiveNote = (h: HiveSource): string => (h.dirty ? (h.replayed ? ` [dirty hive; ${h.replayed.entries} log entr${h.replayed.entries === 1 ? 'y' : 'ies'} replayed in memory]` : ' [dirty hive; no usable transaction log]') : '');
const keyCite = (r: { ref: Parameters<typeof formatRef>[0]; keyPath: string }): string => `${formatRef(r.ref)} › ${r.keyPath}`;

/** `c:\users\alice\...` (Amcache keeps lower-cased Windows paths) → `/users/alice/...` for matching. */
const evidencePath = (p: string): string => p.replace(/^[a-z]:/i, '').replace(/\\/g, '/').toLowerCase();

/** Compare Amcache's SHA-1 with the same prefix of the collected file, where the file is here. */
function compareWithFile(r: { path: string | null; sha1: string | null; size: number | null }, files: readonly AppFileRecord[], digests: DigestMap): string {
  const f = r.path ? files.find((x) => x.ref.path.toLowerCase() === evidencePath(r.path!)) : undefined;
  if (!f) return 'the file itself is not in the evidence, so the two cannot be compared';
  const d = digests.get(digestKey(f.ref));
  if (!d?.prefix30MiBSha1) return 'the file is here but could not be hashed';
  return d.prefix30MiBSha1 === r.sha1 ? `the file in the evidence (${f.ref.path}) is the one Amcache recorded: its first 31,457,280 bytes hash the same` : `the file in the evidence (${f.ref.path}) differs from the one Amcache recorded (its first-31,457,280-byte SHA-1 is ${d.prefix30MiBSha1}): it changed after Amcache saw it`;
}

export function registryFindings(records: readonly ArtefactRecord[], iocs: IocSet, board: StageBoard, hits: IocHit[], installs: InstallRecord[], digests: DigestMap = new Map()): void {
  const files = records.filter((r): r is AppFileRecord => r.type === 'app-file');
  for (const r of records) {
    if (r.type === 'registry-install' || r.type === 'amcache-app') {
      const name = r.type === 'registry-install' ? r.product : r.name;
      const vs = versionStatus(iocs, 'windows', r.version);
      const trojan = vs.status === 'trojanized';
      const what = r.type === 'registry-install' ? `${r.source} key${r.deleted ? ' (deleted, recovered from free space)' : ''}` : 'Amcache InventoryApplication';
      const user = r.type === 'registry-install' ? r.user ?? r.sid : null;
      installs.push({ product: name, platform: 'windows', version: vs.normalized ?? r.version, affected: trojan ? true : vs.status === 'unknown' ? null : false, user, path: (r.type === 'registry-install' ? r.installLocation : r.rootDirPath) ?? r.keyPath, source: `${what} (${keyCite(r)})${hiveNote(r.hive)}` });
      const when = (r.type === 'registry-install' ? r.installDateIso : null) ?? r.keyLastWritten;
      const e: StageEvidence = { evidenceId: r.ref.evidenceId, path: r.ref.path, artefact: `registry: ${what}`, detail: `${name} ${r.version ?? '(no version)'} recorded as installed${user ? ` for ${user}` : ''}${trojan ? ': a trojanized build' : ''}${hiveNote(r.hive)}`, time: when, citation: keyCite(r) };
      if (trojan) board.observe('installed', e);
    } else if (r.type === 'amcache-file') {
      if (!r.sha1) continue;
      const e: StageEvidence = { evidenceId: r.ref.evidenceId, path: r.ref.path, artefact: 'Amcache InventoryApplicationFile', detail: '', time: r.keyLastWritten, citation: keyCite(r) };
      const sameFile = compareWithFile(r, files, digests);
      if (r.sha1CoversWholeFile === false) {
        board.note('installed', { ...e, detail: `${r.path ?? r.name}: Amcache SHA-1 ${r.sha1} covers only the first 31,457,280 bytes of this ${r.size}-byte file, so it cannot be compared with whole-file indicators; ${sameFile}` });
        continue;
      }
      board.note('installed', { ...e, detail: `${r.path ?? r.name}: Amcache recorded SHA-1 ${r.sha1}; ${sameFile}` });
      for (const ind of matchHashes(iocs, { sha1: r.sha1 })) {
        hits.push({ type: 'sha1', value: ind.value, path: r.path ?? r.keyPath, source: `${ind.pack}: ${ind.sources.join('; ')}`, description: `${ind.fileName ?? 'file'} — ${ind.stage} (Amcache SHA-1; file present, execution not proven)`, evidenceId: r.ref.evidenceId, confidence: ind.confidence });
        const stage = /ffmpeg/i.test(r.path ?? '') ? 'trojanized-library' : /d3dcompiler/i.test(r.path ?? '') ? 'encrypted-payload' : /\.msi$/i.test(r.path ?? '') ? 'installer' : /3cxdesktopapp\.exe$/i.test(r.path ?? '') ? 'installed' : 'second-stage';
        const ev = { ...e, detail: `Amcache recorded ${r.path ?? r.name} with SHA-1 ${r.sha1}, matching ${ind.fileName ?? 'an indicator'} (${ind.stage}; ${ind.confidence} confidence)` };
        if (ind.confidence === 'low') board.note(stage, ev);
        else board.observe(stage, ev);
      }
    }
  }
}

export function registryTimeline(records: readonly ArtefactRecord[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const add = (time: string | null, event: string, source: string): void => {
    if (time) out.push({ time, event, source });
  };
  for (const r of records) {
    if (r.type === 'registry-install') {
      add(r.installDateIso, `${r.product} ${r.version ?? ''} install date (${r.source})`, keyCite(r));
      add(r.keyLastWritten, `${r.source} key for ${r.product} last written`, keyCite(r));
    } else if (r.type === 'amcache-file') add(r.keyLastWritten, `Amcache entry for ${r.path ?? r.name} last written (file present)`, keyCite(r));
    else if (r.type === 'amcache-app') add(r.keyLastWritten, `Amcache application ${r.name} ${r.version ?? ''} last written`, keyCite(r));
    else if (r.type === 'shimcache') add(r.lastModified, `ShimCache: ${r.path} (file last modified, position ${r.position})`, `${formatRef(r.ref)} › ${r.controlSet}`);
  }
  return out;
}

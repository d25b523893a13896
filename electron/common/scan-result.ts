/**
 * The result document fixed by `shared/design/contract.md` (`schema: "3cx-triage/scan@1"`).
 * Add fields only; anything incompatible bumps the schema. The JSON Schema that examiners and
 * tests validate against is `assets/schema/scan-1.schema.json`.
 */

export const RESULT_SCHEMA = '3cx-triage/scan@1';

export const STAGE_IDS = [
  'installer',
  'installed',
  'trojanized-library',
  'encrypted-payload',
  'executed',
  'dormancy-timer',
  'beacon',
  'second-stage',
] as const;
export type StageId = (typeof STAGE_IDS)[number];

export type StageStatus = 'observed' | 'not-observed' | 'not-assessed';
export type Verdict = 'not-present' | 'clean' | 'affected' | 'compromised' | 'inconclusive';
export type EvidenceKind = 'folder' | 'zip' | 'tar' | 'raw' | 'e01' | 'vhd' | 'vhdx' | 'vmdk' | 'qcow2' | 'dmg';
export type IocType = 'sha256' | 'sha1' | 'md5' | 'domain' | 'url' | 'structure';

export interface ResultError {
  evidenceId?: string;
  path: string;
  message: string;
}

export interface EvidenceItem {
  id: string;
  path: string;
  kind: EvidenceKind;
  layout?: string;
  sizeBytes: number;
  verification?: { algorithm: string; expected: string; actual: string; ok: boolean };
  errors: { path: string; message: string }[];
}

export interface InstallRecord {
  product: string;
  platform: 'windows' | 'macos';
  version: string | null;
  affected: boolean | null;
  user: string | null;
  path: string;
  source: string;
}

export interface StageEvidence {
  evidenceId: string;
  path: string;
  artefact: string;
  detail: string;
  time: string | null;
  sha256?: string;
  /** Added field: the one-line citation (layers, offset or record, parser). */
  citation?: string;
}

export interface StageResult {
  id: StageId;
  status: StageStatus;
  firstSeen: string | null;
  evidence: StageEvidence[];
}

export interface IocHit {
  type: IocType;
  value: string;
  path: string;
  source: string;
  description: string;
  /** Added fields: which evidence item and the indicator's confidence in its source. */
  evidenceId?: string;
  confidence?: 'high' | 'medium' | 'low';
}

export interface TimelineEntry {
  time: string;
  event: string;
  source: string;
}

/** Added: every file the scan examined for this host (report appendix, bodyfile export). */
export interface ExaminedFile {
  evidenceId: string;
  path: string;
  role: string;
  size: number;
  id: string | null;
  md5: string | null;
  sha1: string | null;
  sha256: string | null;
  created: string | null;
  modified: string | null;
  accessed: string | null;
  changed: string | null;
  citation: string;
}

/** Added: which locations the scan could examine for this host, for the report's limitations. */
export interface CoverageNote {
  area: string;
  platform: string;
  state: 'examined' | 'unreadable' | 'not-parsed';
  detail: string;
}

export interface HostResult {
  id: string;
  name: string;
  os: 'windows' | 'macos' | 'linux' | 'unknown';
  evidence: string[];
  verdict: Verdict;
  /** Added field: the verdict in one sentence, with the facts that decided it. */
  verdictReason?: string;
  installs: InstallRecord[];
  stages: StageResult[];
  iocHits: IocHit[];
  timeline: TimelineEntry[];
  files?: ExaminedFile[];
  coverage?: CoverageNote[];
  /** Added: facts about the host itself (computer name, OS build, MachineGuid, cert padding check). */
  facts?: HostFact[];
}

export interface HostFact {
  name: string;
  value: string;
  source: string;
}

export interface ScanResult {
  schema: typeof RESULT_SCHEMA;
  tool: { name: '3cx-triage'; version: string };
  iocSet: { name: string; version: string; sha256: string; extra: string[] };
  case?: { name: string | null; examiner: string | null };
  startedAt: string;
  finishedAt: string;
  evidence: EvidenceItem[];
  hosts: HostResult[];
  errors: ResultError[];
}

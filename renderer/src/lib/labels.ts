/** Words for statuses and verdicts, shared by every view. */
import type { StageStatus, Verdict } from '@common/scan-result.js';

export const VERDICTS: Verdict[] = ['compromised', 'affected', 'inconclusive', 'clean', 'not-present'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  compromised: 'Compromised',
  affected: 'Affected',
  inconclusive: 'Inconclusive',
  clean: 'Clean',
  'not-present': 'Not present',
};

export const VERDICT_HELP: Record<Verdict, string> = {
  compromised: 'trojanized code ran, or a later stage is present',
  affected: 'a trojanized build is installed; no sign it ran',
  inconclusive: 'the evidence could not answer the question',
  clean: '3CX is present, in versions not affected',
  'not-present': '3CX was not found on this host',
};

export const STATUS_LABEL: Record<StageStatus, string> = {
  observed: 'observed',
  'not-observed': 'not observed',
  'not-assessed': 'not assessed',
};

export const STATUS_HELP: Record<StageStatus, string> = {
  observed: 'evidence for this stage was found',
  'not-observed': 'looked for and not found',
  'not-assessed': 'no artefact that could show this stage was available',
};

export const STATUS_GLYPH: Record<StageStatus, string> = { observed: '●', 'not-observed': '○', 'not-assessed': '?' };

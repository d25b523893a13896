/**
 * Collects what each of the eight stages saw, then settles each stage's status:
 * observed (evidence cited) / not-observed (looked, absent) / not-assessed (could not look).
 */
import { STAGE_IDS, type StageEvidence, type StageId, type StageResult } from '../common/scan-result.js';

export class StageBoard {
  private readonly evidence = new Map<StageId, StageEvidence[]>();
  /** Evidence kept for context but not enough alone to call the stage observed (e.g. low-confidence IOCs). */
  private readonly weak = new Map<StageId, StageEvidence[]>();
  private readonly assessed = new Set<StageId>();

  observe(stage: StageId, e: StageEvidence): void {
    push(this.evidence, stage, e);
    this.assessed.add(stage);
  }

  note(stage: StageId, e: StageEvidence): void {
    push(this.weak, stage, e);
  }

  assess(...stages: StageId[]): void {
    for (const s of stages) this.assessed.add(s);
  }

  observed(stage: StageId): boolean {
    return (this.evidence.get(stage)?.length ?? 0) > 0;
  }

  results(): StageResult[] {
    return STAGE_IDS.map((id) => {
      const strong = sortEvidence(this.evidence.get(id) ?? []);
      const status = strong.length > 0 ? 'observed' : this.assessed.has(id) ? 'not-observed' : 'not-assessed';
      const all = [...strong, ...sortEvidence(this.weak.get(id) ?? [])];
      const times = strong.map((e) => e.time).filter((t): t is string => t !== null).sort();
      return { id, status, firstSeen: times[0] ?? null, evidence: all };
    });
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) {
    if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
  } else m.set(k, [v]);
}

function sortEvidence(list: StageEvidence[]): StageEvidence[] {
  return [...list].sort((a, b) => (a.time ?? '9').localeCompare(b.time ?? '9') || a.path.localeCompare(b.path) || a.artefact.localeCompare(b.artefact));
}

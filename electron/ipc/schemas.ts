/**
 * Runtime checks for every renderer → main payload. The window is untrusted (it shows hostile
 * strings from evidence), so main accepts only these exact shapes: no extra keys, bounded strings
 * and arrays. The `satisfies` clause keeps them in step with common/ipc-contract.ts.
 */
import { z } from 'zod';
import type { Channel, Req } from '../common/ipc-contract.js';
import { STAGE_IDS } from '../common/scan-result.js';

const text = (max: number) => z.string().max(max);
const empty = z.object({}).strict();
const verdict = z.enum(['not-present', 'clean', 'affected', 'compromised', 'inconclusive']);
/** An evidence path as the engine reported it (may be `@N/…` for multi-host items). */
const evidencePath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'NUL in path');
const evidenceId = z.string().regex(/^E\d{1,6}$/);
const stage = z.enum(STAGE_IDS);

export const caseMetaSchema = z
  .object({ caseNumber: text(200), name: text(500), examiner: text(200), notes: text(100_000) })
  .strict();

export const SCHEMAS = {
  'case:new': caseMetaSchema,
  'case:open': empty,
  'case:open-demo': empty,
  'case:get': empty,
  'case:update-meta': caseMetaSchema,
  'case:close': empty,
  'evidence:add': z.discriminatedUnion('source', [
    z.object({ source: z.literal('dialog-files') }).strict(),
    z.object({ source: z.literal('dialog-folders') }).strict(),
    z.object({ source: z.literal('dropped'), paths: z.array(evidencePath).min(1).max(1000) }).strict(),
  ]),
  'scan:start': empty,
  'scan:cancel': z.object({ evidenceId: evidenceId.optional() }).strict(),
  'evidence:remove': z.object({ evidenceId }).strict(),
  'findings:list': z
    .object({
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(0).max(1000),
      host: text(500).optional(),
      stages: z.array(stage).max(8).optional(),
      text: text(500).optional(),
      sort: z.enum(['host', 'stage', 'time', 'artefact', 'iocs']).optional(),
      descending: z.boolean().optional(),
    })
    .strict(),
  'hosts:list': z
    .object({
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(0).max(1000),
      verdicts: z.array(verdict).max(5).optional(),
      sort: z.enum(['severity', 'name', 'id', 'first-seen']).optional(),
      text: text(500).optional(),
    })
    .strict(),
  'host:get': z.object({ hostId: z.string().regex(/^H\d{1,7}$/) }).strict(),
  'evidence:browse': z.object({ evidenceId, path: evidencePath }).strict(),
  'evidence:preview': z.object({ evidenceId, path: evidencePath }).strict(),
  'report:html': empty,
  'report:pdf': empty,
} satisfies { [C in Channel]: z.ZodType<Req<C>> };

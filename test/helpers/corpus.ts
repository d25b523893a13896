/** The shared real-file corpus sits beside the repository (../shared/corpus); TRIAGE_CORPUS overrides. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CORPUS = process.env['TRIAGE_CORPUS'] ?? join(ROOT, '..', 'shared', 'corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'MANIFEST.json'));

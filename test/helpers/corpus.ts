/** The shared real-file corpus sits beside the repository (../shared/corpus); TRIAGE_CORPUS overrides. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CORPUS = process.env['TRIAGE_CORPUS'] ?? join(ROOT, '..', 'shared', 'corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'MANIFEST.json'));

/** Every E01 in the corpus (single and split segment sets), for verification against ewfverify. */
export const CORPUS_E01 = [
  'dfvfs/test_data/ext2.E01',
  'dfvfs/test_data/ext2.split.E01',
  'dissect.evidence/tests/data/ewf.E01',
  'plaso/test_data/image-split.E01',
  'plaso/test_data/image.E01',
  'sleuthkit/test/data/image.E01',
  'sleuthkit/test/data/imageformat_mmls_1.E01',
  'velociraptor/artifacts/testdata/files/partition_image.E01',
  'velociraptor/artifacts/testdata/files/test.ntfs.dd.E01',
];

/**
 * E01 verification on every EWF image of the shared corpus equals ewfverify's oracle (stored and
 * computed MD5, SUCCESS/FAILURE, including the image whose stored MD5 does not match its data),
 * decoded on this thread and on two inflate threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CORPUS, CORPUS_E01, HAVE_CORPUS } from '../helpers/corpus.js';
import { digestEwfMedia, openEwf, segmentFileName } from '../../electron/formats/ewf/index.js';
import { verifyEwf } from '../../electron/evidence/containers/verify.js';
import { InflatePool } from '../../electron/evidence/containers/inflate-pool.js';
import { FileReader } from '../../electron/io/file-reader.js';

const FILES = CORPUS_E01;

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS}`;

function oracle(p: string): { stored: string; computed: string; ok: boolean } {
  const t = readFileSync(join(CORPUS, 'oracles', `${p}.ewfverify.txt`), 'utf8');
  return {
    stored: /MD5 hash stored in file:\s*([0-9a-f]{32})/.exec(t)![1]!,
    computed: /MD5 hash calculated over data:\s*([0-9a-f]{32})/.exec(t)![1]!,
    ok: /ewfverify: SUCCESS/.test(t),
  };
}

async function openSet(first: string): Promise<{ img: Awaited<ReturnType<typeof openEwf>>; close: () => Promise<void> }> {
  const segs: { name: string; reader: FileReader }[] = [];
  for (let n = 1; n < 1000; n++) {
    const p = n === 1 ? first : segmentFileName(first, n);
    if (!p || !existsSync(p)) break;
    segs.push({ name: basename(p), reader: await FileReader.open(p) });
  }
  const img = await openEwf(segs);
  return { img, close: async () => void (await Promise.all(segs.map((s) => s.reader.close()))) };
}

for (const f of FILES) {
  test(`ewfverify equality: ${f}`, { skip }, async () => {
    const want = oracle(f);
    for (const threads of [0, 2]) {
      const { img, close } = await openSet(join(CORPUS, f));
      try {
        if (threads === 0) {
          assert.deepEqual(await verifyEwf(img, { workers: 0 }), { algorithm: 'md5', expected: want.stored, actual: want.computed, ok: want.ok });
        } else {
          // Corpus images are small: force the worker path that verifyEwf keeps for large media.
          const d = await digestEwfMedia(img.chunks, { decoder: new InflatePool(threads), depth: 5 });
          assert.equal(d.md5, want.computed);
          assert.equal(d.unreadableChunks, 0);
          assert.equal(img.storedMd5, want.stored);
        }
      } finally {
        await close();
      }
    }
  });
}

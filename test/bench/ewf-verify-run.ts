#!/usr/bin/env node
/**
 * `node out/test/bench/ewf-verify-run.js IMAGE.E01 [workers]`: opens the image and verifies it
 * (what `scan --verify` does before scanning), prints the verification, exits 1 unless it matched.
 * Verification runs on verify worker threads that read and inflate into a shared ring while this
 * thread hashes (evidence/containers/verify-ring.ts); they are gone when it returns.
 */
import { openContainer } from '../../electron/evidence/containers/index.js';
import { verifyEwf } from '../../electron/evidence/containers/verify.js';
import { openEwf } from '../../electron/formats/ewf/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { basename } from 'node:path';

const [path, workers] = process.argv.slice(2);
if (!path) {
  console.error('usage: ewf-verify-run.js IMAGE.E01 [workers]');
  process.exit(2);
}
let v: { ok: boolean } | undefined;
if (workers === undefined) {
  const c = await openContainer(path, { verify: true });
  v = c.verification;
  await c.close();
} else {
  // A chosen thread count (single-segment images only): for comparing 0, 1, 2 verify threads.
  const f = await FileReader.open(path);
  v = await verifyEwf(await openEwf([{ name: basename(path), reader: f }]), { workers: Number(workers) });
  await f.close();
}
console.log(JSON.stringify(v));
process.exit(v?.ok ? 0 : 1);

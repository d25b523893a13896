/**
 * The damaged-chunk scenario both verification paths are tested on (formats/ewf/ewf-verify.test.ts,
 * evidence/containers/verify-ring.test.ts): chunk 130 of the generated e01 held zeros, stored
 * compressed, and its deflate data was overwritten.
 */
import assert from 'node:assert/strict';
import type { EwfImage } from '../../../../electron/formats/ewf/index.js';

/** What verifyEwf must say of it: "could not read", never a match, one located issue. `start`: the chunk's offset in disk.E01. */
export function assertChunk130Unreadable(img: EwfImage, v: { ok: boolean; actual: string }, start: number): void {
  assert.equal(v.ok, false, 'zeros in place of the chunk would have matched: must not be ok');
  assert.equal(v.actual, `could not read 1 of 1024 chunks (first: chunk 130 at media offset ${130 * 32768})`);
  assert.equal(img.info['computed MD5 (unreadable chunks as zeros)'], img.storedMd5, 'the zero-filled digest equals the stored one: exactly the false match avoided');
  const issue = img.issues.find((i) => /^verification: chunk 130 could not be read/.test(i.message));
  assert.ok(issue, JSON.stringify(img.issues));
  assert.equal(issue.offset, 130 * 32768);
  assert.equal(issue.file, 'disk.E01');
  assert.match(issue.message, new RegExp(`chunk 130 in disk\\.E01 at ${start}: zlib stream does not inflate`));
}

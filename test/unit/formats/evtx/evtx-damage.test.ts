/** Damaged copies of the generated fixtures: each failure is one issue and the walk goes on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvtxItem, EvtxRecord } from '../../../../electron/formats/evtx/index.js';
import { FIXTURES, items } from './fixture.js';

const CHUNK = 4096;
const sysmon = (): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, 'Microsoft-Windows-Sysmon%4Operational.evtx')));
const recs = (xs: EvtxItem[]): EvtxRecord[] => xs.filter((x): x is EvtxRecord => !('error' in x));
const errs = (xs: EvtxItem[]) => xs.flatMap((x) => ('error' in x ? [x.error] : []));

/** Chunk offsets of the records, from the record signatures. */
function recordOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = CHUNK + 512; i + 4 < b.length; i += 8) if (b[i] === 0x2a && b[i + 1] === 0x2a && b[i + 2] === 0 && b[i + 3] === 0) out.push(i);
  return out;
}

test('a flipped byte in one record\'s value data: records CRC issue, every record still read', async () => {
  const b = sysmon();
  const at = recordOffsets(b)[4]! + 200;
  b[at] = b[at]! ^ 0x20;
  const xs = await items(b);
  assert.equal(recs(xs).length, 9);
  assert.deepEqual(errs(xs).map((e) => e.code), ['checksum']);
});

test('a broken token in a record: one error for that record, the next records still parse', async () => {
  const b = sysmon();
  const offs = recordOffsets(b);
  // Record 5 uses a template defined earlier; its template instance token sits right after the
  // 4-byte fragment header. 0x0b (PI data) there is not a valid token.
  b[offs[4]! + 24 + 4] = 0x0b;
  const xs = await items(b);
  const e = errs(xs).filter((x) => x.code !== 'checksum');
  assert.equal(e.length, 1);
  assert.equal(e[0]!.recordId, 5);
  assert.deepEqual(recs(xs).map((r) => r.recordId), [1, 2, 3, 4, 6, 7, 8, 9]);
});

test('a chunk without its signature: one issue, its intact records are recovered', async () => {
  const b = sysmon();
  b.set([0x58, 0x58, 0x58], CHUNK);
  const xs = await items(b);
  assert.equal(errs(xs)[0]!.code, 'bad-signature');
  const r = recs(xs);
  assert.deepEqual(r.map((x) => x.recordId), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(r.every((x) => x.recovered));
});

test('a record whose template offset points at itself is a loop error, not a hang', async () => {
  const b = sysmon();
  const rec5 = recordOffsets(b)[4]!;
  const tiPos = rec5 + 24 + 4;
  // Template definition offset (chunk-relative) → point it at this very instance's token.
  new DataView(b.buffer).setUint32(tiPos + 6, tiPos - CHUNK, true);
  const xs = await items(b);
  const e = errs(xs).find((x) => x.recordId === 5);
  assert.ok(e, 'record 5 fails');
  assert.equal(recs(xs).length, 8);
});

test('a file cut inside its chunk: the records before the cut are read, the cut is an issue', async () => {
  const b = sysmon();
  const offs = recordOffsets(b);
  const xs = await items(b.subarray(0, offs[6]! + 10));
  assert.deepEqual(recs(xs).map((r) => r.recordId), [1, 2, 3, 4, 5, 6]);
  assert.ok(errs(xs).some((e) => e.code === 'truncated'));
});

test('slack after the free space offset: an old record there comes back marked recovered', async () => {
  const b = sysmon();
  const offs = recordOffsets(b);
  // Move the free space offset back to record 8: records 8 and 9 are now slack.
  new DataView(b.buffer).setUint32(CHUNK + 0x30, offs[7]! - CHUNK, true);
  const xs = await items(b);
  const r = recs(xs);
  assert.deepEqual(r.map((x) => [x.recordId, x.recovered]), [[1, false], [2, false], [3, false], [4, false], [5, false], [6, false], [7, false], [8, true], [9, true]]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoFromMs, isoFromUnixSeconds } from '../../../electron/io/iso-time.js';
import { filetimeToIso } from '../../../electron/io/filetime.js';

test('times a four-digit ISO year can state pass, the rest become null', () => {
  assert.equal(isoFromMs(0), '1970-01-01T00:00:00.000Z');
  assert.equal(isoFromMs(-62_135_596_800_000), '0001-01-01T00:00:00.000Z');
  assert.equal(isoFromMs(-62_135_596_800_001), null);
  assert.equal(isoFromMs(253_402_300_799_999), '9999-12-31T23:59:59.999Z');
  assert.equal(isoFromMs(253_402_300_800_000), null);
  assert.equal(isoFromMs(Number.NaN), null);
  assert.equal(isoFromMs(8.64e15), null, 'the largest Date is still year +275760');
  assert.equal(isoFromUnixSeconds(0), null);
  assert.equal(isoFromUnixSeconds(1_679_961_600), '2023-03-28T00:00:00.000Z');
  assert.equal(isoFromUnixSeconds(2 ** 40), null);
});

test('FILETIME: 0 and far-future values are null, the epoch and 3CX-era times convert', () => {
  assert.equal(filetimeToIso(0n), null);
  assert.equal(filetimeToIso(116_444_736_000_000_000n), '1970-01-01T00:00:00.000Z');
  assert.equal(filetimeToIso(133_244_352_000_000_000n), '2023-03-28T00:00:00.000Z');
  assert.equal(filetimeToIso(0xffff_ffff_ffff_ffffn), null);
});

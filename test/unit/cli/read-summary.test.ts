import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileReader } from '../../../electron/io/file-reader.js';
import { readSummary } from '../../../electron/cli/read-summary.js';

test('reads are counted per evidence item: segments beside an image, files inside a folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-stats-'));
  try {
    writeFileSync(join(dir, 'disk.E01'), new Uint8Array(5000));
    writeFileSync(join(dir, 'disk.E02'), new Uint8Array(3000));
    writeFileSync(join(dir, 'other.E01'), new Uint8Array(100));
    mkdirSync(join(dir, 'host'));
    writeFileSync(join(dir, 'host', 'a.bin'), new Uint8Array(700));
    for (const [name, reads] of [['disk.E01', [[0, 1000], [4000, 2000]]], ['disk.E02', [[0, 3000]]], ['other.E01', [[0, 100]]], ['host/a.bin', [[0, 700]]]] as const) {
      const r = await FileReader.open(join(dir, name));
      for (const [o, l] of reads) await r.read(o, l);
      await r.close();
    }
    const lines = readSummary([
      { id: 'E1', path: join(dir, 'disk.E01'), kind: 'e01', sizeBytes: 8000, errors: [] },
      { id: 'E2', path: join(dir, 'host'), kind: 'folder', sizeBytes: 0, errors: [] },
    ]).trim().split('\n');
    // 1000 + 1000 (clamped at the end of disk.E01) + 3000; other.E01 is another image.
    assert.equal(lines[0], '[read] E1: 5.0 kB of 8.0 kB (62.5%) in 3 read(s) from 2 file(s) on the scan\'s own thread');
    assert.equal(lines[1], '[read] E2: 0.7 kB in 1 read(s) from 1 file(s) on the scan\'s own thread');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

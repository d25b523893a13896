/**
 * Corpus DMGs: the decompressed disk's SHA-256 equals the reference tools' (dmg2img, or qemu-img
 * where the manifest marks dmg2img as wrong); blkx partitions as listed. Apple Partition Map
 * samples: partitions equal `mmls`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDmg } from '../../electron/evidence/containers/dmg.js';
import { parseApm } from '../../electron/formats/apm/index.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';

const SKIP = HAVE_CORPUS ? false : `no corpus at ${CORPUS}`;

interface Row { path: string; detected_as: string; flags: string[] }
const rows: Row[] = HAVE_CORPUS ? (JSON.parse(readFileSync(join(CORPUS, 'MANIFEST.json'), 'utf8')) as { files: Row[] }).files : [];

/** The trusted decompressed SHA-256: qemu-img's where the manifest flags dmg2img as disagreeing. */
function expectedSha(path: string, flags: string[]): string | null {
  const o = (tool: string) => join(CORPUS, 'oracles', `${path}.${tool}.txt`);
  const pick = (tool: string, re: RegExp) => (existsSync(o(tool)) ? re.exec(readFileSync(o(tool), 'utf8'))?.[1] ?? null : null);
  const dmg2img = pick('dmg2img', /decompressed media: \d+ bytes, sha256 ([0-9a-f]{64})/);
  const qemu = pick('qemu-img-convert', /converted raw media: \d+ bytes, sha256 ([0-9a-f]{64})/);
  return flags.includes('oracle-disagreement') ? qemu : dmg2img ?? qemu;
}

test('every corpus DMG decompresses to the reference SHA-256', { skip: SKIP }, async () => {
  const dmgs = rows.filter((r) => r.detected_as === 'dmg');
  assert.ok(dmgs.length >= 10, `expected the corpus DMGs, found ${dmgs.length}`);
  const shaOf = new Map<string, string>();
  for (const r of dmgs) {
    const dmg = await openDmg(join(CORPUS, r.path), { verify: true });
    const h = createHash('sha256');
    for (let o = 0; o < dmg.reader.size; o += 1 << 20) h.update(await dmg.reader.read(o, 1 << 20));
    const got = h.digest('hex');
    shaOf.set(r.path, got);
    assert.deepEqual(dmg.issues, [], r.path);
    assert.equal(dmg.verification?.ok ?? true, true, `${r.path} data fork CRC32`);
    const want = expectedSha(r.path, r.flags);
    if (want) assert.equal(got, want, r.path);
    await dmg.close();
  }
  // dmg2img's LZFSE output is known bad (manifest: oracle-error); the same disk in the other four
  // compressions is the reference.
  const lz = [...shaOf].find(([p]) => p.endsWith('compression-lzfse.dmg'));
  if (lz) assert.equal(lz[1], shaOf.get('node-udif/test/data/compression-zlib.dmg'));
});

test('blkx partitions of a GPT-holding DMG', { skip: SKIP }, async () => {
  const dmg = await openDmg(join(CORPUS, 'plaso/test_data/spotlight.12.dmg'));
  assert.deepEqual(dmg.partitions.map((p) => [p.name, p.offset / 512, p.size / 512]), [
    ['Protective Master Boot Record (MBR : 0)', 0, 1], ['GPT Header (Primary GPT Header : 1)', 1, 1], ['GPT Partition Data (Primary GPT Table : 2)', 2, 32],
    [' (Apple_Free : 3)', 34, 6], ['disk image (Apple_HFS : 4)', 40, 130992], [' (Apple_Free : 5)', 131032, 7],
    ['GPT Partition Data (Backup GPT Table : 6)', 131039, 32], ['GPT Header (Backup GPT Header : 7)', 131071, 1],
  ]);
  await dmg.close();
});

/** mmls rows "NNN:  SLOT  START  END  LENGTH  DESC" for the real slots (not Meta / unallocated). */
function mmlsRows(text: string): { start: number; length: number; type: string }[] {
  const out: { start: number; length: number; type: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\d+)\s+(\d+)\s+\d+\s+(\d+)\s+(\S.*)$/.exec(line);
    if (m) out.push({ start: Number(m[2]), length: Number(m[3]), type: m[4]!.trim() });
  }
  return out;
}

test('Apple Partition Map samples equal mmls', { skip: SKIP }, async () => {
  for (const name of ['mac-os-disk-utility.bin', 'mac-osx-snow-leopard.bin']) {
    const rel = `node-apple-partition-map/test/data/${name}`;
    const r = await FileReader.open(join(CORPUS, rel));
    const m = await parseApm(r);
    const want = mmlsRows(readFileSync(join(CORPUS, 'oracles', `${rel}.mmls.txt`), 'utf8'));
    assert.deepEqual(m.partitions.map((p) => ({ start: p.startBlock, length: p.blockCount, type: p.type })), want, name);
    await r.close();
  }
});

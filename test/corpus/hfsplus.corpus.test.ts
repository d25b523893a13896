/**
 * Corpus HFS+ volumes (bare, and inside DMGs): every path, type and CNID equals the stored
 * `fls -r -p` oracle; every file's contents equal `icat` run on the same decompressed disk
 * (when The Sleuth Kit is installed); the volume name equals `fshfsinfo`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDmg } from '../../electron/evidence/containers/dmg.js';
import { HfsPlusFilesystem } from '../../electron/evidence/filesystems/hfsplus.js';
import { FileReader } from '../../electron/io/file-reader.js';
import { SliceReader } from '../../electron/io/slice-reader.js';
import type { Reader } from '../../electron/io/reader.js';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { haveTool, icatSha, parseFls, readSha, walkAll } from '../unit/formats/hfsplus/tsk.js';

const SKIP = HAVE_CORPUS ? false : `no corpus at ${CORPUS}`;
const HAVE_TSK = haveTool('icat');
const SAMPLES = [
  'dfvfs/test_data/hfsplus.raw', 'dfvfs/test_data/hfsplus_zlib.dmg', 'plaso/test_data/hfsplus_zlib.dmg',
  'plaso/test_data/spotlight.10.13.dmg', 'plaso/test_data/spotlight.12.dmg',
  'node-udif/test/data/encrypted.dmg', 'node-udif/test/data/gpt.dmg', 'node-udif/test/data/raw.dmg', 'node-udif/test/data/zlib-compressed.dmg',
];

test('corpus HFS+ volumes list and read like TSK', { skip: SKIP }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hfs-corpus-'));
  try {
    for (const rel of SAMPLES) {
      const oracle = readFileSync(join(CORPUS, 'oracles', `${rel}.fls.txt`), 'utf8');
      const sector = Number(/ at sector (\d+): HFS\+/.exec(oracle)?.[1] ?? 0);
      let disk: Reader;
      let close: () => Promise<void>;
      let image = join(CORPUS, rel);
      if (rel.endsWith('.dmg')) {
        const dmg = await openDmg(image);
        disk = dmg.reader;
        close = dmg.close;
        image = join(tmp, 'disk.raw');
        writeFileSync(image, await disk.read(0, disk.size)); // corpus DMGs are at most 64 MiB decompressed
      } else {
        const f = await FileReader.open(image);
        disk = f;
        close = () => f.close();
      }
      const fs = await HfsPlusFilesystem.open(new SliceReader(disk, sector * 512, disk.size - sector * 512));
      const ours = await walkAll(fs);
      const theirs = parseFls(oracle);
      assert.deepEqual(ours.map((e) => `${e.type} ${e.id} ${e.path}`).sort(), theirs.map((e) => `${e.type} ${e.inode} ${e.path}`).sort(), rel);
      const name = /Name\s*:\s*(.*)/.exec(readFileSync(join(CORPUS, 'oracles', `${rel}.fshfsinfo.txt`), 'utf8'))?.[1]?.trim();
      assert.equal((await fs.info())['name'], name, `${rel} volume name`);
      if (HAVE_TSK) {
        for (const e of ours.filter((x) => x.type !== 'dir')) {
          const want = icatSha(image, Number(e.id), sector);
          assert.deepEqual(await readSha(fs, e.path), want, `${rel} ${e.path}`);
          assert.equal(e.size, want.size, `${rel} ${e.path} size`);
        }
      }
      assert.deepEqual(fs.issues, [], rel);
      await fs.close();
      await close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// `ls --deleted` lists what the file system still shows as deleted — the names fls marks with `*` —
// and plain `ls` hides them. A bare volume image lists as /vol1 (contract: a disk image lists each volume).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCli } from '../../helpers/cli.js';
import { CORPUS, HAVE_CORPUS } from '../../helpers/corpus.js';

const hasFls = spawnSync('fls', ['-V']).status === 0;

// Both list TSK's /$OrphanFiles: NTFS records no directory reaches, FAT entries found in free clusters.
for (const name of ['fat_deleted_dir.raw.gz', 'ntfs3.raw.gz']) {
  test(`ls --deleted on ${name} shows fls's deleted names; ls alone hides them`, { skip: !HAVE_CORPUS ? 'corpus not present' : !hasFls ? 'sleuthkit not installed' : false }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-deleted-'));
    try {
      const img = join(dir, name.replace(/\.gz$/, ''));
      writeFileSync(img, gunzipSync(readFileSync(join(CORPUS, 'dfir_ntfs', 'test_data', name))));
      const fls = spawnSync('fls', ['-r', '-p', img], { encoding: 'utf8' }).stdout.split('\n');
      const flsDeleted = new Set(fls.filter((l) => /^\S+ \* /.test(l)).map((l) => '/vol1/' + l.slice(l.indexOf('\t') + 1).replace(/ \(deleted\)$/, '')));
      assert.ok(flsDeleted.size > 0, 'the image has deleted names');
      const withDeleted = runCli(['ls', img, '/', '--recursive', '--deleted', '--json']);
      assert.equal(withDeleted.status, 0, withDeleted.stderr);
      const ours = withDeleted.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; deleted: boolean });
      const oursDeleted = new Set(ours.filter((e) => e.deleted).map((e) => e.path));
      for (const p of flsDeleted) assert.ok(oursDeleted.has(p), `${p} is listed as deleted`);
      const plain = runCli(['ls', img, '/', '--recursive', '--json']).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { deleted: boolean });
      assert.ok(plain.every((e) => !e.deleted));
      assert.ok(plain.length < ours.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceRef } from '../../../electron/common/evidence-ref.js';
import { EvidenceView } from '../../../electron/engine/evidence-view.js';
import { hashTree } from '../../../electron/engine/utilities.js';
import '../../../electron/evidence/loaders/index.js';
import { hashReader } from '../../../electron/hashing/digest.js';
import { openJob, parseFileId, VIEWS_MIN_BYTES } from '../../../electron/hashing/image-jobs.js';
import { bytes, MiB } from './files.js';

const tools = ['mkntfs', 'ntfscp', 'sfdisk', 'ewfacquire'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const skip = tools ? false : 'mkntfs/ntfscp/sfdisk/ewfacquire not installed';

/** Files put on the NTFS volume: big ones take the piece paths, small and resident ones the ordinary reader. */
const FILES: [string, Uint8Array][] = [
  ['zeros', new Uint8Array(3 * MiB)],
  ['random', bytes(2 * MiB + 123, 7)],
  ['mixed', Buffer.concat([bytes(MiB, 8), new Uint8Array(2 * MiB), bytes(7, 9)])],
  ['small', bytes(5000, 10)],
  ['tiny', bytes(100, 11)],
  ['empty', new Uint8Array(0)],
];
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let dir = '';
before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), '3cx-imagejobs-'));
  const vol = join(dir, 'vol');
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  };
  writeFileSync(vol, new Uint8Array(0));
  run('truncate', ['-s', '24M', vol]);
  run('mkntfs', ['-F', '-Q', '-q', vol]);
  for (const [name, data] of FILES) {
    writeFileSync(join(dir, name), data);
    run('ntfscp', ['-q', vol, join(dir, name), `/${name}`]);
  }
  // An alternate data stream on a big file: the file's digest is its unnamed stream's.
  writeFileSync(join(dir, 'ads'), bytes(4096, 12));
  run('ntfscp', ['-q', '-N', 'extra', vol, join(dir, 'ads'), '/random']);
  const disk = join(dir, 'disk.raw');
  run('truncate', ['-s', '26M', disk]);
  const sf = spawnSync('sfdisk', ['-q', disk], { input: 'label: gpt\nstart=2048, size=49152, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n', encoding: 'utf8' });
  if (sf.status !== 0) throw new Error(`sfdisk: ${sf.stderr}`);
  run('dd', [`if=${vol}`, `of=${disk}`, 'bs=1M', 'seek=1', 'conv=notrunc', 'status=none']);
  run('ewfacquire', ['-u', '-t', join(dir, 'disk'), '-f', 'encase6', '-c', 'deflate:fast', '-S', '1GiB', '-C', 'c', '-D', 'd', '-E', 'e', '-e', 'x', '-N', 'n', disk]);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

for (const image of ['disk.raw', 'disk.E01']) {
  test(`hash over ${image} gives every file's digests (workers open files by MFT entry)`, { skip }, async () => {
    const lines: string[] = [];
    const r = await hashTree(join(dir, image), '/vol1', { algorithms: ['md5', 'sha256'], workers: 2 }, (l) => lines.push(l), ['hash']);
    assert.equal(r.errors, 0);
    const got = new Map(lines.filter((l) => !l.startsWith('%') && !l.startsWith('#')).map((l) => {
      const [size, md5, sha, name] = l.split(',');
      return [name!.replace('/vol1/', ''), `${size},${md5},${sha}`];
    }));
    for (const [name, data] of FILES) {
      assert.equal(got.get(name), `${data.length},${createHash('md5').update(data).digest('hex')},${sha256(data)}`, name);
    }
  });

  test(`by entry on ${image}: big files stream in pieces, a stale or foreign id falls back to the path`, { skip }, async () => {
    const view = await EvidenceView.open(join(dir, image));
    try {
      for (const [name, data] of FILES) {
        const e = (await view.stat(`/vol1/${name}`))!;
        const at = view.locate(e.path)!;
        const ref: EvidenceRef = { evidenceId: 'E1', path: at.inner, chain: at.fs.layersFor(at.inner) };
        const id = parseFileId(e.id!)!;
        const stale = `${id.entry}-${id.sequence + 1}`;
        for (const fileId of [e.id, stale, undefined, 'not-an-id']) {
          const r = await openJob(ref, fileId);
          try {
            const pieces = typeof (r as { sequentialChunks?: unknown }).sequentialChunks === 'function';
            const expectPieces = fileId === e.id && data.length > 1000 && (image.endsWith('.raw') || data.length >= VIEWS_MIN_BYTES);
            assert.equal(pieces, expectPieces, `${name} ${fileId}`);
            assert.equal((await hashReader(r, ['sha256'])).sha256, sha256(data), `${name} ${fileId}`);
          } finally {
            await r.close();
          }
        }
      }
      // A chain this path does not take (here: a shadow-copy layer) goes through openRef.
      const e = (await view.stat('/vol1/zeros'))!;
      const at = view.locate(e.path)!;
      const vss: EvidenceRef = { evidenceId: 'E1', path: at.inner, chain: [...at.fs.layersFor(at.inner), { kind: 'vss', locator: '1' }] };
      await assert.rejects(openJob(vss, e.id));
    } finally {
      await view.close();
    }
  });
}

test('parseFileId takes NTFS entry-sequence ids only', () => {
  assert.deepEqual(parseFileId('50599-1'), { entry: 50599, sequence: 1 });
  for (const bad of ['5', '5-', '-1', '1-70000', 'a-b', '1-2-3', ' 1-2', '1234567890123456-1']) assert.equal(parseFileId(bad), null, bad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_HOSTS, DEMO_PACK, prepareDemoEvidence, unmask } from '../../../electron/engine/demo.js';
import { ROOT } from '../../helpers/cli.js';

const PACK = join(ROOT, 'assets', 'demo', DEMO_PACK);
const RC4_KEY = Buffer.from('3jB(2bsG#@c7', 'latin1');

test('the shipped pack hides the marker strings from scanners that look inside gzip', () => {
  const packed = readFileSync(PACK);
  assert.equal(packed.indexOf(RC4_KEY), -1);
  assert.ok(unmask(packed).indexOf(RC4_KEY) > 0, 'the unpacked stand-in still carries the marker the detection needs');
});

test('the demo unpacks into a private temp folder with the recorded modification times', async () => {
  const before = statSync(PACK).mtimeMs;
  const demo = await prepareDemoEvidence();
  try {
    assert.deepEqual(demo.paths.map((p) => p.split('/').at(-1)), [...DEMO_HOSTS]);
    const ffmpeg = join(demo.paths[0]!, 'Users/alice/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll');
    assert.equal(statSync(ffmpeg).mtime.toISOString(), '2023-03-20T09:12:00.000Z');
    assert.ok(existsSync(join(demo.paths[1]!, 'Applications/3CX Desktop App.app/Contents/Info.plist')));
  } finally {
    await demo.dispose();
  }
  assert.ok(!existsSync(demo.paths[0]!), 'dispose removes the copy');
  assert.equal(statSync(PACK).mtimeMs, before, 'the pack itself is untouched');
});

test('a pack member naming a path outside the temp folder is skipped, not written', async () => {
  const w = mkdtempSync(join(tmpdir(), 'demo-pack-'));
  try {
    mkdirSync(join(w, 'stage', 'WS-FINANCE-07'), { recursive: true });
    mkdirSync(join(w, 'stage', 'alice-mbp'));
    writeFileSync(join(w, 'stage', 'WS-FINANCE-07', 'a.txt'), 'a');
    execFileSync('tar', ['--format=posix', '-C', join(w, 'stage'), '-cf', join(w, 'h.tar'), 'WS-FINANCE-07', 'alice-mbp', '--transform', 's,^WS-FINANCE-07/a.txt,../escaped.txt,', '-P']);
    execFileSync('sh', ['-c', `gzip -9n < "${w}/h.tar" > "${w}/h.tar.gz"`]);
    mkdirSync(join(w, 'assets', 'demo'), { recursive: true });
    execFileSync('python3', [join(ROOT, 'test/fixtures/demo-pack.py'), join(w, 'h.tar.gz'), join(w, 'assets', 'demo', DEMO_PACK)]);
    const demo = await prepareDemoEvidence(join(w, 'assets'));
    try {
      assert.ok(!existsSync(join(demo.paths[0]!, '..', '..', 'escaped.txt')));
      assert.ok(!existsSync(join(demo.paths[0]!, 'a.txt')));
    } finally {
      await demo.dispose();
    }
  } finally {
    rmSync(w, { recursive: true, force: true });
  }
});

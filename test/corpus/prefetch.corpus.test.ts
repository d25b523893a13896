// Differential test: every prefetch file in the shared corpus (MANIFEST.json rows ending `.pf`)
// against the `sccainfo` (libscca-utils 20200717) output kept in oracles/. Compared per file:
// version, executable, hash, run count, every last run time (to 100 ns), the whole loaded-file list,
// and each volume's device path, creation time and serial. Counts are pinned so a regression or a
// new corpus file shows up. sccainfo 20200717 cannot open version 31 (Windows 11): that file is
// checked against our own expectation and the volume-name cross-check below instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CORPUS, HAVE_CORPUS } from '../helpers/corpus.js';
import { parsePrefetch, type Prefetch } from '../../electron/formats/prefetch/index.js';
import { ParseError } from '../../electron/common/issues.js';

const skip = HAVE_CORPUS ? false : `corpus not found at ${CORPUS}`;

interface Oracle {
  ok: boolean;
  fileCount?: number;
  /** Filename lines by their 1-based index (stored oracles keep only the first and last 50 lines). */
  fileAt: Map<number, string>;
  volumeCount?: number;
  version?: number;
  hash?: string;
  executable?: string;
  runCount?: number;
  lastRuns: string[];
  files: string[];
  volumes: { devicePath: string; created: string; serial: string }[];
}

function readOracle(path: string): Oracle {
  return parseOracle(readFileSync(path, 'utf8'), /^# exit: 0$/m.test(readFileSync(path, 'utf8')));
}

function parseOracle(text: string, ok: boolean): Oracle {
  const o: Oracle = { ok, fileAt: new Map(), lastRuns: [], files: [], volumes: [] };
  const field = (name: string): string | undefined => new RegExp(`^\\t${name}\\t+: (.*)$`, 'm').exec(text)?.[1];
  const v = field('Format version');
  if (v) o.version = Number(v);
  o.hash = field('Prefetch hash')?.replace(/^0x/, '').toUpperCase();
  o.executable = field('Executable filename');
  const rc = field('Run count');
  if (rc) o.runCount = Number(rc);
  for (const m of text.matchAll(/^\tLast run time:[^\t]*\t+: (.*)$/gm)) if (!m[1]!.startsWith('Not set')) o.lastRuns.push(m[1]!);
  for (const m of text.matchAll(/^\tFilename: (\d+)\t+: (.*)$/gm)) {
    o.fileAt.set(Number(m[1]), m[2]!);
    o.files.push(m[2]!);
  }
  const fc = field('Number of filenames');
  if (fc) o.fileCount = Number(fc);
  const vc = field('Number of volumes');
  if (vc) o.volumeCount = Number(vc);
  const blocks = text.split(/^Volume: \d+ information:$/m).slice(1);
  for (const b of blocks) {
    o.volumes.push({
      devicePath: /\tDevice path\t+: (.*)/.exec(b)?.[1] ?? '',
      created: /\tCreation time\t+: (.*)/.exec(b)?.[1] ?? '',
      serial: (/\tSerial number\t+: 0x(.*)/.exec(b)?.[1] ?? '').toUpperCase(),
    });
  }
  return o;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A FILETIME as sccainfo prints it: `Feb 21, 2022 01:03:45.018377300 UTC`. */
function sccaTime(raw: string): string {
  const ft = BigInt(raw) - 116444736000000000n;
  const d = new Date(Number(ft / 10000000n) * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = (ft % 10000000n).toString().padStart(7, '0') + '00';
  return `${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())}, ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${frac} UTC`;
}

function corpusPrefetch(): { path: string; oracle: string | null }[] {
  const m = JSON.parse(readFileSync(join(CORPUS, 'MANIFEST.json'), 'utf8')) as { files: { path: string; oracle_files?: string[] }[] };
  return m.files
    .filter((r) => r.path.toLowerCase().endsWith('.pf'))
    .map((r) => ({ path: r.path, oracle: r.oracle_files?.find((f) => f.includes('sccainfo')) ?? null }));
}

test('prefetch corpus agrees with sccainfo, file by file', { skip }, () => {
  const rows = corpusPrefetch();
  const tally = { files: rows.length, parsed: 0, errors: 0, oracleOk: 0, agreed: 0, ownExpectation: 0, names: 0, namesCompared: 0 };
  const versions: Record<number, number> = {};
  const t0 = performance.now();
  for (const row of rows) {
    const bytes = readFileSync(join(CORPUS, row.path));
    let p: Prefetch | null = null;
    let err: ParseError | null = null;
    try {
      p = parsePrefetch(bytes);
      tally.parsed++;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      err = e;
      tally.errors++;
    }
    assert.ok(row.oracle && existsSync(join(CORPUS, row.oracle)), `${row.path}: oracle`);
    const o = readOracle(join(CORPUS, row.oracle!));
    if (!o.ok) {
      if (p) {
        // sccainfo 20200717 refuses it; our own expectation is pinned in the next test.
        assert.equal(p.version, 31, `${row.path}: only v31 is readable here but not by sccainfo`);
        tally.ownExpectation++;
      } else assert.equal(err?.code, 'bad-signature', row.path);
      continue;
    }
    tally.oracleOk++;
    assert.ok(p, `${row.path}: sccainfo read it, we did not: ${err?.message}`);
    versions[p.version] = (versions[p.version] ?? 0) + 1;
    assert.equal(p.version, o.version, `${row.path}: version`);
    assert.equal(p.hash, o.hash, `${row.path}: hash`);
    assert.equal(p.executable, o.executable, `${row.path}: executable`);
    assert.equal(p.runCount, o.runCount, `${row.path}: run count`);
    assert.deepEqual(p.lastRunsRaw.map(sccaTime), o.lastRuns, `${row.path}: last run times`);
    assert.equal(p.files.length, o.fileCount, `${row.path}: number of file names`);
    for (const [i, name] of o.fileAt) assert.equal(p.files[i - 1], name, `${row.path}: file name ${i}`);
    tally.names += p.files.length;
    tally.namesCompared += o.fileAt.size;
    assert.equal(p.volumes.length, o.volumeCount, `${row.path}: number of volumes`);
    if (o.volumes.length === o.volumeCount) {
      assert.deepEqual(
        p.volumes.map((v) => ({ devicePath: v.devicePath, created: sccaTime(v.createdRaw), serial: v.serial })),
        o.volumes,
        `${row.path}: volumes`,
      );
    }
    assert.deepEqual(p.issues, [], `${row.path}: no issues`);
    tally.agreed++;
  }
  const ms = performance.now() - t0;
  assert.deepEqual(tally, { files: 60, parsed: 59, errors: 1, oracleOk: 58, agreed: 58, ownExpectation: 1, names: 4793, namesCompared: 3451 });
  assert.deepEqual(versions, { 17: 12, 23: 13, 26: 23, 30: 10 });
  console.log(`prefetch corpus: ${tally.agreed}/${tally.oracleOk} agree with sccainfo (${tally.names} file names), ${ms.toFixed(0)} ms incl. reads`);
});

test('version 31 (Windows 11), which sccainfo 20200717 cannot open: our own expectation', { skip }, () => {
  const p = parsePrefetch(readFileSync(join(CORPUS, 'plaso/test_data/winprefetch/AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf')));
  assert.equal(p.version, 31);
  assert.equal(p.variant, 2);
  assert.equal(p.executable, 'AM_DELTA_PATCH_1.443.990.0.EX'); // 29 characters, as the file name
  assert.equal(p.hash, '7037CF86'); // as the file name
  assert.equal(p.runCount, 1);
  assert.deepEqual(p.lastRunsRaw, ['134146862246686325']);
  assert.equal(p.lastRuns[0], '2026-02-04T13:43:44.668Z');
  assert.equal(p.files.length, 18);
  assert.equal(p.metricsCount, 18);
  assert.equal(p.files[0], '\\VOLUME{01dc94cf1f08c4a4-bc1f1bfc}\\WINDOWS\\SYSTEM32\\NTDLL.DLL');
  assert.equal(p.volumes.length, 1);
  assert.equal(p.volumes[0]!.directories.length, 12);
  assert.deepEqual(p.issues, []);
});

test('every v30/v31 volume name is \\VOLUME{<creation FILETIME hex>-<serial hex>}: an independent check of both fields', { skip }, () => {
  let checked = 0;
  for (const row of corpusPrefetch()) {
    let p: Prefetch;
    try {
      p = parsePrefetch(readFileSync(join(CORPUS, row.path)));
    } catch {
      continue;
    }
    if (p.version < 30) continue;
    for (const v of p.volumes) {
      assert.equal(v.devicePath, `\\VOLUME{${BigInt(v.createdRaw).toString(16).padStart(16, '0')}-${v.serial.toLowerCase()}}`, row.path);
      checked++;
    }
    const base = row.path.split('/').pop()!;
    assert.ok(base.toUpperCase().startsWith(`${p.executable.toUpperCase()}-${p.hash}`), `${row.path}: file name agrees with header`);
  }
  assert.equal(checked, 13);
});

const SCCAINFO = ['/usr/bin/sccainfo', '/usr/local/bin/sccainfo'].find((p) => existsSync(p)) ?? null;

test('live sccainfo (when installed): complete file lists, and the time ratio', { skip: skip || (SCCAINFO ? false : 'sccainfo not installed') }, () => {
  let ours = 0;
  let theirs = 0;
  let compared = 0;
  for (const row of corpusPrefetch()) {
    const abs = join(CORPUS, row.path);
    const t1 = performance.now();
    const r = spawnSync(SCCAINFO!, [abs], { encoding: 'utf8' });
    theirs += performance.now() - t1;
    const t0 = performance.now();
    let p: Prefetch | null = null;
    try {
      p = parsePrefetch(readFileSync(abs));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
    }
    ours += performance.now() - t0;
    if (r.status !== 0) continue;
    const o = parseOracle(r.stdout, true);
    assert.ok(p, row.path);
    assert.deepEqual(p.files, o.files, `${row.path}: complete file list`);
    assert.deepEqual(p.lastRunsRaw.map(sccaTime), o.lastRuns, `${row.path}: last runs`);
    assert.equal(p.runCount, o.runCount, row.path);
    compared++;
  }
  assert.equal(compared, 58);
  console.log(`prefetch: ours ${ours.toFixed(1)} ms (read + parse, in process) vs sccainfo ${theirs.toFixed(1)} ms (process per file): ratio ${(ours / theirs).toFixed(3)}`);
});

/**
 * The macOS fixture generator's output read back through every parser of this area. The
 * generator computes each cdhash itself (Python hashlib), so cdhash agreement is a cross-check
 * of two implementations; llvm-objdump, when installed, is a third opinion on the headers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { machoMarkers, parseMacho } from '../../../../electron/formats/macho/index.js';
import { parsePlist } from '../../../../electron/formats/plist/index.js';
import { decodeMainStorage } from '../../../../electron/formats/main-storage/index.js';
import { APP, DYLIB, EXE, makeMac, SUPPORT, type MacFixture } from './mac-fixture.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function gen(args: string[]): MacFixture {
  const f = makeMac(args);
  if (!f) throw new Error('python3 is required for the macOS fixture tests');
  dirs.push(f.root);
  return f;
}

const full = gen(['--main-storage-time', '2023-03-22T09:15:00Z', '--update-agent', '--plist-format', 'binary']);
const clean = gen(['--clean-dylib', '--version', '18.12.422']);

async function withFile<T>(f: MacFixture, rel: string, fn: (r: FileReader) => Promise<T>): Promise<T> {
  const r = await FileReader.open(join(f.root, rel));
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

test('trojanised libffmpeg.dylib stand-in: fat x86_64 + arm64, signed by team 33CF4654HL', async () => {
  const m = await withFile(full, DYLIB, parseMacho);
  assert.equal(m.kind, 'fat');
  assert.deepEqual(m.slices.map((s) => [s.cpuName, s.fileType, s.is64, s.ncmds, s.offset]), [
    ['x86_64', 6, true, 5, 16384],
    ['arm64', 6, true, 5, 32768],
  ]);
  for (const [i, s] of m.slices.entries()) {
    assert.equal(s.hasCodeSignature, true);
    assert.equal(s.codeSignature?.identifier, 'libffmpeg');
    assert.equal(s.codeSignature?.teamId, '33CF4654HL');
    assert.equal(s.codeSignature?.hashType, 2, 'the SHA-256 alternate CD wins over the SHA-1 one');
    assert.equal(s.codeSignature?.cdhash, full.summary.machos[DYLIB]![i]!.cdhash);
    assert.equal(s.codeSignature?.problem, undefined);
  }
  assert.equal(m.slices[0]!.offset + m.slices[0]!.size <= m.slices[1]!.offset, true);
});

test('main executable and UpdateAgent stand-ins: identifiers, team id and ad-hoc signature', async () => {
  const exe = await withFile(full, EXE, parseMacho);
  assert.equal(exe.kind, 'thin');
  assert.equal(exe.slices.length, 1);
  const s = exe.slices[0]!;
  assert.deepEqual([s.cpuName, s.cpuType, s.fileType, s.offset, s.size], ['x86_64', 0x01000007, 2, 0, full.summary.files[EXE]!.size]);
  assert.equal(s.codeSignature?.identifier, 'com.electron.3cx-desktop-app');
  assert.equal(s.codeSignature?.teamId, '33CF4654HL');
  assert.equal(s.codeSignature?.cdhash, full.summary.machos[EXE]![0]!.cdhash);
  const ua = await withFile(full, `${SUPPORT}/UpdateAgent`, parseMacho);
  const u = ua.slices[0]!;
  assert.equal(u.codeSignature?.identifier, 'payload2-55554944839216049d683075bc3f5a8628778bb8');
  assert.equal(u.codeSignature?.teamId, null);
  assert.equal(u.codeSignature?.cdhash, full.summary.machos[`${SUPPORT}/UpdateAgent`]![0]!.cdhash);
});

test('markers: all four in the trojanised dylib (once per slice), none in the clean one or the app binary', async () => {
  const hits = await withFile(full, DYLIB, machoMarkers);
  const count = (id: string) => hits.filter((h) => h.id === id).length;
  for (const id of ['xor7a-main-storage', 'xor7a-updateagent', 'xor7a-session-lock', 'run-avcodec']) assert.equal(count(id), 2, id);
  // The hits really are the encoded bytes: decode one back.
  const bytes = readFileSync(join(full.root, DYLIB));
  const h = hits.find((x) => x.id === 'xor7a-main-storage')!;
  assert.equal(String.fromCharCode(...bytes.subarray(h.offset, h.offset + 16).map((b) => b ^ 0x7a)), '%s/.main_storage');
  assert.deepEqual(await withFile(clean, DYLIB, machoMarkers), []);
  assert.deepEqual(await withFile(full, EXE, machoMarkers), []);
  // The clean dylib is still a signed fat Mach-O.
  assert.equal((await withFile(clean, DYLIB, parseMacho)).slices.length, 2);
});

test('plists: Info.plist in both encodings, SystemVersion and the binary SystemConfiguration preferences', () => {
  const read = (f: MacFixture, rel: string) => parsePlist(new Uint8Array(readFileSync(join(f.root, rel))));
  const bin = read(full, `${APP}/Info.plist`);
  const xml = read(clean, `${APP}/Info.plist`);
  assert.equal(bin.format, 'binary');
  assert.equal(xml.format, 'xml');
  const bv = bin.value as Record<string, unknown>;
  assert.equal(bv['CFBundleIdentifier'], 'com.electron.3cx-desktop-app');
  assert.equal(bv['CFBundleShortVersionString'], '18.12.416');
  assert.equal(bv['CFBundleVersion'], '18.12.416');
  assert.equal(bv['CFBundleExecutable'], '3CX Desktop App');
  assert.equal(bv['CFBundleDisplayName'], '3CX Desktop App');
  assert.deepEqual({ ...(xml.value as object), CFBundleShortVersionString: '18.12.416', CFBundleVersion: '18.12.416' }, bv);
  assert.equal((xml.value as Record<string, unknown>)['CFBundleVersion'], '18.12.422');
  const sv = read(full, 'System/Library/CoreServices/SystemVersion.plist').value as Record<string, unknown>;
  assert.deepEqual([sv['ProductName'], sv['ProductVersion']], ['macOS', '13.2.1']);
  const prefs = read(full, 'Library/Preferences/SystemConfiguration/preferences.plist');
  assert.equal(prefs.format, 'binary');
  const sys = ((prefs.value as Record<string, Record<string, Record<string, unknown>>>)['System']!)['System']!;
  assert.deepEqual([sys['ComputerName'], sys['HostName']], ['alice-mbp', 'alice-mbp']);
});

test('.main_storage decodes to the fixed UUID and the requested time; .session-lock and config.json exist', () => {
  const ms = decodeMainStorage(new Uint8Array(readFileSync(join(full.root, SUPPORT, '.main_storage'))));
  assert.deepEqual(ms, { uuid: '0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0', time: '2023-03-22T09:15:00.000Z', unixSeconds: 1679476500, wellFormed: true, notes: [] });
  assert.equal(statSync(join(full.root, SUPPORT, '.session-lock')).size, 0);
  assert.equal(statSync(join(full.root, SUPPORT, '.main_storage')).mtime.toISOString(), '2023-03-22T09:15:00.000Z');
  const cfg = JSON.parse(readFileSync(join(full.root, SUPPORT, 'config.json'), 'utf8')) as Record<string, string>;
  assert.equal(cfg['url'], 'https://example-pbx.invalid:5001');
  assert.equal(cfg['AccountName'], 'alice');
  // Optional artefacts appear only when asked for.
  assert.equal(clean.summary.files[`${SUPPORT}/.main_storage`], undefined);
  assert.equal(clean.summary.files[`${SUPPORT}/UpdateAgent`], undefined);
});

test('the generator is deterministic', () => {
  const again = gen(['--main-storage-time', '2023-03-22T09:15:00Z', '--update-agent', '--plist-format', 'binary']);
  assert.deepEqual(again.summary, full.summary);
});

test('llvm-objdump agrees on the fat header and load-command counts (skipped without it)', async (t) => {
  const r = spawnSync('llvm-objdump', ['--macho', '--universal-headers', join(full.root, DYLIB)], { encoding: 'utf8' });
  if (r.error) {
    t.skip('llvm-objdump not installed');
    return;
  }
  const offsets = [...r.stdout.matchAll(/^\s+offset (\d+)$/gm)].map((x) => Number(x[1]));
  const sizes = [...r.stdout.matchAll(/^\s+size (\d+)$/gm)].map((x) => Number(x[1]));
  const m = await withFile(full, DYLIB, parseMacho);
  assert.deepEqual(m.slices.map((s) => s.offset), offsets);
  assert.deepEqual(m.slices.map((s) => s.size), sizes);
  const p = spawnSync('llvm-objdump', ['--macho', '--private-headers', join(full.root, EXE)], { encoding: 'utf8' });
  const dataoff = Number(/dataoff (\d+)/.exec(p.stdout)?.[1]);
  const datasize = Number(/datasize (\d+)/.exec(p.stdout)?.[1]);
  const exe = await withFile(full, EXE, parseMacho);
  assert.deepEqual([exe.slices[0]!.codeSignature?.offset, exe.slices[0]!.codeSignature?.size], [dataoff, datasize]);
  assert.equal(exe.slices[0]!.ncmds, (p.stdout.match(/^Load command \d+$/gm) ?? []).length);
});

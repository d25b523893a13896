/**
 * fseventsd Disk Log Stream files: the generator's files (written by Python's gzip and struct
 * from the documented layout) read back record for record, hand-built v1/v3 pages, and damage.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync, gunzipSync } from 'node:zlib';
import { ParseError } from '../../../../electron/common/issues.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { FileReader } from '../../../../electron/io/file-reader.js';
import { fseventsScript } from './fsevents-fixture.js';
import { fseventFlagNames, fseventsFileLastEventId, parseDlsStream, readFsevents, type DlsRecord, type FseventsReadOptions, type FseventsSummary } from '../../../../electron/formats/fsevents/index.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HAVE_PYTHON = spawnSync('python3', ['-c', 'pass']).status === 0;
const skip = HAVE_PYTHON ? false : 'python3 is required for the fseventsd fixture';

interface Gen { dir: string; files: Record<string, { mtime: string; pages: number; records: [string, string, number, number][] }> }
function generate(args: string[]): Gen {
  const root = mkdtempSync(join(tmpdir(), 'fsev-'));
  dirs.push(root);
  const r = spawnSync('python3', [fseventsScript(), root, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Gen;
}

async function collect(bytes: Uint8Array, opts: FseventsReadOptions = {}): Promise<{ recs: DlsRecord[]; error: unknown; summary: FseventsSummary }> {
  const summary: FseventsSummary = { pages: 0, records: 0, decompressedBytes: 0 };
  const recs: DlsRecord[] = [];
  try {
    for await (const r of readFsevents(new BufferReader(bytes), opts, summary)) recs.push(r);
    return { recs, error: null, summary };
  } catch (e) {
    return { recs, error: e, summary };
  }
}

/** One page built in the test from the SPEC table (independent of the Python generator). */
function page(version: 1 | 2 | 3, recs: [string, bigint, number, bigint?, number?][], sig?: string): Buffer {
  const body = Buffer.concat(recs.map(([p, id, flags, node, extra]) => {
    const tail = Buffer.alloc(version === 1 ? 12 : version === 2 ? 20 : 24);
    tail.writeBigUInt64LE(id, 0);
    tail.writeUInt32LE(flags, 8);
    if (version >= 2) tail.writeBigUInt64LE(node ?? 0n, 12);
    if (version === 3) tail.writeUInt32LE(extra ?? 0, 20);
    return Buffer.concat([Buffer.from(p, 'utf8'), Buffer.from([0]), tail]);
  }));
  const head = Buffer.alloc(12);
  head.write(sig ?? `${version}SLD`, 0, 'latin1');
  head.writeUInt32LE(body.length + 12, 8);
  return Buffer.concat([head, body]);
}

test('generator files: every record, page count and multi-member gzip read back (v2 and v3)', { skip }, async () => {
  const g = generate(['--version', 'mixed']);
  assert.deepEqual(Object.keys(g.files).sort(), ['0000000000001010', '0000000000002030', '0000000000003000']);
  for (const [name, f] of Object.entries(g.files)) {
    const r = await FileReader.open(join(g.dir, name));
    const summary: FseventsSummary = { pages: 0, records: 0, decompressedBytes: 0 };
    const recs: DlsRecord[] = [];
    try {
      for await (const rec of readFsevents(r, {}, summary)) recs.push(rec);
    } finally {
      await r.close();
    }
    assert.deepEqual(recs.map((x) => [x.path, x.eventId.toString(16).padStart(16, '0'), x.flags, Number(x.nodeId)]), f.records, name);
    assert.equal(summary.pages, f.pages, name);
    assert.equal(summary.records, f.records.length);
    assert.equal(new Set(recs.map((x) => x.version)).size, 1);
    assert.equal(recs[0]!.version, name === '0000000000001010' ? 2 : 3, name);
    // The file name is the highest event id inside.
    assert.equal(fseventsFileLastEventId(name), recs.map((x) => x.eventId).reduce((a, b) => (a > b ? a : b)), name);
    // Same records from the fully inflated bytes (node's one-shot gunzip vs the streaming path).
    const whole = [...parseDlsStream(gunzipSync(readFileSync(join(g.dir, name))))];
    assert.deepEqual(whole, recs);
  }
  const v3 = [...parseDlsStream(gunzipSync(readFileSync(join(g.dir, '0000000000002030'))))];
  assert.equal(v3[0]!.extra, (0xa5a50000 | 0x2001) >>> 0, 'v3 trailing u32 read from its place');
});

test('hand-built pages: v1 (no node id), v2, v3, UTF-8 paths and flag names', async () => {
  const data = Buffer.concat([
    page(1, [['private/var/log/system.log', 5n, 0x10 | 0x800000]]),
    page(2, [['Users/ålice/Downloads/3CXDesktopApp-18.12.416.dmg', 6n, 0x1 | 0x10 | 0x800000, 77n]]),
    page(3, [['Users/a/Library/Application Support/3CX Desktop App/UpdateAgent', 0xffff_ffff_ffffn, 0x1 | 0x2 | 0x800000, 2n ** 63n, 9]]),
  ]);
  const { recs, error, summary } = await collect(gzipSync(data));
  assert.equal(error, null);
  assert.deepEqual(recs.map((r) => [r.version, r.path, r.eventId, r.flags, r.nodeId, r.extra, r.page]), [
    [1, 'private/var/log/system.log', 5n, 0x800010, null, null, 0],
    [2, 'Users/ålice/Downloads/3CXDesktopApp-18.12.416.dmg', 6n, 0x800011, 77n, null, 1],
    [3, 'Users/a/Library/Application Support/3CX Desktop App/UpdateAgent', 0xffff_ffff_ffffn, 0x800003, 2n ** 63n, 9, 2],
  ]);
  assert.deepEqual(recs.map((r) => r.offset), [12, data.indexOf('2SLD') + 12, data.indexOf('3SLD') + 12]);
  assert.equal(summary.decompressedBytes, data.length);
  assert.deepEqual(fseventFlagNames(0x800003), ['Created', 'Removed', 'IsFile']);
  assert.deepEqual(fseventFlagNames(0x20000000 | 0x1000000 | 0x8), ['Renamed', 'IsDirectory', 'EndOfTransaction']);
  assert.deepEqual(fseventFlagNames(0), []);
  assert.equal(fseventsFileLastEventId('fseventsd-uuid'), null);
});

test('a page split across inflate chunks and gzip members is reassembled', async () => {
  const many = Array.from({ length: 3000 }, (_, i) => [`Users/a/Library/Caches/x/${'y'.repeat(i % 50)}-${i}`, BigInt(i + 1), 0x800001, BigInt(i)] as [string, bigint, number, bigint]);
  const p = page(2, many);
  assert.ok(p.length > 200_000, 'bigger than one 64 KiB inflate chunk');
  const cut = 100_001;
  const { recs, error, summary } = await collect(Buffer.concat([gzipSync(p.subarray(0, cut)), gzipSync(p.subarray(cut))]));
  assert.equal(error, null);
  assert.equal(summary.pages, 1);
  assert.equal(recs.length, 3000);
  assert.equal(recs[2999]!.path, many[2999]![0]);
});

test('damage: records before it are kept, then a located ParseError', async () => {
  const good = page(2, [['a', 1n, 1, 1n], ['b', 2n, 1, 2n]]);
  const cases: [string, Uint8Array, RegExp, number][] = [
    ['not gzip', good, /gzip magic/, 0],
    ['gzip cut short', gzipSync(Buffer.concat([good, good])).subarray(0, 30), /does not inflate|truncated|last DLS page/, 0],
    ['unknown page signature', gzipSync(Buffer.concat([good, page(2, [['c', 3n, 1, 3n]], '9SLD')])), /DLS page signature "9SLD"/, 2],
    ['page size below its header', gzipSync(Buffer.concat([good, Buffer.from('2SLD\0\0\0\0\x04\0\0\0', 'latin1')])), /DLS page size 4/, 2],
    ['page size over the cap', gzipSync(Buffer.concat([good, Buffer.from('2SLD\0\0\0\0\0\0\0\x7f', 'latin1')])), /exceeds a limit/, 2],
    ['page cut short', gzipSync(Buffer.concat([good, good.subarray(0, good.length - 3)])), /last DLS page/, 2],
    ['path without NUL', gzipSync(Buffer.concat([good, Buffer.from('2SLD\0\0\0\0\x0f\0\0\0abc', 'latin1')])), /DLS record path \(no NUL before the page end\)/, 2],
    ['record tail past the page end', gzipSync((() => { const b = Buffer.from(good.subarray(0, good.length - 4)); b.writeUInt32LE(b.length, 8); return b; })()), /DLS record fields/, 1],
  ];
  for (const [name, bytes, why, kept] of cases) {
    const { recs, error } = await collect(bytes);
    assert.ok(error instanceof ParseError, `${name}: ${String(error)}`);
    assert.match(error.message, why, name);
    assert.equal(recs.length, kept, name);
  }
});

test('caps: inflated bytes and record count stop the read with limit-exceeded', async () => {
  const p = page(2, Array.from({ length: 100 }, (_, i) => [`p${i}`, BigInt(i), 1, 0n] as [string, bigint, number, bigint]));
  const bomb = gzipSync(Buffer.concat(Array.from({ length: 2000 }, () => p)));
  assert.ok(bomb.length < 100_000 && p.length * 2000 > 2_000_000);
  const a = await collect(bomb, { maxDecompressedBytes: 1_000_000 });
  assert.ok(a.error instanceof ParseError && a.error.code === 'limit-exceeded', String(a.error));
  assert.ok(a.summary.decompressedBytes <= 1_000_000 + 64 * 1024, 'stops within one inflate chunk of the cap');
  const b = await collect(gzipSync(p), { maxRecords: 10 });
  assert.ok(b.error instanceof ParseError && /fseventsd records/.test(b.error.message));
  assert.equal(b.recs.length, 10);
});

test('an aborted scan stops the read with AbortError, not ParseError', async () => {
  const ac = new AbortController();
  ac.abort();
  const { error } = await collect(gzipSync(page(2, [['a', 1n, 1, 1n]])), { signal: ac.signal });
  assert.ok(error instanceof Error && error.name === 'AbortError', String(error));
});

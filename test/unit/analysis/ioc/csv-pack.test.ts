import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIocFile, parseIocText, IocFormatError } from '../../../../electron/analysis/ioc/index.js';
import { readCsv } from '../../../../electron/analysis/ioc/csv.js';

const S256 = '7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896';

function rejects(text: string, line: number | null, message: string | RegExp, file = 'pack.csv'): void {
  assert.throws(() => parseIocText(text, file), (e: unknown) => {
    assert.ok(e instanceof IocFormatError, String(e));
    assert.equal(e.file, file);
    assert.equal(e.line, line);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('CSV reader: BOM, CRLF, quoted commas/quotes/newlines, blank and comment lines, 1-based lines', () => {
  const text = '\uFEFFtype,value,description\r\n# a comment, with "quotes\r\n\r\n   \r\nsha256,AB,"x, ""y"""\r\nmd5,"multi\nline",z\nurl,u,\r"last",x,y';
  const recs = [...readCsv(text)];
  assert.deepEqual(recs, [
    { line: 1, fields: ['type', 'value', 'description'] },
    { line: 5, fields: ['sha256', 'AB', 'x, "y"'] },
    { line: 6, fields: ['md5', 'multi\nline', 'z'] },
    { line: 8, fields: ['url', 'u', ''] },
    { line: 9, fields: ['last', 'x', 'y'] },
  ]);
});

test('CSV pack: every type, refanged and lowercased, with descriptions and lines', () => {
  const text = [
    '\uFEFFtype,value,description',
    '# from the Sophos list',
    `sha256,${S256.toUpperCase()},"ffmpeg.dll, 18.12.416 (""trojanized"")"`,
    'sha1,bf939c9c261d27ee7bb92325cc588624fca75429,',
    'md5,74bc2d0b6680faa1a5a76b27e5479cbc',
    '',
    'domain,Evil-C2[.]example,C2',
    'url,hxxps[:]//evil-c2[.]example/Path/To,path kept as published',
  ].join('\r\n');
  const pack = parseIocText(text, 'extra.csv');
  assert.deepEqual(pack.hashes.map((h) => [h.algorithm, h.value, h.line, h.notes]), [
    ['sha256', S256, 3, 'ffmpeg.dll, 18.12.416 ("trojanized")'],
    ['sha1', 'bf939c9c261d27ee7bb92325cc588624fca75429', 4, null],
    ['md5', '74bc2d0b6680faa1a5a76b27e5479cbc', 5, null],
  ]);
  assert.deepEqual(pack.network.map((n) => [n.kind, n.value, n.role, n.line]), [
    ['domain', 'evil-c2.example', 'malicious', 7],
    ['url', 'https://evil-c2.example/Path/To', 'malicious', 8],
  ]);
  for (const i of [...pack.hashes, ...pack.network]) {
    assert.equal(i.pack, 'extra.csv');
    assert.deepEqual(i.sources, ['extra.csv']);
  }
});

test('CSV pack: columns may come in any order and the description column is optional', () => {
  const pack = parseIocText(`value,type\n${S256},sha256\n`, 'p.csv');
  assert.equal(pack.hashes[0]?.value, S256);
  const dup = parseIocText(`type,value\nsha256,${S256}\nsha256,${S256.toUpperCase()}\n`, 'p.csv');
  assert.equal(dup.hashes.length, 1, 'identical duplicates merge');
});

test('CSV pack: each bad line is an IocFormatError naming file, line and value', () => {
  const short = S256.slice(0, 63);
  rejects(`type,value,description\n\n# c\n\n\n\nsha256,${short},x\n`, 7, `pack.csv:7: sha256 value "${short}" has 63 hex digits (need 64)`);
  rejects(`type,value,description\nsha256,256${S256},osquery\n`, 2, `pack.csv:2: sha256 value "256${S256}" has 67 hex digits (need 64)`);
  rejects('type,value,description\nmd5,zz,x\n', 2, 'pack.csv:2: md5 value "zz" is not hex');
  rejects('type,value,description\nipv4,1.2.3.4,x\n', 2, 'pack.csv:2: unknown type "ipv4" (need one of sha256, sha1, md5, domain, url)');
  rejects('type,value,description\ndomain,akamaitechcloud services [.]com,seed typo\n', 2, 'pack.csv:2: domain "akamaitechcloud services [.]com" contains whitespace');
  rejects('type,value,description\nurl,evil.com/x,x\n', 2, /url "evil\.com\/x" must start with http:\/\/ or https:\/\//);
  rejects('type,value,description\nsha1,,x\n', 2, 'pack.csv:2: sha1 value is empty');
  rejects('type,value,description\nsha256,abc,a,b\n', 2, 'pack.csv:2: expected 3 fields, found 4 (quote a description that contains commas)');
  rejects('type,value,description\nsha256,"abc\n', 2, 'pack.csv:2: quoted field is never closed');
  rejects('type,value,description\nmd5,"abc"x,y\n', 2, /^pack\.csv:2: unexpected "x" after a closing quote/);
  rejects(`type,value,description\nsha256,${S256},a\nsha1,${S256},b\n`, 3, /sha1 value ".*" has 64 hex digits \(need 40\)/);
  rejects('kind,value\n', 1, /^pack\.csv:1: header column "kind" is not one of type, value, description/);
  rejects('value,description\n', 1, 'pack.csv:1: the header must be type,value,description');
  rejects('# only a comment\n\n', null, 'pack.csv: empty pack: no `type,value,description` header');
});

test('JSON pack (same schema as the bundle): errors name file, JSON path and line', () => {
  const good = {
    schema: '3cx-triage/ioc-pack@1', name: 'lab pack', version: '1',
    hashes: [{ algorithm: 'sha256', value: S256, sources: ['lab'] }],
    network: [{ kind: 'domain', value: 'evil-c2.example', role: 'malicious', sources: ['lab'] }],
  };
  const ok = parseIocText(JSON.stringify(good, null, 2), 'lab.json');
  assert.equal(ok.hashes[0]?.pack, 'lab.json');
  assert.equal(ok.hashes[0]?.confidence, 'medium');
  assert.equal(ok.network[0]?.value, 'evil-c2.example');

  const bad = structuredClone(good);
  bad.hashes[0]!.value = S256.slice(1);
  const text = JSON.stringify(bad, null, 2);
  assert.throws(() => parseIocText(text, 'lab.json'), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.equal(e.jsonPath, '$.hashes[0].value');
    assert.equal(e.line, 8);
    assert.equal(text.split('\n')[7]?.trim().startsWith('"value"'), true);
    assert.match(e.message, /^lab\.json:8: \$\.hashes\[0\]\.value: sha256 value ".*" has 63 hex digits \(need 64\)$/);
    return true;
  });
  const typo = JSON.stringify({ ...good, network: [{ kind: 'domain', value: 'evil-c2.example', role: 'evil', sources: ['lab'] }] }, null, 2);
  assert.throws(() => parseIocText(typo, 'lab.json'), /^IocFormatError: lab\.json:\d+: \$\.network\[0\]\.role: /);
  const extraKey = JSON.stringify({ ...good, hashs: [] });
  assert.throws(() => parseIocText(extraKey, 'lab.json'), /lab\.json:1: \$: .*hashs/);
  assert.throws(() => parseIocText('{\n  "schema": "x"\n  "name": 1}', 'lab.json'), /^IocFormatError: lab\.json:3: not valid JSON/);
  assert.throws(() => parseIocText('{\n  "schema": \n}', 'lab.json'), /^IocFormatError: lab\.json: not valid JSON: Unexpected token/);
  const badSha = JSON.stringify({ ...good, sha256: '0'.repeat(64) });
  assert.throws(() => parseIocText(badSha, 'lab.json'), /\$\.sha256: content hash is [0-9a-f]{64} but the pack says 0{64}/);
});

test('loadIocFile reads from disk, detects the format by content, and refuses non-UTF-8', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-pack-'));
  const csv = join(dir, 'pack.json'); // a misleading name: content decides
  await writeFile(csv, `type,value,description\r\nsha256,${S256},x\r\n`);
  const pack = await loadIocFile(csv);
  assert.equal(pack.hashes[0]?.pack, csv);
  const bin = join(dir, 'bin.csv');
  await writeFile(bin, Buffer.from([0x74, 0x79, 0xff, 0xfe, 0x00]));
  await assert.rejects(loadIocFile(bin), /bin\.csv: not UTF-8 text/);
  await assert.rejects(loadIocFile(join(dir, 'missing.csv')), (e: unknown) => e instanceof IocFormatError && e.line === null && /cannot read/.test(e.message));
  await assert.rejects(loadIocFile(dir), /not a regular file/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBundle } from '../../../../electron/analysis/ioc/build.js';
import { sha256Hex } from '../../../../electron/analysis/ioc/load.js';
import { checkDomain, checkHash, checkUrl, refang, IocFormatError } from '../../../../electron/analysis/ioc/index.js';
import { ASSETS } from './paths.js';

// c485674e… (ffmpeg.dll, 18.12.407) and the malformed 67-character form in Sophos' osquery
const FFMPEG = 'c485674ee63ec8d4e8fde9800788175a8b02d3f9416d0e763360fff7f8eb4e02';
const OSQUERY_TYPO = `256${FFMPEG}`;

function row(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sha256: FFMPEG, sha1: null, md5: null, fileName: 'ffmpeg.dll', platform: 'windows', version: '18.12.407',
    stage: 'stage 1 loader', source: ['Sophos'], confidence: 'high', notes: null, ...over,
  };
}
function net(domain: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    domain, urls: [], stage: 'C2', role: 'malicious', source: ['CrowdStrike'], confidence: 'high', notes: null,
    domainDefanged: domain.replaceAll('.', '[.]'), ...over,
  };
}
function research(hashes: unknown[], network: unknown[] = []): string {
  // pretty-printed like the real file, so line numbers are meaningful
  return JSON.stringify({ meta: { sources: {} }, products: [], hashes, cleanReferenceHashes: [], network }, null, 1);
}
async function build(text: string) {
  return buildBundle({
    sourceText: text, sourceFile: '/x/3cx-iocs.json', version: 't',
    doNotFlagText: await readFile(join(ASSETS, 'ioc', 'do-not-flag.json'), 'utf8'), doNotFlagFile: 'do-not-flag.json', sha256: sha256Hex,
  });
}
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

test('hashes: hex only, exact length per algorithm, the value named in the message', () => {
  assert.deepEqual(checkHash('sha256', ` ${FFMPEG.toUpperCase()} `), { ok: true, value: FFMPEG });
  const typo = checkHash('sha256', OSQUERY_TYPO);
  assert.equal(typo.ok, false);
  assert.ok(!typo.ok && typo.message === `sha256 value "${OSQUERY_TYPO}" has 67 hex digits (need 64)`);
  const sha1AsSha256 = checkHash('sha256', 'bf939c9c261d27ee7bb92325cc588624fca75429');
  assert.ok(!sha1AsSha256.ok && /has 40 hex digits \(need 64\)/.test(sha1AsSha256.message));
  const notHex = checkHash('md5', '74bc2d0b6680faa1a5a76b27e5479cbg');
  assert.ok(!notHex.ok && /md5 value "74bc2d0b6680faa1a5a76b27e5479cbg" is not hex/.test(notHex.message));
  assert.equal(checkHash('md5', '74bc2d0b6680faa1a5a76b27e5479cbc').ok, true);
  assert.equal(checkHash('sha1', '0x' + 'a'.repeat(38)).ok, false);
  assert.equal(checkHash('sha256', FFMPEG.toUpperCase(), true).ok, false, 'strict mode refuses uppercase');
});

test('domains: spaces, defanging, URLs and junk are refused; refanging works', () => {
  const spaced = checkDomain('akamaitechcloud services [.]com');
  assert.ok(!spaced.ok && spaced.message === 'domain "akamaitechcloud services [.]com" contains whitespace');
  assert.deepEqual(checkDomain(' MsEdgeUpdate[.]NET. '), { ok: true, value: 'msedgeupdate.net' });
  const defanged = checkDomain('sbmsa[.]wiki', true);
  assert.ok(!defanged.ok && /is defanged; store it refanged \("sbmsa\.wiki"\)/.test(defanged.message));
  assert.ok(!checkDomain('sbmsa[]iki').ok, 'the Sigma first-commit typo is not a hostname');
  assert.ok(!checkDomain('Evil.com', true).ok);
  assert.ok(!checkDomain('evil').ok);
  assert.ok(!checkDomain('-evil.com').ok);
  assert.ok(!checkDomain('evil..com').ok);
  assert.ok(!checkDomain('evil.c0m').ok);
  const url = checkDomain('https://evil.com/x');
  assert.ok(!url.ok && /looks like a URL/.test(url.message));
  assert.equal(refang('hxxps[:]//journalide[.]org/djour[.]php'), 'https://journalide.org/djour.php');
});

test('URLs: must parse, keep their path, lowercase scheme and host only', () => {
  assert.deepEqual(checkUrl('hxxps://Raw.GitHubUserContent[.]com/IconStorages/images/main/icon%d.ico'), {
    ok: true, value: 'https://raw.githubusercontent.com/IconStorages/images/main/icon%d.ico',
  });
  assert.equal(checkUrl('https://msedgeupdate.net/Windows', true).ok, true);
  assert.ok(!checkUrl('ftp://evil.com/').ok);
  assert.ok(!checkUrl('https://evil .com/').ok);
  assert.ok(!checkUrl('https://ev!l.com/').ok);
  assert.ok(!checkUrl('https://').ok);
  assert.ok(!checkUrl('HTTPS://evil.com/a', true).ok);
  assert.equal(checkUrl('http://10.0.0.1:8080/x').ok, true);
});

test('build: a 67-character hash stops the build, naming value, JSON path and line', async () => {
  const text = research([row(), row({ sha256: OSQUERY_TYPO, fileName: 'osquery copy' })]);
  await assert.rejects(build(text), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.equal(e.file, '/x/3cx-iocs.json');
    assert.equal(e.jsonPath, '$.hashes[1].sha256');
    assert.equal(e.line, lineOf(text, OSQUERY_TYPO));
    assert.equal(e.message, `/x/3cx-iocs.json:${e.line}: $.hashes[1].sha256: sha256 value "${OSQUERY_TYPO}" has 67 hex digits (need 64)`);
    return true;
  });
});

test('build: a domain with spaces, a defanged domain, and msedge.com are refused by name', async () => {
  await assert.rejects(build(research([row()], [net('akamaitechcloud services.com')])), /\$\.network\[0\]\.domain: domain "akamaitechcloud services\.com" contains whitespace/);
  await assert.rejects(build(research([row()], [net('sbmsa[.]wiki')])), /domain "sbmsa\[\.\]wiki" is defanged/);
  await assert.rejects(build(research([row()], [net('msedge.com', { urls: ['https://msedge.com/Windows'] })])), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.match(e.message, /malicious domain "msedge\.com" is on the do-not-flag list \(msedge\.com: mistranscription/);
    return true;
  });
  await assert.rejects(build(research([row()], [net('msedgeupdate.net', { domainDefanged: 'msedge[.]com' })])), /"msedge\[\.\]com" does not refang to the domain "msedgeupdate\.net"/);
});

test('build: conflicting duplicates are errors; identical ones merge their sources', async () => {
  const asSha1 = research([row({ sha256: null, sha1: 'bf939c9c261d27ee7bb92325cc588624fca75429' }), row({ sha256: null, sha1: null, cdhash: 'bf939c9c261d27ee7bb92325cc588624fca75429' })]);
  await assert.rejects(build(asSha1), /\$\.hashes\[1\]\.cdhash: cdhash bf939c9c261d27ee7bb92325cc588624fca75429 is also listed as a file hash/);
  const roles = research([row()], [net('evil-c2.com'), net('evil-c2.com', { role: 'benign-decoy' })]);
  await assert.rejects(build(roles), /\$\.network\[1\]: domain evil-c2\.com is listed as malicious \(3CX 2023 built-in\) and as benign-decoy/);
  const merged = await build(research([row(), row({ source: ['Elastic', 'Sophos'] })], [net('evil-c2.com'), net('evil-c2.com', { source: ['Volexity'] })]));
  assert.equal(merged.hashes?.length, 1);
  assert.deepEqual(merged.hashes?.[0]?.sources, ['Sophos', 'Elastic']);
  assert.deepEqual(merged.network?.[0]?.sources, ['CrowdStrike', 'Volexity']);
});

test('build: a row without any hash is refused', async () => {
  await assert.rejects(build(research([row({ sha256: null })])), /\$\.hashes\[0\]: row has no sha256, sha1, md5 or cdhash/);
});

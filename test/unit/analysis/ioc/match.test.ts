import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findNetworkIndicators,
  loadBuiltinIocs,
  matchHashes,
  parseIocText,
  versionStatus,
  withExtras,
  IocFormatError,
  type IocSet,
} from '../../../../electron/analysis/ioc/index.js';
import { ASSETS } from './paths.js';

let cached: IocSet | null = null;
async function builtin(): Promise<IocSet> {
  cached ??= await loadBuiltinIocs(ASSETS);
  return cached;
}

test('matchHashes: by SHA-256, SHA-1 and MD5 (ffmpeg.dll 18.12.416), any case, only the right algorithm', async () => {
  const set = await builtin();
  const digests = {
    sha256: '7986BBAEE8940DA11CE089383521AB420C443AB7B15ED42AED91FD31CE833896',
    sha1: 'bf939c9c261d27ee7bb92325cc588624fca75429',
    md5: ' 74bc2d0b6680faa1a5a76b27e5479cbc ',
  };
  for (const algorithm of ['sha256', 'sha1', 'md5'] as const) {
    const hits = matchHashes(set, { [algorithm]: digests[algorithm] });
    assert.equal(hits.length, 1, algorithm);
    assert.equal(hits[0]?.algorithm, algorithm);
    assert.equal(hits[0]?.fileName, 'ffmpeg.dll');
    assert.equal(hits[0]?.confidence, 'high');
  }
  assert.deepEqual(matchHashes(set, digests).map((h) => h.algorithm), ['sha256', 'sha1', 'md5']);
  // the d3dcompiler_47.dll carrier (11be1803…) by SHA-256
  assert.equal(matchHashes(set, { sha256: '11be1803e2e307b647a8a7e02d128335c448ff741bf06bf52b332e0bbf423b03' })[0]?.fileName, 'd3dcompiler_47.dll');
  // a SHA-1 value offered as an MD5 or SHA-256 never matches, nor does Element's legitimate d3dcompiler_47.dll
  assert.deepEqual(matchHashes(set, { md5: digests.sha1, sha256: digests.sha1 }), []);
  assert.deepEqual(matchHashes(set, { sha256: '5653bc7b0e2701561464ef36602ff6171c96bffe96e4c3597359cd7addcba88a' }), []);
  assert.equal(set.cleanReferences?.[0]?.value, '5653bc7b0e2701561464ef36602ff6171c96bffe96e4c3597359cd7addcba88a');
  assert.deepEqual(matchHashes(set, {}), []);
});

test('versionStatus: platform-specific, four-component versions normalised', async () => {
  const set = await builtin();
  const s = (p: 'windows' | 'macos', v: string | null) => versionStatus(set, p, v);
  assert.equal(s('windows', '18.11.1213').status, 'clean');
  assert.equal(s('macos', '18.11.1213').status, 'trojanized');
  assert.deepEqual({ ...s('windows', '18.12.416.0'), rule: null }, { status: 'trojanized', normalized: '18.12.416', rule: null });
  assert.equal(s('windows', '18.12.416.0').rule?.platform, 'windows');
  assert.ok((s('windows', '18.12.416.0').rule?.sources.length ?? 0) > 0);
  assert.equal(s('windows', ' v18.12.407 ').status, 'trojanized');
  assert.equal(s('macos', '18.12.402').status, 'trojanized');
  assert.equal(s('windows', '18.12.402').status, 'unknown', 'no Windows 18.12.402 build was listed');
  assert.equal(s('windows', '18.12.422.0').status, 'fixed');
  assert.equal(s('windows', '18.12.425').status, 'fixed');
  assert.equal(s('macos', '18.12.425').status, 'unknown');
  assert.equal(s('macos', '18.10.461').status, 'clean');
  assert.equal(s('windows', '18.012.0416').normalized, '18.12.416');
  assert.deepEqual(s('windows', 'garbage'), { status: 'unknown', normalized: null, rule: null });
  assert.deepEqual(s('windows', null), { status: 'unknown', normalized: null, rule: null });
  assert.equal(s('windows', '18.12.4160').status, 'unknown');
  assert.equal(s('windows', '118.12.416').status, 'unknown');
});

function found(set: IocSet, text: string): string[] {
  return findNetworkIndicators(set, text).map((h) => `${h.indicator.kind}:${h.indicator.value}@${h.index}=${h.match}`);
}

test('findNetworkIndicators: host boundaries, case-insensitive, subdomains', async () => {
  const set = await builtin();
  assert.deepEqual(found(set, 'GET azuredeploystore.com'), ['domain:azuredeploystore.com@4=azuredeploystore.com']);
  assert.deepEqual(found(set, 'dns www.AzureDeployStore.COM:443 ok'), ['domain:azuredeploystore.com@4=www.AzureDeployStore.COM']);
  assert.deepEqual(found(set, 'sbmsa.wiki.'), ['domain:sbmsa.wiki@0=sbmsa.wiki']);
  for (const miss of ['notazuredeploystore.com', 'azuredeploystore.com.au', 'my-azuredeploystore.com', 'azuredeploystore.community', 'x_azuredeploystore.com', 'azuredeploystore-com', 'sbmsa.wikipedia.org']) {
    assert.deepEqual(found(set, `host=${miss};`), [], miss);
  }
  const url = findNetworkIndicators(set, '"https://msedgeupdate.net/Windows" x');
  assert.deepEqual(url.map((h) => [h.indicator.kind, h.index, h.match]), [
    ['url', 1, 'https://msedgeupdate.net/Windows'],
    ['domain', 9, 'msedgeupdate.net'],
  ]);
  assert.deepEqual(found(set, 'https://msedgeupdate.net/WindowsUpdate').filter((h) => h.startsWith('url')), []);
});

test('findNetworkIndicators: decoys and legitimate services only through the malicious path', async () => {
  const set = await builtin();
  // the icon0 decoy URL and the legitimate hosts alone are never hits
  assert.deepEqual(found(set, 'https://www.3cx.com/blog/event-trainings/ and www.3cx.com'), []);
  assert.deepEqual(found(set, 'https://raw.githubusercontent.com/electron/electron/main/README.md github.com'), []);
  assert.deepEqual(found(set, 'https://www.tradingtechnologies.com/ download.tradingtechnologies.com'), []);
  assert.deepEqual(found(set, 'https://raw.githubusercontent.com/IconStorages/images/main/icon'), []);
  // the dead drop: the published `icon%d.ico` URL matches any icon number
  assert.deepEqual(found(set, 'GET https://raw.githubusercontent.com/IconStorages/images/main/icon12.ico 200'), [
    'url:https://raw.githubusercontent.com/IconStorages/images/main/icon%d.ico@4=https://raw.githubusercontent.com/IconStorages/images/main/icon12.ico',
  ]);
  assert.deepEqual(found(set, 'github.com/iconstorages/images'), ['url:https://github.com/IconStorages/images@0=github.com/iconstorages/images']);
  assert.deepEqual(found(set, 'https://www.tradingtechnologies.com/trading/order-management?id=1').length, 1);
  assert.deepEqual(found(set, 'https://notgithub.com/IconStorages/images'), []);
});

test('withExtras: packs add indicators; contradictions and do-not-flag hosts name the file and line', async () => {
  const base = await builtin();
  const extra = parseIocText(
    'type,value,description\nsha256,7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896,also ours\ndomain,lab-c2.example,lab\n',
    'lab.csv',
  );
  const set = withExtras(base, [{ path: 'lab.csv', ...extra }]);
  assert.deepEqual(set.extra, ['lab.csv']);
  assert.equal(set.sha256, base.sha256);
  assert.deepEqual(matchHashes(set, { sha256: '7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896' }).map((h) => h.pack), ['3CX 2023 built-in', 'lab.csv']);
  assert.deepEqual(found(set, 'lab-c2.example'), ['domain:lab-c2.example@0=lab-c2.example']);
  assert.deepEqual(found(base, 'lab-c2.example'), [], 'the base set is not modified');

  const bad = (text: string) => () => withExtras(base, [{ path: 'x.csv', ...parseIocText(`type,value,description\n\n${text}\n`, 'x.csv') }]);
  assert.throws(bad('domain,msedge[.]com,seed article'), (e: unknown) => {
    assert.ok(e instanceof IocFormatError);
    assert.equal(e.line, 3);
    assert.match(e.message, /^x\.csv:3: malicious domain "msedge\.com" is on the do-not-flag list \(msedge\.com: mistranscription/);
    return true;
  });
  assert.throws(bad('url,hxxps://msedge[.]com/Windows,seed'), /^IocFormatError: x\.csv:3: malicious url "https:\/\/msedge\.com\/Windows" is on the do-not-flag list/);
  assert.throws(bad('domain,downloads-global.3cx.com,no'), /x\.csv:3: malicious domain "downloads-global\.3cx\.com" is on the do-not-flag list/);
  assert.throws(bad('domain,raw.githubusercontent.com,no'), /x\.csv:3: malicious domain "raw\.githubusercontent\.com" is on the do-not-flag list/);
  assert.throws(bad('domain,od.lk,no'), /x\.csv:3: domain od\.lk is listed as legitimate-service-abused \(3CX 2023 built-in\) and as malicious/);
  // a malicious URL path on a legitimate service is allowed (that is how the dead drop is listed)
  assert.doesNotThrow(bad('url,https://raw.githubusercontent.com/SomeOtherDrop/x,lab'));
});

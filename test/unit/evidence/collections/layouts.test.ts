import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { detectEvidence } from '../../../../electron/evidence/detect.js';
import { openArchiveEvidence, openArchiveRef, setArchiveOptions, type CollectionEvidence } from '../../../../electron/evidence/loaders/archive.js';
import { walkFiles } from '../../../../electron/evidence/loaders/collection.js';
import { readAll } from '../../../../electron/io/reader.js';
import { collections, fsListing, sourceListing, type Listing } from './fixture.js';

let dir = '';
before(() => {
  dir = collections();
});

async function open(name: string): Promise<CollectionEvidence> {
  const p = join(dir, name);
  return openArchiveEvidence(p, 'E1', await detectEvidence(p));
}

const win = (): Listing => sourceListing(join(dir, 'hosts', 'win-compromised'));
const mac = (): Listing => sourceListing(join(dir, 'hosts', 'mac-compromised'));
const D3D = '/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/d3dcompiler_47.dll';

function without(l: Listing, ...paths: string[]): Listing {
  const c = new Map(l);
  for (const p of paths) c.delete(p);
  return c;
}

async function sameFiles(ev: CollectionEvidence, expected: Listing[], labels: (string | null)[]): Promise<void> {
  assert.equal(ev.hosts.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const h = ev.hosts.find((x) => x.label === labels[i]) ?? assert.fail(`no host labelled ${labels[i]}`);
    assert.deepEqual(Object.fromEntries(await fsListing(h.fs)), Object.fromEntries(expected[i]!));
  }
}

test('Velociraptor: auto + ntfs merged onto C:, escaped names decoded, host from client_info, hashed-not-collected exposed', async () => {
  const ev = await open('vr-win.zip');
  assert.equal(ev.item.layout, 'velociraptor');
  await sameFiles(ev, [without(win(), D3D)], ['WIN-3CX-01']);
  const h = ev.hosts[0]!;
  assert.ok(await h.fs.stat('/Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx'));
  const notCollected = ev.collectorHashes().filter((x) => !x.collected);
  assert.deepEqual(notCollected.map((x) => x.path), [D3D]);
  assert.equal(notCollected[0]!.sha256, win().get(D3D)!.sha256);
  assert.match(notCollected[0]!.source, /results\/Windows\.Triage\.Targets%2FUploads\.json row \d+/);
  const manifest = await h.fs.stat('/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/manifest');
  assert.equal(manifest!.modified, '2023-03-21T08:30:00.000Z'); // from the results row, not the ZIP header
  assert.ok(h.coverage.some((c) => c.includes('ExcludeSigned')));
  await ev.close();
});

test('Velociraptor macOS: %2E-escaped hidden files come back as .main_storage', async () => {
  const ev = await open('vr-mac.zip');
  await sameFiles(ev, [mac()], ['MAC-3CX-01']);
  assert.ok(await ev.hosts[0]!.fs.stat('/Users/alice/Library/Application Support/3CX Desktop App/.main_storage'));
  await ev.close();
});

test('KAPE: C/ is the volume, VSS1 is an extra view, copy-log SHA-1 and original UTC times win over copy times', async () => {
  const ev = await open('kape-win.zip');
  assert.equal(ev.item.layout, 'kape');
  await sameFiles(ev, [win()], [null]);
  const h = ev.hosts[0]!;
  assert.deepEqual(h.extraViews.map((v) => v.label), ['shadow copy 1']);
  const exe = await h.fs.stat('/Users/alice/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe');
  assert.equal(exe!.modified, '2023-03-20T09:12:00.000Z');
  const hashes = h.collectorHashes();
  assert.equal(hashes.length, win().size);
  const sha1 = createHash('sha1');
  const r = await h.fs.open('/Users/alice/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll');
  sha1.update(await readAll(r, 1 << 24));
  await r.close();
  assert.equal(hashes.find((x) => x.path.endsWith('/app/ffmpeg.dll'))!.sha1, sha1.digest('hex'));
  await ev.close();
});

test('CyLR: drive folder with mixed / and \\ member names; times flagged as local time without zone', async () => {
  const ev = await open('cylr-win.zip');
  assert.equal(ev.item.layout, 'cylr');
  await sameFiles(ev, [win()], [null]);
  const e = (await ev.hosts[0]!.fs.stat('/Users/alice/AppData/Roaming/3CXDesktopApp/config.json')) as { timeBasis?: string } | null;
  assert.equal(e!.timeBasis, 'local-no-zone');
  await ev.close();
});

test('UAC tar.gz: [root] stripped, bodyfile times, MD5/SHA-1 hash lists incl. files not collected', async () => {
  const ev = await open('uac-mac.tar.gz');
  assert.equal(ev.item.layout, 'uac');
  await sameFiles(ev, [mac()], ['mac-3cx-01']);
  const h = ev.hosts[0]!;
  const dylib = [...mac().keys()].find((p) => p.endsWith('libffmpeg.dylib'))!;
  assert.equal((await h.fs.stat(dylib))!.modified, '2023-03-13T06:41:52.000Z');
  const hashes = h.collectorHashes();
  assert.ok(hashes.some((x) => x.path === dylib && x.md5 && x.collected));
  assert.ok(hashes.some((x) => x.path === dylib && x.sha1));
  assert.ok(hashes.some((x) => x.path === '/Applications/Other.app/Contents/MacOS/Other' && !x.collected));
  await ev.close();
});

test('Aftermath: flattened copies mapped back to original paths through metadata.csv', async () => {
  const ev = await open('aftermath-mac.zip');
  assert.equal(ev.item.layout, 'aftermath');
  await sameFiles(ev, [sourceListing(join(dir, 'hosts', 'mac-compromised'), 'Users/alice/Library/Application Support/3CX Desktop App')], ['C02TEST0001']);
  await ev.close();
});

test('plain ZIP and tar of a folder tree; a ZIP holding two collections is two hosts', async () => {
  const z = await open('plain-win.zip');
  assert.equal(z.item.layout, 'plain');
  await sameFiles(z, [win()], ['win-compromised']);
  await z.close();
  const t = await open('plain-mac.tar');
  await sameFiles(t, [mac()], ['mac-compromised']);
  await t.close();
  const fleet = await open('fleet.zip');
  assert.equal(fleet.item.layout, 'velociraptor');
  await sameFiles(fleet, [without(win(), D3D), mac()], ['WIN-3CX-01', 'MAC-3CX-01']);
  await fleet.close();
});

test('zip64 and ZipCrypto-protected collections (with --password) read the same; without it, a named error', async () => {
  const z64 = await open('vr-win-zip64.zip');
  await sameFiles(z64, [without(win(), D3D)], ['WIN-3CX-01']);
  await z64.close();
  const locked = await open('vr-win-password.zip');
  assert.ok(locked.item.errors.some((e) => /encrypted.*--password/.test(e.message)));
  await locked.close();
  setArchiveOptions({ password: 'infected' });
  try {
    const ev = await open('vr-win-password.zip');
    await sameFiles(ev, [without(win(), D3D)], ['WIN-3CX-01']);
    await ev.close();
  } finally {
    setArchiveOptions({ password: undefined as unknown as string });
  }
});

test('an EvidenceRef re-opens the same bytes in any process: zip, nested zip, tar.gz', async () => {
  for (const name of ['vr-win.zip', 'fleet.zip', 'uac-mac.tar.gz', 'kape-win.zip']) {
    const ev = await open(name);
    for (const h of ev.hosts) {
      for await (const e of walkFiles(h.fs)) {
        const a = await h.fs.open(e.path);
        const b = await openArchiveRef({ evidenceId: 'E1', path: e.path, chain: h.fs.layersFor(e.path) });
        assert.deepEqual(await readAll(b, 1 << 24), await readAll(a, 1 << 24), `${name}:${e.path}`);
        await a.close();
        await b.close();
      }
    }
    await ev.close();
  }
});

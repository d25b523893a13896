/**
 * App-file records of the macOS bundle and support-folder plugins carry the CMS signer and the
 * signing / timestamp times (code-signing.ts) over a tree from make-signed-mac.py.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { FolderFilesystem } from '../../../../electron/evidence/filesystems/folder.js';
import { FsTarget } from '../../../../electron/evidence/target.js';
import { runPlugins } from '../../../../electron/artefacts/runner.js';
import { macosAppBundles } from '../../../../electron/artefacts/macos/app-bundles.js';
import { macosSupportFolder } from '../../../../electron/artefacts/macos/support-folder.js';
import type { MachoSigningFacts } from '../../../../electron/artefacts/macos/code-signing.js';
import type { AppFileRecord } from '../../../../electron/artefacts/records.js';
import { makeMac } from '../../formats/macho/mac-fixture.js';
import { makeSignedMac, SIGNED_SKIP } from '../../formats/macho/signed-fixture.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function appFiles(root: string): Promise<Map<string, AppFileRecord & { macho?: MachoSigningFacts }>> {
  const target = await FsTarget.create('E1', await FolderFilesystem.open(root));
  const out = await runPlugins(target, [macosAppBundles, macosSupportFolder]);
  assert.deepEqual(out.issues, []);
  const files = out.records.filter((r): r is AppFileRecord => r.type === 'app-file');
  return new Map(files.map((f) => [f.role, f as AppFileRecord & { macho?: MachoSigningFacts }]));
}

test('Developer ID signed bundle: signing time, Apple timestamp and team OU on the app-file records', { skip: SIGNED_SKIP }, async () => {
  const f = makeSignedMac(['--update-agent', '--main-storage-time', '2023-03-22T09:15:00Z']);
  dirs.push(f.root);
  const files = await appFiles(f.root);
  for (const role of ['mac-main', 'libffmpeg'] as const) {
    const m = files.get(role)?.macho;
    assert.ok(m, role);
    assert.equal(m.signature, 'cms', role);
    assert.equal(m.signingTime, '2023-03-13T06:41:52.000Z', role);
    assert.equal(m.timestampTime, '2023-03-13T06:41:52.512Z', role);
    assert.deepEqual(m.signer, {
      subject: 'C=US, O=3CX, OU=33CF4654HL, CN=Developer ID Application: 3CX (33CF4654HL)',
      commonName: 'Developer ID Application: 3CX (33CF4654HL)',
      teamId: '33CF4654HL',
      serialHex: '3CF4654A',
      issuer: 'O=3CX Triage tests, CN=Triage Test Developer ID CA',
    }, role);
    assert.equal(m.sliceSigningTimes, undefined, `${role}: slices agree`);
    assert.equal(m.signatureProblems, undefined, role);
  }
  const ua = files.get('update-agent')?.macho;
  assert.equal(ua?.signature, 'no-cms', 'UpdateAgent is ad-hoc signed: no signer, no time');
  assert.equal(ua?.signingTime, null);
  assert.equal(ua?.signer, null);
});

test('empty CMS wrapper: no signer and no time, not a failure', async () => {
  const f = makeMac([]);
  if (!f) return;
  dirs.push(f.root);
  const m = (await appFiles(f.root)).get('mac-main')?.macho;
  assert.equal(m?.signature, 'no-cms');
  assert.equal(m?.signingTime, null);
  assert.equal(m?.timestampTime, null);
});

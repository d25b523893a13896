/**
 * The CMS blob of an embedded code signature (signer, signingTime, Apple timestamp) on Mach-O
 * files whose CMS was built by make-signed-mac.py and accepted by `openssl cms -verify` and
 * `openssl ts -verify`; openssl's own printout of the same DER is the oracle for every field.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';
import { parseMacho, type CmsSignatureInfo } from '../../../../electron/formats/macho/index.js';
import { DYLIB, EXE, SUPPORT, makeMac } from './mac-fixture.js';
import { makeSignedMac, SIGNED_SKIP, type SignedFixture } from './signed-fixture.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let fx: SignedFixture | null = null;
function signed(): SignedFixture {
  if (!fx) {
    fx = makeSignedMac(['--update-agent']);
    dirs.push(fx.root);
  }
  return fx;
}
const bytesOf = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(signed().root, rel)));
const cmsOf = async (b: Uint8Array, slice = 0): Promise<CmsSignatureInfo | undefined> => (await parseMacho(new BufferReader(b))).slices[slice]?.codeSignature?.cms;
const openssl = (...args: string[]): string => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 'Mar 13 06:41:52.512 2023 GMT' (openssl's print form) → ISO. */
function opensslTime(t: string): string {
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(\.\d+)? (\d{4}) GMT$/.exec(t.trim());
  assert.ok(m, `openssl time '${t}'`);
  return new Date(Date.UTC(Number(m[7]), MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Math.round(Number(m[6] ?? 0) * 1000))).toISOString();
}

test('main executable: signer, team OU, serial and signingTime agree with openssl cms -print', { skip: SIGNED_SKIP }, async () => {
  const f = signed();
  const exe = bytesOf(EXE);
  const cms = await cmsOf(exe);
  assert.ok(cms && !cms.empty && cms.problem === undefined, JSON.stringify(cms));
  // The DER inside the wrapper is byte for byte the CMS openssl verified.
  const oracleDer = readFileSync(join(f.pki, 'signed-0-cms.der'));
  assert.equal(cms.length, oracleDer.length + 8);
  assert.deepEqual(Buffer.from(exe.subarray(cms.offset + 8, cms.offset + cms.length)), oracleDer);

  const print = openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(f.pki, 'signed-0-cms.der'));
  const signingTime = /object: signingTime[^\n]*\n[^\n]*\n\s*UTCTIME:([^\n]+)/.exec(print)?.[1];
  assert.ok(signingTime);
  assert.equal(cms.signingTime, opensslTime(signingTime));
  assert.equal(cms.signingTime, '2023-03-13T06:41:52.000Z');
  const serials = [...print.matchAll(/^\s+serialNumber: (\d+)$/gm)].map((m) => BigInt(m[1]!).toString(16).toUpperCase());
  const subjects = [...print.matchAll(/^\s+subject: (.+)$/gm)].map((m) => m[1]!);
  assert.deepEqual(cms.certificates.map((c) => c.subject), subjects);
  assert.deepEqual(cms.certificates.map((c) => c.serialHex.replace(/^0+(?=.)/, '')), serials.slice(0, 2));
  assert.equal(cms.signer?.subject, f.summary.cms.signerSubject);
  assert.equal(cms.signer?.serialHex, f.summary.cms.signerSerial);
  assert.equal(cms.signer?.organizationalUnit, '33CF4654HL');
  assert.equal(cms.signer?.commonName, 'Developer ID Application: 3CX (33CF4654HL)');
  assert.equal(cms.signer?.organization, '3CX');
  assert.equal(cms.signer?.notBefore, '2019-02-01T00:00:00.000Z');
  // CDHashes2 lists both CodeDirectories' full digests; the preferred (SHA-256) one starts with the cdhash.
  const m = await parseMacho(new BufferReader(exe));
  assert.deepEqual(cms.signedCdHashes.map((h) => [h.algorithm, h.digest.length]), [['sha1', 40], ['sha256', 64]]);
  assert.equal(cms.signedCdHashes[1]!.digest.slice(0, 40), m.slices[0]!.codeSignature!.cdhash);
});

test('Apple-style timestamp token: genTime, serial, policy and imprint agree with openssl ts -reply -text', { skip: SIGNED_SKIP }, async () => {
  const f = signed();
  const ts = (await cmsOf(bytesOf(EXE)))?.timestamp;
  assert.ok(ts && ts.problem === undefined, JSON.stringify(ts));
  const text = openssl('ts', '-reply', '-token_in', '-in', join(f.pki, 'signed-0-token.der'), '-text');
  assert.equal(ts.time, opensslTime(/^Time stamp: (.+)$/m.exec(text)![1]!));
  assert.equal(ts.time, f.summary.cms.timestampTime);
  assert.equal(`0x${ts.serialHex}`, /^Serial number: (\S+)$/m.exec(text)![1]);
  assert.equal(ts.policy, /^Policy OID: (\S+)$/m.exec(text)![1]);
  assert.equal(ts.imprintAlgorithm, 'sha256');
  assert.equal(ts.imprintMatches, true, 'the token imprints this signature value');
  assert.equal(ts.tsa?.subject, 'O=3CX Triage tests, CN=Triage Test Timestamp Authority');
});

test('universal dylib: each slice has its own CMS with the same signer and time', { skip: SIGNED_SKIP }, async () => {
  const f = signed();
  const m = await parseMacho(new BufferReader(bytesOf(DYLIB)));
  assert.equal(m.slices.length, 2);
  for (const [i, s] of m.slices.entries()) {
    const cms = s.codeSignature?.cms;
    assert.equal(cms?.signer?.organizationalUnit, '33CF4654HL');
    assert.equal(cms?.signingTime, '2023-03-13T06:41:52.000Z');
    assert.equal(cms?.timestamp?.time, '2023-03-13T06:41:52.512Z');
    assert.equal(cms?.signedCdHashes[1]?.digest.slice(0, 40), f.summary.machos[DYLIB]![i]!.cdhash);
    assert.ok(cms!.offset > s.offset && cms!.offset < s.offset + s.size, 'offset is absolute in the file');
  }
});

test('an empty CMS wrapper (make-mac.py) and an ad-hoc signature without the slot', { skip: SIGNED_SKIP }, async () => {
  const plain = makeMac(['--update-agent']);
  assert.ok(plain);
  dirs.push(plain.root);
  const cms = await cmsOf(new Uint8Array(readFileSync(join(plain.root, EXE))));
  assert.deepEqual({ ...cms, offset: 0 }, { offset: 0, length: 8, empty: true, signer: null, certificates: [], signingTime: null, signedCdHashes: [], timestamp: null });
  const ua = await parseMacho(new BufferReader(new Uint8Array(readFileSync(join(plain.root, SUPPORT, 'UpdateAgent')))));
  assert.equal(ua.slices[0]!.codeSignature?.identifier, 'payload2-55554944839216049d683075bc3f5a8628778bb8');
  assert.equal(ua.slices[0]!.codeSignature?.cms, undefined);
});

test('damaged CMS: reported in cms.problem while identifier and cdhash stand', { skip: SIGNED_SKIP }, async () => {
  const exe = bytesOf(EXE);
  const good = await parseMacho(new BufferReader(exe));
  const cms = good.slices[0]!.codeSignature!.cms!;
  const cases: [string, (b: Uint8Array) => void, RegExp][] = [
    ['DER tag', (b) => { b[cms.offset + 8] = 0x31; }, /CMS at offset \d+ does not decode/],
    ['wrapper magic', (b) => { b[cms.offset + 3] = b[cms.offset + 3]! ^ 0xff; }, /CMS blob magic/],
    ['wrapper length past the SuperBlob', (b) => new DataView(b.buffer).setUint32(cms.offset + 4, 0x00100000), /CMS blob .* lies outside/],
    ['wrapper length above the cap', (b) => new DataView(b.buffer).setUint32(cms.offset + 4, 0x7fffffff), /exceeds a limit/],
    ['wrapper length below its header', (b) => new DataView(b.buffer).setUint32(cms.offset + 4, 4), /CMS blob length 4/],
    ['DER length past the wrapper', (b) => { b[cms.offset + 8 + 2] = 0xff; }, /buffer too small for CMS ContentInfo/],
  ];
  for (const [name, damage, why] of cases) {
    const b = Uint8Array.from(exe);
    damage(b);
    const s = (await parseMacho(new BufferReader(b))).slices[0]!.codeSignature!;
    assert.equal(s.identifier, 'com.electron.3cx-desktop-app', name);
    assert.equal(s.cdhash, good.slices[0]!.codeSignature!.cdhash, name);
    assert.match(s.cms?.problem ?? '', why, name);
    assert.equal(s.cms?.signer, null, name);
  }
});

test('damaged timestamp: only timestamp.problem is set; signer and signingTime stand', { skip: SIGNED_SKIP }, async () => {
  const exe = bytesOf(EXE);
  const at = Buffer.from(exe).indexOf('20230313064152.512Z');
  assert.ok(at > 0);
  for (const [text, why] of [['20231313064152.512Z', /not a date/], ['2023031306415X.512Z', /not a UTC GeneralizedTime/]] as const) {
    const b = Uint8Array.from(exe);
    b.set(new TextEncoder().encode(text), at);
    const cms = await cmsOf(b);
    assert.equal(cms?.problem, undefined);
    assert.equal(cms?.signingTime, '2023-03-13T06:41:52.000Z');
    assert.equal(cms?.signer?.organizationalUnit, '33CF4654HL');
    assert.equal(cms?.timestamp?.time, null);
    assert.match(cms?.timestamp?.problem ?? '', why);
  }
});

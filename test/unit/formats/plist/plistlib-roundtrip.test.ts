/**
 * The same dict written by CPython's plistlib as binary and as XML must decode to the same value
 * through both of our paths, and to the values we put in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parsePlist, type PlistValue } from '../../../../electron/formats/plist/index.js';

const PY = String.raw`
import base64, datetime, json, plistlib, sys
doc = {
  "CFBundleIdentifier": "com.electron.3cx-desktop-app",
  "CFBundleShortVersionString": "18.12.416",
  "unicode": "Zürich – 東京 😀",
  "empty": "",
  "ints": [0, 1, 255, 256, 65535, 65536, 2**32 - 1, 2**32, -1, -2**31, 2**53 - 1],
  "reals": [0.5, -1.25, 1e300],
  "bools": [True, False],
  "date": datetime.datetime(2023, 3, 22, 9, 15, 0),
  "data": bytes(range(40)),
  "nested": {"a": [{"b": {"c": []}}], "shared": "x", "shared2": "x"},
  "uid": plistlib.UID(7),
  "long": "L" * 300,
}
out = {}
for name, fmt in (("binary", plistlib.FMT_BINARY), ("xml", plistlib.FMT_XML)):
    if fmt == plistlib.FMT_XML:
        doc["uid"] = {"CF$UID": 7}  # XML has no UID type; NSKeyedArchiver writes this dict instead
    out[name] = base64.b64encode(plistlib.dumps(doc, fmt=fmt, sort_keys=True)).decode()
json.dump(out, sys.stdout)
`;

function generate(): { binary: Uint8Array; xml: Uint8Array } | null {
  const r = spawnSync('python3', ['-c', PY], { encoding: 'utf8' });
  if (r.error) return null; // no python3 on this machine
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { binary: string; xml: string };
  return { binary: Buffer.from(j.binary, 'base64'), xml: Buffer.from(j.xml, 'base64') };
}

test('plistlib binary and XML encodings of one dict decode equal', (t) => {
  const g = generate();
  if (!g) {
    t.skip('python3 not available');
    return;
  }
  const b = parsePlist(g.binary);
  const x = parsePlist(g.xml);
  assert.equal(b.format, 'binary');
  assert.equal(x.format, 'xml');
  assert.deepEqual(b.value, x.value);
  const v = b.value as Record<string, PlistValue>;
  assert.equal(v['CFBundleIdentifier'], 'com.electron.3cx-desktop-app');
  assert.equal(v['unicode'], 'Zürich – 東京 😀');
  assert.equal(v['empty'], '');
  assert.deepEqual(v['ints'], [0, 1, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, -(2 ** 31), Number.MAX_SAFE_INTEGER]);
  assert.deepEqual(v['reals'], [0.5, -1.25, 1e300]);
  assert.deepEqual(v['bools'], [true, false]);
  assert.equal((v['date'] as Date).toISOString(), '2023-03-22T09:15:00.000Z');
  assert.deepEqual(v['data'], Uint8Array.from({ length: 40 }, (_, i) => i));
  assert.deepEqual(v['nested'], { a: [{ b: { c: [] } }], shared: 'x', shared2: 'x' });
  assert.deepEqual(v['uid'], { CF$UID: 7 });
  assert.equal(v['long'], 'L'.repeat(300));
});

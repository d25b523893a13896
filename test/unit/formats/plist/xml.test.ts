import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlist } from '../../../../electron/formats/plist/index.js';
import { ParseError } from '../../../../electron/common/issues.js';

const enc = (s: string) => new TextEncoder().encode(s);
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';
const wrap = (inner: string) => enc(`${HEAD}<plist version="1.0">${inner}</plist>`);

function code(bytes: Uint8Array): string {
  try {
    parsePlist(bytes);
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e.code;
  }
  assert.fail('expected a ParseError');
}

test('an Info.plist-style XML dict decodes with types', () => {
  const r = parsePlist(wrap(`<dict><key>CFBundleIdentifier</key><string>com.electron.3cx-desktop-app</string>
    <key>n</key><integer>-42</integer><key>r</key><real>2.5</real><key>t</key><true/>
    <key>d</key><date>2023-03-13T06:41:52Z</date><key>b</key><data>AAEC</data><key>a</key><array/>
    <key>amp</key><string>a &amp; b &#x41;</string></dict>`));
  assert.equal(r.format, 'xml');
  assert.deepEqual(r.value, {
    CFBundleIdentifier: 'com.electron.3cx-desktop-app', n: -42, r: 2.5, t: true,
    d: new Date('2023-03-13T06:41:52Z'), b: Uint8Array.from([0, 1, 2]), a: [], amp: 'a & b A',
  });
});

test('an empty <plist> is null, as plistlib reads it', () => {
  assert.equal(parsePlist(wrap('\n')).value, null);
  assert.deepEqual(parsePlist(wrap('<array/>')).value, []);
});

test('leading white space before the XML declaration is accepted (as CoreFoundation does)', () => {
  assert.equal(parsePlist(enc(`\n  ${HEAD}<plist version="1.0"><string>x</string></plist>`)).value, 'x');
});

test('DTD internal subsets, entity declarations and unknown entities are refused', () => {
  const bomb = enc(`<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY a "AAAA"><!ENTITY b "&a;&a;&a;&a;">]><plist><string>&b;</string></plist>`);
  assert.equal(code(bomb), 'decode');
  const ext = enc(`<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]><plist><string>&x;</string></plist>`);
  assert.equal(code(ext), 'decode');
  assert.equal(code(wrap('<string>&nbsp;</string>')), 'decode');
  // Inside CDATA and comments `&` is just a character.
  assert.equal(parsePlist(wrap('<!-- a & b --><string><![CDATA[R&D <x>]]></string>')).value, 'R&D <x>');
});

test('malformed XML, bad dates, bad encodings and non-plist roots are ParseErrors', () => {
  assert.equal(code(wrap('<date>not a date</date>')), 'decode');
  assert.equal(code(wrap('<frobnicate/>')), 'decode');
  assert.equal(code(wrap('<dict><key>a</key>')), 'decode'); // unclosed: xmldom also logs a fatalError line
  assert.equal(code(wrap('<integer></integer>')), 'decode');
  assert.equal(code(wrap('<dict><key>__proto__</key><string>x</string></dict>')), 'decode');
  assert.equal(code(Uint8Array.from([0x3c, 0xff, 0xfe, 0x3e])), 'decode');
  assert.equal(code(enc('{ "openstep": 1 }')), 'bad-signature');
  assert.equal(code(enc('<html></html>')), 'decode');
});

test('UTF-16 XML with a BOM decodes', () => {
  const s = `<?xml version="1.0" encoding="UTF-16"?><plist version="1.0"><string>Zürich</string></plist>`;
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  assert.equal(parsePlist(new Uint8Array(le)).value, 'Zürich');
});

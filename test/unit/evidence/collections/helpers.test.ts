import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memberParts } from '../../../../electron/evidence/filesystems/overlay.js';
import { csvRows, isoTime, windowsPath } from '../../../../electron/evidence/loaders/collection.js';
import { parseBodyfile, parseHashList } from '../../../../electron/evidence/loaders/uac.js';
import { decodeComponent, volumeOf } from '../../../../electron/evidence/loaders/velociraptor.js';

test('Velociraptor components decode one at a time (SanitizeStringForZip examples)', () => {
  assert.equal(decodeComponent('filename%3Awith%3Acol.db'), 'filename:with:col.db');
  assert.equal(decodeComponent('%5C%5C.%5CC%3A%5C你好世界%5C%22你好%2F世界.db%22'), '\\\\.\\C:\\你好世界\\"你好/世界.db"');
  assert.equal(decodeComponent('%2E.%2F..%2F..%2F'), '../../../');
  assert.equal(decodeComponent('foo%2E'), 'foo.');
  assert.equal(decodeComponent('Microsoft-Windows-Windows Defender%254WHC.evtx'), 'Microsoft-Windows-Windows Defender%4WHC.evtx');
  assert.equal(decodeComponent('$UsnJrnl%3A$J'), '$UsnJrnl:$J');
  assert.equal(decodeComponent('noext%'), 'noext'); // a dangling % is dropped
});

test('Velociraptor devices: drive letters, raw device paths and shadow copies', () => {
  assert.equal(volumeOf('C:').vol.key, 'C');
  assert.equal(volumeOf('\\\\.\\C:').vol.key, 'C');
  assert.equal(volumeOf('\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy3').vol.key, 'VSS3');
  assert.deepEqual(volumeOf('Users'), { vol: { key: '/', label: '/', windows: false }, rootPart: 'Users' });
});

test('member names: separators, traversal, absolute, drive letters and NUL are neutralised and named', () => {
  assert.deepEqual(memberParts('a\\b/./c'), { parts: ['a', 'b', 'c'], notes: [] });
  assert.deepEqual(memberParts('../../etc/x'), { parts: ['%2E%2E', '%2E%2E', 'etc', 'x'], notes: ["'..' component"] });
  assert.deepEqual(memberParts('/etc/passwd').notes, ['absolute path']);
  assert.deepEqual(memberParts('C:\\x'), { parts: ['C:', 'x'], notes: ['drive letter'] });
  assert.deepEqual(memberParts('a\0b'), { parts: ['a%00b'], notes: ['contains NUL'] });
});

test('UAC bodyfile (GNU and BSD forms) and hash lists (md5sum and BSD md5 lines)', () => {
  const body = parseBodyfile("0|/Applications/A.app/Contents/MacOS/A|12|-rwxr-xr-x|0|0|100|1679000000|1679303520|1679303521|1678000000\n0|'/usr/bin/link' -> '/x'|1|lrwxr-xr-x|0|0|1|1|2|3|0\nbad line\n");
  assert.deepEqual(body.get('/Applications/A.app/Contents/MacOS/A'), { size: 100, accessed: '2023-03-16T20:53:20.000Z', modified: '2023-03-20T09:12:00.000Z', changed: '2023-03-20T09:12:01.000Z', created: '2023-03-05T07:06:40.000Z' });
  assert.ok(body.has('/usr/bin/link'));
  const h = parseHashList(`MD5 (/a b/c) = ${'A'.repeat(32)}\n${'b'.repeat(40)}  /d\nnoise\n`, 'hash_executables/x');
  assert.deepEqual(h, [
    { path: '/a b/c', md5: 'a'.repeat(32), source: 'UAC hash_executables/x line 1' },
    { path: '/d', sha1: 'b'.repeat(40), source: 'UAC hash_executables/x line 2' },
  ]);
});

test('CSV with quotes and CRLF, Windows paths, collector times', () => {
  assert.deepEqual(csvRows('\ufeffA,B\r\n"x, ""y""",2\r\n'), [{ A: 'x, "y"', B: '2' }]);
  assert.deepEqual(windowsPath('C:\\Users\\bob\\NTUSER.DAT'), { drive: 'C', parts: ['Users', 'bob', 'NTUSER.DAT'] });
  assert.deepEqual(windowsPath('\\\\.\\D:\\x\\..\\y'), { drive: 'D', parts: ['x', 'y'] });
  assert.equal(isoTime('2023-03-20 09:12:00'), '2023-03-20T09:12:00.000Z');
  assert.equal(isoTime('2023-03-20T11:12:00+02:00'), '2023-03-20T09:12:00.000Z');
  assert.equal(isoTime('0001-01-01T00:00:00Z'), null);
  assert.equal(isoTime('garbage'), null);
});

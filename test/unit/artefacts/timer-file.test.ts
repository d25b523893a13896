import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTimerFile } from '../../../electron/artefacts/windows/timer-file.js';
import { classify } from '../../../electron/artefacts/windows/app-tree.js';

const enc = (s: string) => new TextEncoder().encode(s);

test('manifest content decodes only as a plausible campaign-era time, naming the encoding', () => {
  assert.deepEqual(decodeTimerFile(enc('1679992200')), { time: '2023-03-28T08:30:00.000Z', encoding: 'ascii unix seconds' });
  assert.deepEqual(decodeTimerFile(enc('1679992200000')), { time: '2023-03-28T08:30:00.000Z', encoding: 'ascii unix milliseconds' });
  const ft = new Uint8Array(8);
  new DataView(ft.buffer).setBigUint64(0, (1679992200000n + 11644473600000n) * 10000n, true);
  assert.deepEqual(decodeTimerFile(ft), { time: '2023-03-28T08:30:00.000Z', encoding: 'FILETIME (u64 LE)' });
  assert.equal(decodeTimerFile(enc('12345')), null);
  assert.equal(decodeTimerFile(new Uint8Array(8).fill(0xff)), null);
  assert.equal(decodeTimerFile(new Uint8Array(0)), null);
});

test('files are classified by their place in the 3CX tree, not by name alone', () => {
  assert.equal(classify(['3CXDesktopApp.exe']), 'launcher-exe');
  assert.equal(classify(['app', '3CXDesktopApp.exe']), 'app-exe');
  assert.equal(classify(['app-18.12.416', 'FFMPEG.DLL']), 'ffmpeg');
  assert.equal(classify(['app', 'd3dcompiler_47.dll']), 'd3dcompiler');
  assert.equal(classify(['Update.exe']), 'updater');
  assert.equal(classify(['packages', '3CXDesktopApp-18.12.416-full.nupkg']), 'update-nupkg');
  assert.equal(classify(['app', 'resources', 'app.asar']), null);
});

import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, hasMingw, makeHosts, ROOT, runCli } from '../../helpers/cli.js';

const hasHashdeep = spawnSync('hashdeep', ['-V']).status === 0;

describe('examiner utilities on a live folder', { skip: hasMingw() ? false : 'mingw-w64 not installed: cannot build fixtures' }, () => {
  let root = '';
  before(() => {
    root = join(makeHosts('win-profile', 'mac-compromised'), 'win-profile');
  });

  test('hash agrees with hashdeep on every file (hostile names included)', { skip: hasHashdeep ? false : 'hashdeep not installed' }, () => {
    const ours = runCli(['hash', root, '--quiet']);
    assert.equal(ours.status, 0, ours.stderr);
    const theirs = spawnSync('hashdeep', ['-r', '-l', '-c', 'md5,sha1,sha256', '.'], { cwd: root, encoding: 'utf8' });
    const rows = (text: string, strip: (p: string) => string) =>
      text.split('\n').filter((l) => l && !l.startsWith('%%%%') && !l.startsWith('##')).map((l) => {
        const [size, md5, sha1, sha256, ...rest] = l.split(',');
        return `${size},${md5},${sha1},${sha256},${strip(rest.join(','))}`;
      }).sort();
    const mine = rows(ours.stdout, (p) => p.replace(/^\//, ''));
    // hashdeep writes a newline inside a name as-is; ours escapes it as \x0a: compare on the escaped form.
    const ref = rows(theirs.stdout.replace(/\nline "quoted"/g, '\\x0aline "quoted"'), (p) => p.replace(/^\.\//, ''));
    assert.ok(mine.length >= 10);
    assert.deepEqual(mine, ref);
  });

  test('ls --recursive --json lists every entry with sizes and UTC times; cat returns the bytes', () => {
    const r = runCli(['ls', root, '/', '--recursive', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; type: string; size: number; modified: string });
    const exe = entries.find((e) => e.path === '/AppData/Local/Programs/3CXDesktopApp/app/3CXDesktopApp.exe')!;
    assert.equal(exe.type, 'file');
    assert.equal(exe.size, statSync(join(root, exe.path)).size);
    assert.equal(exe.modified, '2023-03-20T09:12:00.000Z');
    assert.ok(entries.some((e) => e.path.includes('x<svg onload=alert(1)>\nline')));
    const text = runCli(['ls', root, '/AppData/Local/Programs/3CXDesktopApp/app']);
    assert.ok(text.stdout.split('\n').some((l) => l.endsWith('/app/x<svg onload=alert(1)>\\x0aline "quoted" & \'apos\'.dll')), 'one line per entry even for names with newlines');
    const cat = spawnSync(process.execPath, [CLI, 'cat', root, '/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll'], { cwd: ROOT });
    assert.equal(cat.status, 0);
    assert.ok(Buffer.compare(cat.stdout, readFileSync(join(root, 'AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll'))) === 0);
    assert.equal(runCli(['cat', root, '/nope']).status, 1);
  });

  test('dump pe and dump plist print parsed records as JSON Lines', () => {
    const pe = runCli(['dump', 'pe', root, '/AppData/Local/Programs/3CXDesktopApp/app/3CXDesktopApp.exe']);
    assert.equal(pe.status, 0, pe.stderr);
    const info = JSON.parse(pe.stdout) as { version: { strings: Record<string, string> } };
    assert.equal(info.version.strings['ProductName'], '3CX Desktop App');
    const mac = join(root, '..', 'mac-compromised');
    const pl = runCli(['dump', 'plist', join(mac, 'Applications/3CX Desktop App.app/Contents/Info.plist')]);
    assert.equal((JSON.parse(pl.stdout) as { value: Record<string, string> }).value['CFBundleIdentifier'], 'com.electron.3cx-desktop-app');
    const ms = runCli(['dump', 'main-storage', mac, '/Users/alice/Library/Application Support/3CX Desktop App/.main_storage']);
    assert.match(ms.stdout, /"time":"2023-03-22T09:15:00/);
    assert.equal(runCli(['dump', 'nonsense', mac, '/x']).status, 1);
  });

  test('dump regf, evtx and prefetch on bare artefact files', () => {
    const fx = join(import.meta.dirname, '../../../../test/fixtures');
    const regf = runCli(['dump', 'regf', join(fx, 'registry/hives/SYSTEM')]).stdout.trim().split('\n').map((l) => JSON.parse(l) as { path?: string; values?: { name: string; data: unknown }[] });
    const cn = regf.find((k) => k.path === 'ControlSet001\\Control\\ComputerName\\ComputerName');
    assert.equal(cn?.values?.find((v) => v.name === 'ComputerName')?.data, 'WS-FINANCE-07');
    const evtx = runCli(['dump', 'evtx', join(fx, 'evtx/Application.evtx')]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(evtx.length >= 2 && JSON.stringify(evtx).includes('3CX Desktop App'));
    const pf = JSON.parse(runCli(['dump', 'prefetch', join(fx, 'prefetch/3CXDESKTOPAPP.EXE-981FA834.pf')]).stdout) as { executable: string };
    assert.equal(pf.executable, '3CXDESKTOPAPP.EXE');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSP, PRINT_WEB_PREFERENCES, isAllowedNavigation, isAllowedRequest, webPreferences } from '../../../electron/main/security-policy.js';

test('the window is isolated, sandboxed and without Node', () => {
  const p = webPreferences('/app/preload.cjs', false);
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.navigateOnDragDrop, false);
  assert.equal(p.devTools, false);
  assert.equal(PRINT_WEB_PREFERENCES.javascript, false);
  assert.equal(PRINT_WEB_PREFERENCES.sandbox, true);
});

test('the CSP allows only our own scripts and no plugins, eval or remote content', () => {
  const d = new Map(CSP.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1).join(' ')]));
  assert.equal(d.get('default-src'), "'self'");
  assert.equal(d.get('script-src'), "'self'");
  assert.equal(d.get('object-src'), "'none'");
  assert.equal(d.get('base-uri'), "'none'");
  assert.doesNotMatch(CSP, /unsafe-eval|https?:|\*/);
});

test('no network: only app://triage, the printed report file, data: and devtools: pass', () => {
  for (const url of ['https://msstorageboxes.com/office', 'http://127.0.0.1:8080/', 'ws://localhost/', 'ftp://x/', 'app://evil/index.html', 'file:///etc/passwd', 'file://server/share/x', 'not a url', 'javascript:alert(1)'])
    assert.equal(isAllowedRequest(url, (p) => p === '/cases/c1/reports/r.html'), false, url);
  for (const url of ['app://triage/index.html', 'app://triage/assets/index.js', 'file:///cases/c1/reports/r.html', 'data:image/png;base64,AA==', 'devtools://devtools/bundled/x.html'])
    assert.equal(isAllowedRequest(url, (p) => p === '/cases/c1/reports/r.html'), true, url);
  assert.equal(isAllowedNavigation('app://triage/index.html'), false);
});

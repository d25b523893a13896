/** Applies security-policy.ts to Electron: session filters, CSP header, navigation/permission guards. */
import { app, session, type Session, type WebContents } from 'electron';
import { CSP, isAllowedNavigation, isAllowedRequest } from './security-policy.js';

/** Report files main is printing right now (the only file:// URLs allowed). */
export const printableFiles = new Set<string>();

export function hardenSession(s: Session = session.defaultSession): void {
  s.webRequest.onBeforeRequest((details, cb) => {
    const ok = isAllowedRequest(details.url, (p) => printableFiles.has(p));
    if (!ok) console.warn(`blocked request: ${details.url.slice(0, 200)}`);
    cb({ cancel: !ok });
  });
  s.webRequest.onHeadersReceived((details, cb) => {
    const headers = { ...details.responseHeaders, 'Content-Security-Policy': [CSP], 'X-Content-Type-Options': ['nosniff'] };
    cb({ responseHeaders: headers });
  });
  s.setPermissionRequestHandler((_wc, _permission, cb) => cb(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  s.on('will-download', (e) => e.preventDefault());
}

/** Every web contents the app ever creates: no navigation, no new windows, no webviews. */
export function guardAllWebContents(): void {
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (e) => {
      if (!isAllowedNavigation(e.url)) e.preventDefault();
    });
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

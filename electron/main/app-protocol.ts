/**
 * Serves the built renderer as app://triage/… instead of file://, so the page has a real origin
 * for CSP 'self', and only files inside out/renderer can ever be loaded (Electron checklist item 18).
 */
import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CSP } from './security-policy.js';

export const APP_URL = 'app://triage/index.html';

export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false } }]);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2' };

export function serveRenderer(rendererDir: string): void {
  const root = normalize(rendererDir);
  protocol.handle('app', async (req) => {
    const u = new URL(req.url);
    const rel = decodeURIComponent(u.pathname === '/' ? '/index.html' : u.pathname);
    const file = normalize(join(root, rel));
    if (u.host !== 'triage' || !file.startsWith(root + sep)) return new Response('not found', { status: 404 });
    // Read directly (not net.fetch of a file:// URL, which the session's request filter refuses).
    const body = await readFile(file).catch(() => null);
    if (!body) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(body), { status: 200, headers: { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP } });
  });
}

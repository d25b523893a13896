// The renderer build: root renderer/, output out/renderer, relative asset URLs (served as
// app://triage/ in the app and from a loopback server in the e2e tests). No inline scripts, so the
// page's CSP can stay script-src 'self'.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  resolve: { alias: { '@common': fileURLToPath(new URL('./electron/common', import.meta.url)) } },
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: false },
});

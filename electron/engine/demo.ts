/** The demonstration evidence shipped in assets/demo (benign stand-ins built by test/fixtures/make-demo.sh). */
import { join } from 'node:path';
import { ASSETS_DIR } from './paths.js';

export const DEMO_HOSTS = ['WS-FINANCE-07', 'alice-mbp'] as const;

export function demoEvidencePaths(): string[] {
  return DEMO_HOSTS.map((h) => join(ASSETS_DIR, 'demo', h));
}

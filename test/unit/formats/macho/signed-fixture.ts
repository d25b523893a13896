/** Test helper: run test/fixtures/macos/make-signed-mac.py (make-mac.py's tree with real CMS signatures). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generatorPath, type MacFixture } from './mac-fixture.js';

export interface SignedFixture extends MacFixture {
  summary: MacFixture['summary'] & {
    cms: { signingTime: string; timestampTime: string; signerSubject: string; signerSerial: string; tsaSerial: string; caPem: string; signed: number };
  };
  /** OUTDIR/.pki: signed-<n>-cms.der and signed-<n>-token.der (0 main executable, 1 and 2 the dylib slices). */
  pki: string;
}

const have = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
/** Why the signed fixture cannot be built here, or false when it can. */
export const SIGNED_SKIP: string | false = !have('python3', ['-c', 'pass']) ? 'python3 is required for the signed Mach-O fixture' : !have('openssl', ['version']) ? 'the openssl CLI is required for the signed Mach-O fixture' : false;

export function makeSignedMac(args: string[], root = mkdtempSync(join(tmpdir(), 'mac-signed-'))): SignedFixture {
  const script = join(dirname(generatorPath()), 'make-signed-mac.py');
  const r = spawnSync('python3', [script, root, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`make-signed-mac.py failed: ${r.stderr}`);
  return { root, summary: JSON.parse(r.stdout) as SignedFixture['summary'], pki: join(root, '.pki') };
}

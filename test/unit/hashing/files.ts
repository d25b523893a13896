/** Test files on disk and the reference digests of the coreutils tools. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvidenceRef } from '../../../electron/common/evidence-ref.js';

export const MiB = 1024 * 1024;

export function tempRoot(tag: string): string {
  return mkdtempSync(join(tmpdir(), `3cx-hash-${tag}-`));
}

export function folderRef(root: string, path: string): EvidenceRef {
  return { evidenceId: 'E1', path, chain: [{ kind: 'folder', locator: root }] };
}

/** Deterministic non-repeating bytes (so a wrong window offset changes the digest). */
export function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  const w = new Uint32Array(b.buffer, 0, n >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < w.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    w[i] = x >>> 0;
  }
  for (let i = w.length * 4; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

export function writeFile(root: string, name: string, size: number, seed = 1): string {
  writeFileSync(join(root, name), bytes(size, seed));
  return `/${name}`;
}

/** `<tool> -- FILE`, digest only; handles sha256sum's `\` prefix for names with a newline. */
export function coreutils(tool: 'md5sum' | 'sha1sum' | 'sha256sum', file: string): string {
  const out = execFileSync(tool, ['--', file], { encoding: 'utf8' });
  const m = /^\\?([0-9a-f]{32,64}) /.exec(out);
  if (!m) throw new Error(`unexpected ${tool} output: ${out}`);
  return m[1]!;
}

export function headSha1(file: string, n: number): string {
  const out = execFileSync('sh', ['-c', 'head -c "$1" -- "$2" | sha1sum', 'sh', String(n), file], { encoding: 'utf8' });
  return out.slice(0, 40);
}

/** Test helper: a synthetic E01 written to a temp dir for the duration of a callback. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `bytes` as disk.E01 in a temp dir, runs `fn` on the path, removes the dir. */
export async function onDisk<T>(bytes: Uint8Array, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'ewf-on-disk-'));
  try {
    const p = join(dir, 'disk.E01');
    writeFileSync(p, bytes);
    return await fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Process-wide options for reading protected or large archives (the CLI's --password, the
 * Engine's archivePassword, a temp folder). Kept apart from the loaders so the hash pool can pass
 * them to its worker threads (each thread has its own copy of every module) without loading them.
 */
export interface ArchiveOptions {
  /** Password of ZipCrypto / WinZip AES members (Velociraptor's protected data.zip). */
  password?: string;
  /** Folder for private temp copies of members that need random access. */
  tempDir?: string;
}

let current: Readonly<ArchiveOptions> = {};
let generation = 0;

export function archiveOptions(): Readonly<ArchiveOptions> {
  return current;
}

/** Bumped on every change, so archives opened under older options are not reused. */
export function archiveOptionsGeneration(): number {
  return generation;
}

/** Merge `o` into the options; keys set to undefined are removed. */
export function setArchiveOptions(o: ArchiveOptions): void {
  const next: ArchiveOptions = { ...current };
  for (const k of ['password', 'tempDir'] as const) {
    if (!(k in o)) continue;
    if (o[k] === undefined) delete next[k];
    else next[k] = o[k];
  }
  if (next.password === current.password && next.tempDir === current.tempDir) return;
  current = Object.freeze(next);
  generation++;
}

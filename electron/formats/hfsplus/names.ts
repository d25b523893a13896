/**
 * Names as shown and as compared.
 *
 * Shown: the stored UTF-16 name with control characters (the NULs of `\0\0\0\0HFS+ Private Data`,
 * the CR of `.HFS+ Private Directory Data\r`) written as '^' exactly as The Sleuth Kit prints
 * them, and '/' as ':' as the macOS POSIX layer shows it, so every name is a safe path component.
 *
 * Compared: HFS+ orders and matches names with Apple's FastUnicodeCompare (case folding over
 * decomposed Unicode, ignoring a few code points). We do not search the B-tree by name (only by
 * parent id), so exact Apple ordering is never needed; lookups compare the caller's name with
 * each child's after Unicode NFD and, for case-insensitive volumes, `toLowerCase()` — the same
 * answer as Apple's table for all but a handful of exotic code points (best effort, see SPEC.md).
 */

export function displayName(stored: string): string {
  let out = '';
  for (const ch of stored) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 ? '^' : ch === '/' ? ':' : ch;
  }
  return out;
}

export function foldName(name: string, caseInsensitive: boolean): string {
  const d = name.normalize('NFD');
  return caseInsensitive ? d.toLowerCase() : d;
}

export const PRIVATE_DATA = '\0\0\0\0HFS+ Private Data';
export const PRIVATE_DIR_DATA = '.HFS+ Private Directory Data\r';

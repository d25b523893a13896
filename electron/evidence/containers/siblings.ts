import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Most parts followed for one split set or EWF set: beyond this the set is not a real acquisition. */
export const MAX_PARTS = 20_000;

/**
 * Later parts of a split raw set: `x.000|x.001` → x.001, x.002 ...; `x.aa` → x.ab ... x.zz.
 * Returns all parts (first included) when at least one sibling exists, else null.
 */
export async function splitRawParts(path: string): Promise<string[] | null> {
  const num = /^(.*\.)(\d{3,})$/.exec(path);
  const alpha = /^(.*\.)([a-z]{2}|[A-Z]{2})$/.exec(path);
  let name: ((i: number) => string | null) | null = null;
  if (num && /^0+[01]$/.test(num[2]!)) {
    const [, stem, digits] = num as unknown as [string, string, string];
    const start = Number(digits);
    name = (i) => {
      const s = String(start + i);
      return s.length > digits.length ? null : stem + s.padStart(digits.length, '0');
    };
  } else if (alpha && /^(aa|AA)$/.test(alpha[2]!)) {
    const [, stem, letters] = alpha as unknown as [string, string, string];
    const a = letters === 'AA' ? 65 : 97;
    name = (i) => (i >= 676 ? null : stem + String.fromCharCode(a + Math.floor(i / 26), a + (i % 26)));
  }
  if (!name) return null;
  const parts = [path];
  for (let i = 1; i < MAX_PARTS; i++) {
    const p = name(i);
    if (!p || !(await isFile(p))) break;
    parts.push(p);
  }
  return parts.length > 1 ? parts : null;
}

/**
 * Where a parent named by a child disk may be, in preference order: a stored relative path from the
 * child's folder, then the bare file name of every stored path beside the child. Absolute paths are
 * never followed as such: they name the acquisition machine, and a hostile image must not make us
 * read arbitrary files of the examiner's machine; images are copied together, so the name survives.
 */
export async function findBeside(childPath: string, candidates: readonly string[]): Promise<string | null> {
  const dir = dirname(childPath);
  const tries: string[] = [];
  for (const raw of candidates) {
    if (!raw) continue;
    const unix = raw.replace(/\\/g, '/');
    const winAbs = /^[A-Za-z]:\//.test(unix) || unix.startsWith('//');
    if (!winAbs && !isAbsolute(unix)) tries.push(resolve(dir, unix));
  }
  for (const raw of candidates) {
    if (!raw) continue;
    tries.push(join(dir, basename(raw.replace(/\\/g, '/'))));
  }
  for (const p of tries) if (await isFile(p)) return p;
  return null;
}

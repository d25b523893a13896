/** `dump regf`: one plain record per key, depth first, cycles and depth bounded. */
import { ParseError } from '../../common/issues.js';
import { REGF_LIMITS } from './constants.js';
import type { Hive, Key } from './hive.js';
import type { ValueData } from './data.js';


export interface DumpRecord {
  path: string;
  lastWritten: string | null;
  values: { name: string; type: string; data: string | string[] | number }[];
}

/** JSON-safe rendering: bigint as decimal text, bytes as hex. */
export function renderData(d: ValueData): string | string[] | number {
  if (typeof d === 'bigint') return d.toString();
  if (d instanceof Uint8Array) return Buffer.from(d).toString('hex');
  return d;
}

/**
 * Every key below (and including) `start`, depth first in stored order. Two parents may share
 * one nk cell (the reference tools list it under both), so cycles are caught by ancestry in
 * Key.subkeys() rather than a global visited set, and the total is capped against list fan-out.
 */
export async function* walkKeys(start: Key): AsyncGenerator<Key> {
  const stack: { key: Key; depth: number }[] = [{ key: start, depth: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const { key, depth } = stack.pop()!;
    if (++seen > REGF_LIMITS.maxWalkKeys) {
      key.hive.note(new ParseError('limit-exceeded', { what: 'keys in one walk', need: seen, have: REGF_LIMITS.maxWalkKeys }));
      return;
    }
    yield key;
    if (depth >= REGF_LIMITS.maxKeyDepth) continue;
    const subs = await key.subkeys();
    for (let i = subs.length - 1; i >= 0; i--) stack.push({ key: subs[i]!, depth: depth + 1 });
  }
}

export async function* dumpRecords(hive: Hive): AsyncGenerator<DumpRecord> {
  for await (const key of walkKeys(await hive.root())) {
    const values = (await key.values()).map((v) => ({ name: v.name, type: v.typeName, data: renderData(v.data) }));
    yield { path: key.path, lastWritten: key.lastWritten, values };
  }
}

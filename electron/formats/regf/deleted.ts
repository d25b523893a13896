/**
 * Deleted keys from unallocated space (SPEC.md §9): free cells are scanned for `nk` records at
 * cell alignment (a free cell may hold several older cells merged), and each one found is parsed
 * leniently with whatever of its values are still intact. Nothing found here is trusted as live.
 */
import { ByteCursor } from '../../io/byte-cursor.js';
import { parseNk, parseVk, readCell, type Cell, type NkRecord } from './cells.js';
import { filetimeIso, HBIN_ALIGN, NO_CELL } from './constants.js';
import type { Hive, Value } from './hive.js';

export interface DeletedKey {
  name: string;
  /** Path rebuilt from parent links where they still resolve; `?` stands for a lost ancestor. */
  path: string;
  lastWritten: string | null;
  offset: number;
  values: Value[];
  deleted: true;
}

const MAX_HBIN = 256 * 1024 * 1024;

export async function* deletedKeys(hive: Hive): AsyncGenerator<DeletedKey> {
  const store = hive.store;
  let off = 0;
  while (off + 32 <= store.limit) {
    const head = new ByteCursor(await store.bytes(off, 32, 'hbin header'), off + 4096);
    const size = head.u32(8, 'hbin size');
    if (head.ascii(0, 4, 'hbin signature') !== 'hbin' || size < HBIN_ALIGN || size % HBIN_ALIGN !== 0 || size > MAX_HBIN || off + size > store.limit) {
      off += HBIN_ALIGN; // damaged header: resynchronise at the next page
      continue;
    }
    yield* scanBin(hive, off + 32, off + size);
    off += size;
  }
}

async function* scanBin(hive: Hive, start: number, end: number): AsyncGenerator<DeletedKey> {
  const bytes = await hive.store.bytes(start, end - start, 'hbin');
  const c = new ByteCursor(bytes, start + 4096);
  let p = 0;
  while (p + 8 <= bytes.length) {
    const raw = c.i32(p, 'cell size');
    const size = Math.abs(raw);
    if (size < 8 || size % 8 !== 0 || p + size > bytes.length) break;
    if (raw > 0) {
      // Older cells inside this free one start at 8-byte steps; "nk" follows their size field.
      for (let q = p; q + 0x50 <= p + size; q += 8) {
        if (bytes[q + 4] !== 0x6e || bytes[q + 5] !== 0x6b) continue;
        const cell: Cell = { offset: start + q, allocated: false, size: p + size - q, data: bytes.subarray(q + 4, p + size) };
        const k = await recover(hive, cell);
        if (k) yield k;
      }
    }
    p += size;
  }
}

async function recover(hive: Hive, cell: Cell): Promise<DeletedKey | null> {
  let nk: NkRecord;
  try {
    nk = parseNk(cell);
  } catch {
    return null;
  }
  if (nk.name.length === 0) return null;
  const values: Value[] = [];
  if (nk.valueCount > 0 && nk.valueCount < 10_000 && nk.valueList !== NO_CELL) {
    const list = await hive.guard(null as Cell | null, () => readCell(hive.store, nk.valueList, 'deleted value list'));
    if (list) {
      const lc = new ByteCursor(list.data);
      for (let i = 0; i < Math.min(nk.valueCount, Math.floor(list.data.length / 4)); i++) {
        const vk = await hive.guard(null, async () => parseVk(await readCell(hive.store, lc.u32(i * 4, 'value offset'), 'deleted vk')));
        const v = vk ? await hive.loadValue(vk, true) : null;
        if (v) values.push(v);
      }
    }
  }
  return { name: nk.name, path: await pathOf(hive, nk), lastWritten: filetimeIso(nk.lastWritten), offset: cell.offset, values, deleted: true };
}

async function pathOf(hive: Hive, nk: NkRecord): Promise<string> {
  const parts = [nk.name];
  const seen = new Set([nk.offset]);
  let parent = nk.parent;
  while (parts.length < 64 && !seen.has(parent) && parent !== NO_CELL) {
    seen.add(parent);
    if (parent === hive.base.rootCell) return parts.reverse().join('\\');
    const p = await hive.guard(null as NkRecord | null, async () => parseNk(await readCell(hive.store, parent, 'parent nk')));
    if (!p) break;
    parts.push(p.name);
    parent = p.parent;
  }
  return ['?', ...parts.reverse()].join('\\');
}

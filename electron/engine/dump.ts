/**
 * `dump <artefact> <evidence> [PATH]`: the parsed records of one artefact as JSON Lines. The
 * evidence is a bare artefact file (no PATH) or any evidence plus the artefact's PATH inside it.
 * Each parser that can dump registers here; values are made JSON-safe (bytes → hex, bigint →
 * string, dates → ISO).
 */
import { FileReader } from '../io/file-reader.js';
import type { Reader } from '../io/reader.js';
import { parsePe } from '../formats/pe/index.js';
import { parsePlist } from '../formats/plist/index.js';
import { machoMarkers, parseMacho } from '../formats/macho/index.js';
import { decodeMainStorage } from '../formats/main-storage/index.js';
import { dumpPrefetch } from '../formats/prefetch/index.js';
import { dumpUsnJournal } from '../formats/usnjrnl/index.js';
import { readFsevents } from '../formats/fsevents/index.js';
import { dumpEvtx } from '../formats/evtx/index.js';
import { dumpRecords, openHive } from '../formats/regf/index.js';
import { EvidenceView } from './evidence-view.js';

export type Dumper = (reader: Reader) => AsyncIterable<unknown>;

const MAX_WHOLE = 64 * 1024 * 1024;

async function* one(v: Promise<unknown>): AsyncIterable<unknown> {
  yield await v;
}

const readWhole = async (r: Reader): Promise<Uint8Array> => {
  if (r.size > MAX_WHOLE) throw new Error(`${r.size} bytes is over the ${MAX_WHOLE}-byte cap for this artefact`);
  return r.read(0, r.size);
};

export const DUMPERS = new Map<string, Dumper>([
  ['pe', (r) => one(parsePe(r))],
  ['plist', (r) => one(readWhole(r).then((b) => parsePlist(b)))],
  ['macho', (r) => one(Promise.all([parseMacho(r), machoMarkers(r)]).then(([m, markers]) => ({ ...m, markers })))],
  ['main-storage', (r) => one(readWhole(r).then((b) => decodeMainStorage(b)))],
  ['prefetch', (r) => one(readWhole(r).then((b) => dumpPrefetch(b)))],
  ['evtx', (r) => dumpEvtx(r)],
  ['usnjrnl', (r) => dumpUsnJournal(r)],
  ['fsevents', (r) => readFsevents(r)],
  ['regf', async function* (r) {
    const hive = await openHive(r);
    yield { hive: { dirty: hive.dirty, replayed: hive.replayed, issues: hive.issues } };
    yield* dumpRecords(hive);
  }],
]);

export function registerDumper(name: string, d: Dumper): void {
  DUMPERS.set(name, d);
}

export function jsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 200) return '[too deep]';
  if (v instanceof Uint8Array) return { hex: Buffer.from(v.subarray(0, 1 << 20)).toString('hex'), length: v.length };
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), jsonSafe(x, depth + 1)]));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x, depth + 1)]));
  return v;
}

export async function dump(artefact: string, evidence: string, path: string | null, out: (line: string) => void): Promise<number> {
  const dumper = DUMPERS.get(artefact);
  if (!dumper) throw new Error(`unknown artefact '${artefact}' (known: ${[...DUMPERS.keys()].sort().join(', ')})`);
  let view: EvidenceView | null = null;
  let reader: Reader;
  if (path === null) reader = await FileReader.open(evidence);
  else {
    view = await EvidenceView.open(evidence);
    const at = view.locate(path);
    const e = at ? await at.fs.stat(at.inner) : null;
    if (!at || !e || e.type !== 'file') {
      await view.close();
      throw new Error(`no such file in the evidence: ${path}`);
    }
    reader = (await at.fs.open(at.inner)) as Reader;
  }
  try {
    let n = 0;
    for await (const rec of dumper(reader)) {
      out(JSON.stringify(jsonSafe(rec)));
      n++;
    }
    return n;
  } finally {
    await reader.close();
    await view?.close();
  }
}

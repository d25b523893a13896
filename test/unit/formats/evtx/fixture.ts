/** Locates the generated EVTX fixtures and reads every item of a log, for the evtx tests. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEvtx, type EvtxItem } from '../../../../electron/formats/evtx/index.js';
import { BufferReader } from '../../../../electron/io/buffer-reader.js';

/** test/fixtures/evtx, found by walking up from the compiled test (out/ layouts differ). */
export const FIXTURES = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'test', 'fixtures', 'evtx', 'make-evtx.py'))) {
    if (dirname(d) === d) throw new Error('test/fixtures/evtx not found above ' + import.meta.url);
    d = dirname(d);
  }
  return join(d, 'test', 'fixtures', 'evtx');
})();
export const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

export async function items(bytes: Uint8Array): Promise<EvtxItem[]> {
  const out: EvtxItem[] = [];
  for await (const it of (await openEvtx(new BufferReader(bytes))).records()) out.push(it);
  return out;
}

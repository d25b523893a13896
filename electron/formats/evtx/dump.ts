/** `dump evtx`: one JSON-able object per record or issue, in file order. */
import type { Reader } from '../../io/reader.js';
import { openEvtx } from './evtx.js';

export type EvtxDumpItem =
  | { kind: 'header'; header: Awaited<ReturnType<typeof openEvtx>>['header'] }
  | { kind: 'record'; recordId: number; time: string | null; chunk: number; offset: number; recovered: boolean; event: unknown; xml: string }
  | { kind: 'issue'; code: string; message: string; offset: number | null; chunk: number | null; recordId: number | null };

export async function* dumpEvtx(reader: Reader, opts: { signal?: AbortSignal } = {}): AsyncGenerator<EvtxDumpItem> {
  const f = await openEvtx(reader);
  yield { kind: 'header', header: f.header };
  for await (const item of f.records(opts)) {
    if ('error' in item) yield { kind: 'issue', ...item.error };
    else yield { kind: 'record', recordId: item.recordId, time: item.time, chunk: item.chunk, offset: item.offset, recovered: item.recovered, event: item.event, xml: item.xml };
  }
}

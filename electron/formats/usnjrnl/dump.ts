/**
 * `dump usnjrnl`: every record of a $J stream as one JSON-safe object per line, then a summary
 * (counts, sparse bytes skipped, located issues). Nothing is filtered here: the artefact plugin
 * picks the 3CX names, the dump shows the whole journal.
 */
import type { Reader } from '../../io/reader.js';
import { newStats, walkUsnJournal } from './walk.js';

export async function* dumpUsnJournal(reader: Reader, signal?: AbortSignal): AsyncIterable<unknown> {
  const stats = newStats(reader.size);
  for await (const r of walkUsnJournal(reader, stats, signal ? { signal } : {})) yield r;
  yield { summary: stats };
}

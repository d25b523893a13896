/**
 * The `--ioc` CSV pack: header `type,value,description` (columns in any order, description
 * optional), type one of sha256, sha1, md5, domain, url. Values are refanged, trimmed and
 * lowercased; any bad line is an IocFormatError such as
 * `pack.csv:7: sha256 value "…" has 63 hex digits (need 64)`. Pure.
 */
import { CsvSyntaxError, readCsv } from './csv.js';
import { ConflictError, IndicatorIndex } from './merge.js';
import { checkDomain, checkHash, checkUrl, show } from './normalize.js';
import { IocFormatError, type HashIndicator, type NetworkIndicator } from './types.js';

const TYPES = ['sha256', 'sha1', 'md5', 'domain', 'url'] as const;
type CsvType = (typeof TYPES)[number];
const COLUMNS = ['type', 'value', 'description'] as const;

export interface CsvPack {
  hashes: HashIndicator[];
  network: NetworkIndicator[];
}

/** `file` names the pack in messages and is the `pack` label and source of each indicator. */
export function parseCsvPack(text: string, file: string): CsvPack {
  const index = new IndicatorIndex();
  let columns: Map<string, number> | null = null;
  try {
    for (const rec of readCsv(text)) {
      const fail = (detail: string): never => {
        throw new IocFormatError(file, rec.line, detail);
      };
      if (rec.fields.every((f) => f.trim() === '')) continue;
      if (columns === null) {
        columns = readHeader(rec.fields, fail);
        continue;
      }
      if (rec.fields.length > columns.size) {
        fail(`expected ${columns.size} fields, found ${rec.fields.length} (quote a description that contains commas)`);
      }
      const get = (name: string): string => {
        const at = columns?.get(name);
        return at === undefined ? '' : (rec.fields[at] ?? '').trim();
      };
      const type = get('type').toLowerCase();
      if (!(TYPES as readonly string[]).includes(type)) {
        fail(`unknown type ${show(get('type'))} (need one of ${TYPES.join(', ')})`);
      }
      const raw = get('value');
      if (raw === '') fail(`${type} value is empty`);
      const description = get('description');
      addRow(index, type as CsvType, raw, description === '' ? null : description, file, rec.line, fail);
    }
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new IocFormatError(file, e.line, e.message);
    throw e;
  }
  if (columns === null) throw new IocFormatError(file, null, 'empty pack: no `type,value,description` header');
  return { hashes: [...index.hashes.values()].flat(), network: index.network };
}

function readHeader(fields: string[], fail: (d: string) => never): Map<string, number> {
  const columns = new Map<string, number>();
  fields.forEach((f, i) => {
    const name = f.trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name)) {
      fail(`header column ${show(f)} is not one of ${COLUMNS.join(', ')} (the header must be type,value,description)`);
    }
    if (columns.has(name)) fail(`header column ${show(f)} appears twice`);
    columns.set(name, i);
  });
  if (!columns.has('type') || !columns.has('value')) fail('the header must be type,value,description');
  return columns;
}

function addRow(
  index: IndicatorIndex,
  type: CsvType,
  raw: string,
  notes: string | null,
  file: string,
  line: number,
  fail: (d: string) => never,
): void {
  const at = { pack: file, line };
  try {
    if (type === 'domain' || type === 'url') {
      const c = type === 'domain' ? checkDomain(raw) : checkUrl(raw);
      if (!c.ok) fail(c.message);
      const n: NetworkIndicator = {
        kind: type,
        value: c.value,
        role: 'malicious',
        stage: 'user-supplied',
        confidence: 'medium',
        sources: [file],
        pack: file,
        notes,
        line,
      };
      index.addNetwork(n, at);
      return;
    }
    const c = checkHash(type, raw);
    if (!c.ok) fail(c.message);
    const h: HashIndicator = {
      algorithm: type,
      value: c.value,
      fileName: null,
      platform: 'any',
      version: null,
      stage: 'user-supplied',
      confidence: 'medium',
      sources: [file],
      notes,
      pack: file,
      line,
    };
    index.addHash(h, at);
  } catch (e) {
    if (e instanceof ConflictError) fail(e.message);
    throw e;
  }
}

/**
 * A STIX 2.1 bundle of what was observed: one indicator per matched IOC, one identity per host
 * (identity_class "system") and one sighting tying each to where it was seen, plus observed-data
 * with the file or domain. Identifiers are derived from content (UUIDv5-style over SHA-1), so the
 * same scan always yields the same bundle.
 */
import { createHash } from 'node:crypto';
import type { IocHit, ScanResult } from '../../common/scan-result.js';

const NAMESPACE = '3cx-triage/stix/1';

export function stixId(type: string, name: string): string {
  const h = createHash('sha1').update(`${NAMESPACE}|${type}|${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${type}--${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const q = (s: string): string => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
const HASH_KEY: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };

function pattern(hit: IocHit): string | null {
  if (hit.type in HASH_KEY) return `[file:hashes.'${HASH_KEY[hit.type]}' = '${q(hit.value)}']`;
  if (hit.type === 'domain') return `[domain-name:value = '${q(hit.value)}']`;
  if (hit.type === 'url') return `[url:value = '${q(hit.value)}']`;
  return null; // structural rules are the tool's own findings, not exchangeable indicators
}

export function stixBundle(r: ScanResult): string {
  const ts = r.finishedAt;
  const objects: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const add = (o: Record<string, unknown>): void => {
    if (!seen.has(o['id'] as string)) {
      seen.add(o['id'] as string);
      objects.push(o);
    }
  };
  const tool = stixId('identity', 'tool');
  add({ type: 'identity', spec_version: '2.1', id: tool, created: ts, modified: ts, name: `${r.tool.name} ${r.tool.version}${r.case?.examiner ? ` (examiner ${r.case.examiner})` : ''}`, identity_class: 'organization' });
  for (const h of r.hosts) {
    const host = stixId('identity', `host|${h.id}|${h.name}`);
    let hostAdded = false;
    for (const hit of h.iocHits) {
      const p = pattern(hit);
      if (!p) continue;
      if (!hostAdded) {
        add({ type: 'identity', spec_version: '2.1', id: host, created: ts, modified: ts, created_by_ref: tool, name: h.name, identity_class: 'system', description: `verdict ${h.verdict}` });
        hostAdded = true;
      }
      const indicator = stixId('indicator', p);
      add({ type: 'indicator', spec_version: '2.1', id: indicator, created: ts, modified: ts, created_by_ref: tool, name: hit.description.slice(0, 200), pattern: p, pattern_type: 'stix', valid_from: ts, indicator_types: ['malicious-activity'], labels: ['3cx-supply-chain-2023'], description: hit.source.slice(0, 1000), confidence: hit.confidence === 'high' ? 85 : hit.confidence === 'low' ? 15 : 50 });
      const sco = hit.type in HASH_KEY
        ? { type: 'file', spec_version: '2.1', id: stixId('file', `${hit.type}|${hit.value}`), hashes: { [HASH_KEY[hit.type]!]: hit.value }, name: hit.path.split('/').pop() ?? '' }
        : { type: hit.type === 'domain' ? 'domain-name' : 'url', spec_version: '2.1', id: stixId(hit.type === 'domain' ? 'domain-name' : 'url', hit.value), value: hit.value };
      add(sco);
      const observed = stixId('observed-data', `${h.id}|${hit.type}|${hit.value}|${hit.path}`);
      add({ type: 'observed-data', spec_version: '2.1', id: observed, created: ts, modified: ts, created_by_ref: tool, first_observed: r.startedAt, last_observed: r.finishedAt, number_observed: 1, object_refs: [sco.id] });
      add({ type: 'sighting', spec_version: '2.1', id: stixId('sighting', `${h.id}|${indicator}|${hit.path}`), created: ts, modified: ts, created_by_ref: tool, first_seen: r.startedAt, last_seen: r.finishedAt, count: 1, sighting_of_ref: indicator, observed_data_refs: [observed], where_sighted_refs: [host], description: `${hit.path} on ${h.name}` });
    }
  }
  return JSON.stringify({ type: 'bundle', id: stixId('bundle', `${r.startedAt}|${r.finishedAt}|${r.hosts.map((h) => h.id).join(',')}`), objects }, null, 2) + '\n';
}

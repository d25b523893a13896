/**
 * Finds network indicators in free text (logs, configs, browser history rows). Hosts match on
 * label boundaries, case-insensitively: `evil.com` matches `evil.com`, `www.evil.com` and
 * `EVIL.COM:443`, never `notevil.com` or `evil.com.au`. A benign decoy never matches; a domain
 * whose role is legitimate (abused service, compromised site) matches only through a URL entry
 * whose full host and path appear, e.g. raw.githubusercontent.com/IconStorages/images/... only.
 * Pure: no node:*.
 */
import { urlHost } from './normalize.js';
import type { IocSet, NetworkIndicator } from './types.js';

export interface NetworkMatch {
  indicator: NetworkIndicator;
  /** UTF-16 offset of the match in the text. */
  index: number;
  match: string;
}

interface Matcher {
  indicator: NetworkIndicator;
  order: number;
  re: RegExp;
}

const HOST_BEFORE = '(?<![a-z0-9_.-])';
const HOST_AFTER = '(?![a-z0-9_-]|\\.[a-z0-9_-])';

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The host+path pattern of a URL entry; a printf-style `%d` in a published URL stands for digits. */
function urlPattern(url: string): string {
  const host = urlHost(url);
  const afterHost = url.slice(url.indexOf(host) + host.length);
  const path = afterHost
    .split('%d')
    .map(escape)
    .join('[0-9]{1,10}');
  const tail = /[a-z0-9_-]$/i.test(afterHost) ? '(?![a-z0-9_-])' : '';
  return `${HOST_BEFORE}(?:[a-z][a-z0-9+.-]{0,15}://)?${escape(host)}${path}${tail}`;
}

function buildMatchers(network: NetworkIndicator[]): Matcher[] {
  const out: Matcher[] = [];
  network.forEach((indicator, order) => {
    if (indicator.role === 'benign-decoy') return;
    if (indicator.kind === 'domain') {
      if (indicator.role !== 'malicious') return;
      out.push({ indicator, order, re: new RegExp(`${HOST_BEFORE}(?:[a-z0-9-]{1,63}\\.)*${escape(indicator.value)}${HOST_AFTER}`, 'gi') });
    } else {
      out.push({ indicator, order, re: new RegExp(urlPattern(indicator.value), 'gi') });
    }
  });
  return out;
}

const cache = new WeakMap<NetworkIndicator[], Matcher[]>();

/**
 * Every place in `text` where an indicator appears, ordered by position. A malicious URL also
 * yields the hit of its domain at the same place; callers that want one hit per place keep the
 * URL (the more specific) one.
 */
export function findNetworkIndicators(set: IocSet, text: string): NetworkMatch[] {
  let matchers = cache.get(set.network);
  if (matchers === undefined) {
    matchers = buildMatchers(set.network);
    cache.set(set.network, matchers);
  }
  const hits: (NetworkMatch & { order: number })[] = [];
  for (const m of matchers) {
    m.re.lastIndex = 0;
    for (const r of text.matchAll(m.re)) hits.push({ indicator: m.indicator, index: r.index, match: r[0], order: m.order });
  }
  hits.sort((a, b) => a.index - b.index || a.order - b.order);
  return hits.map(({ indicator, index, match }) => ({ indicator, index, match }));
}

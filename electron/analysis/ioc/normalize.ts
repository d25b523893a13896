/**
 * Checks and normal forms for single indicator values. Each returns either the normalised value
 * or a message that names the offending value, so every caller (bundle build, bundle load, CSV
 * and JSON packs) reports the same mistake the same way. Pure: no node:*.
 */
import { HEX_LENGTH, type HashAlgorithm } from './types.js';

export type Checked = { ok: true; value: string } | { ok: false; message: string };

const MAX_SHOWN = 100;

/** Quote a value for a message: escaped (hostile packs may hold control characters) and bounded. */
export function show(value: string): string {
  const cut = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return JSON.stringify(cut);
}

/**
 * Lowercase hex of exactly the algorithm's length. `strict` (the committed bundle, JSON packs)
 * refuses uppercase instead of folding it, so the file on disk is already in normal form.
 */
export function checkHash(algorithm: HashAlgorithm | 'cdhash', raw: string, strict = false): Checked {
  const value = strict ? raw : raw.trim().toLowerCase();
  const need = algorithm === 'cdhash' ? 40 : HEX_LENGTH[algorithm];
  if (!/^[0-9a-f]*$/.test(value)) {
    const hint = strict && /^[0-9a-fA-F]+$/.test(value) ? ' (must be lowercase)' : '';
    return { ok: false, message: `${algorithm} value ${show(raw)} is not hex${hint}` };
  }
  if (value.length !== need) {
    return { ok: false, message: `${algorithm} value ${show(raw)} has ${value.length} hex digits (need ${need})` };
  }
  return { ok: true, value };
}

/** Undo the usual defanging: `[.]`, `(.)`, `{.}`, `[dot]`, `[:]`, `[://]`, `hxxp(s)`. */
export function refang(raw: string): string {
  return raw
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[:\]/g, ':')
    .replace(/^hxxp(s?):/i, 'http$1:');
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A DNS hostname: lowercase, at least two labels, letters/digits/hyphens, an alphabetic (or IDN)
 * top-level label. `strict` refuses anything not already in that form (defanged, uppercase,
 * trailing dot); otherwise the value is refanged, trimmed and lowercased first.
 */
export function checkDomain(raw: string, strict = false): Checked {
  if (/\s/.test(raw.trim()) || (strict && /\s/.test(raw))) {
    return { ok: false, message: `domain ${show(raw)} contains whitespace` };
  }
  if (strict && /[[\](){}]/.test(raw)) {
    return { ok: false, message: `domain ${show(raw)} is defanged; store it refanged (${show(refang(raw))})` };
  }
  let value = strict ? raw : refang(raw.trim()).toLowerCase();
  if (!strict && value.endsWith('.')) value = value.slice(0, -1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')) {
    return { ok: false, message: `domain ${show(raw)} looks like a URL (use type url)` };
  }
  if (strict && value !== value.toLowerCase()) {
    return { ok: false, message: `domain ${show(raw)} must be lowercase` };
  }
  if (value.length === 0 || value.length > 253) {
    return { ok: false, message: `domain ${show(raw)} must be 1 to 253 characters` };
  }
  const labels = value.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(tld)) {
    return { ok: false, message: `domain ${show(raw)} is not a valid hostname` };
  }
  return { ok: true, value };
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * An http(s) URL that parses, whose host is a valid hostname or IPv4 address. The stored form
 * keeps the path exactly as published (placeholders like `icon%d.ico` included) and lowercases
 * only scheme and host, which are case-insensitive.
 */
export function checkUrl(raw: string, strict = false): Checked {
  const text = strict ? raw : refang(raw.trim());
  if (/\s/.test(text)) return { ok: false, message: `url ${show(raw)} contains whitespace` };
  if (/[[\]]/.test(text)) {
    // strict: the stored form must be refanged; lenient: a bracket left after refanging is a
    // defanging style we do not know, so refuse rather than store a URL that never matches
    const detail = strict ? `store it refanged (${show(refang(raw))})` : 'brackets remain after refanging';
    return { ok: false, message: `url ${show(raw)} is defanged; ${detail}` };
  }
  const m = /^(https?):\/\/([^/?#@]+)(.*)$/i.exec(text);
  if (m === null) return { ok: false, message: `url ${show(raw)} must start with http:// or https:// and a host` };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { ok: false, message: `url ${show(raw)} does not parse` };
  }
  const [, scheme = '', authority = '', rest = ''] = m;
  const host = authority.replace(/:\d{1,5}$/, '');
  const hostOk = IPV4.test(host) || checkDomain(host.toLowerCase(), true).ok;
  if (!hostOk || parsed.hostname !== host.toLowerCase()) {
    return { ok: false, message: `url ${show(raw)} has an invalid host ${show(host)}` };
  }
  const value = `${scheme.toLowerCase()}://${authority.toLowerCase()}${rest}`;
  if (strict && value !== raw) {
    return { ok: false, message: `url ${show(raw)} must have a lowercase scheme and host` };
  }
  return { ok: true, value };
}

/** The host part of a URL already accepted by checkUrl. */
export function urlHost(url: string): string {
  const m = /^[a-z]+:\/\/([^/?#:]+)/.exec(url);
  return m?.[1] ?? '';
}

/** True when `host` is `base` or one of its subdomains. */
export function hostWithin(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

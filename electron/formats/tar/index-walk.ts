/**
 * Walk a tar archive's headers over a Reader and build an index of member offsets, so members
 * become slices of the archive (random access without extraction). pax (`x`, `g`) and GNU long
 * name/link (`L`, `K`) headers modify the next member; a bad header ends the walk with an issue.
 */
import { isoFromMs } from '../../io/iso-time.js';
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { BLOCK, isZeroBlock, parseHeader, parsePax, text } from './header.js';
import { TAR_LIMITS } from './limits.js';
import type { TarEntry, TarEntryType, TarIssue } from './types.js';

const pad = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

function typeOf(flag: string): TarEntryType {
  if (flag === '0' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

function paxTime(v: string | undefined): string | null {
  if (v === undefined || !/^-?[0-9]+(\.[0-9]+)?$/.test(v)) return null;
  const ms = Math.round(parseFloat(v) * 1000);
  return isoFromMs(ms);
}

const unixIso = (s: number | null): string | null => (s === null || s === 0 ? null : new Date(s * 1000).toISOString());

/** Throws ParseError when the first block is not a tar header at all. */
export async function indexTar(r: Reader, issues: TarIssue[], maxEntries: number = TAR_LIMITS.maxEntries): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  let at = 0;
  let global = new Map<string, string>();
  let pax: Map<string, string> | null = null;
  let longName: string | null = null;
  let longLink: string | null = null;
  let sawEnd = false;
  while (at + BLOCK <= r.size) {
    const block = await r.read(at, BLOCK);
    if (isZeroBlock(block)) {
      sawEnd = true;
      break;
    }
    let h;
    try {
      h = parseHeader(block, at);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      if (at === 0) throw err;
      issues.push({ severity: 'error', code: err.code, member: null, message: `tar walk stopped at offset ${at} after ${out.length} members: ${err.message}` });
      return out;
    }
    const dataOffset = at + BLOCK;
    const next = dataOffset + pad(h.size);
    if (h.size > r.size - dataOffset) {
      issues.push({ severity: 'error', code: 'truncated', member: h.name, message: `${h.name} is cut off: ${h.size} bytes declared, ${Math.max(0, r.size - dataOffset)} present; the walk stops here` });
      return out;
    }
    if (h.typeflag === 'x' || h.typeflag === 'g' || h.typeflag === 'L' || h.typeflag === 'K') {
      if (h.size > TAR_LIMITS.maxMetaBytes) {
        issues.push({ severity: 'error', code: 'limit-exceeded', member: null, message: `tar metadata header at ${at} declares ${h.size} bytes (cap ${TAR_LIMITS.maxMetaBytes}); the walk stops here` });
        return out;
      }
      const data = await r.read(dataOffset, h.size);
      try {
        if (h.typeflag === 'x') pax = parsePax(data, dataOffset);
        else if (h.typeflag === 'g') global = new Map([...global, ...parsePax(data, dataOffset)]);
        else if (h.typeflag === 'L') longName = text(data, 0, data.length);
        else longLink = text(data, 0, data.length);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
        issues.push({ severity: 'warning', code: err.code, member: null, message: `ignored a damaged pax header at ${at}: ${err.message}` });
      }
      at = next;
      continue;
    }
    if (out.length >= maxEntries) {
      issues.push({ severity: 'error', code: 'limit-exceeded', member: null, message: `more than ${maxEntries} tar members; the rest were skipped` });
      return out;
    }
    const meta = new Map([...global, ...(pax ?? [])]);
    const name = meta.get('path') ?? longName ?? h.name;
    const xattrs: Record<string, string> = {};
    for (const [k, v] of meta) if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice('SCHILY.xattr.'.length)] = v;
    let size = h.size;
    if (meta.has('size') && /^[0-9]+$/.test(meta.get('size')!)) size = Number(meta.get('size'));
    if (meta.has('GNU.sparse.major') || meta.has('GNU.sparse.size') || h.typeflag === 'S') {
      issues.push({ severity: 'warning', code: 'unsupported-version', member: name, message: `${name} is a GNU sparse member: listed with its stored bytes only` });
      size = h.size;
    }
    if (size !== h.size && size > r.size - dataOffset) size = h.size;
    out.push({
      index: out.length,
      name,
      type: typeOf(h.typeflag),
      size: typeOf(h.typeflag) === 'file' ? size : 0,
      headerOffset: at,
      dataOffset,
      linkName: meta.get('linkpath') ?? longLink ?? (h.linkname || null),
      mode: h.mode,
      modified: paxTime(meta.get('mtime')) ?? unixIso(h.mtime),
      accessed: paxTime(meta.get('atime')) ?? unixIso(h.atime),
      changed: paxTime(meta.get('ctime')) ?? unixIso(h.ctime),
      created: paxTime(meta.get('LIBARCHIVE.creationtime')),
      xattrs,
    });
    pax = null;
    longName = null;
    longLink = null;
    at = dataOffset + pad(size === h.size ? h.size : size);
  }
  if (!sawEnd && at < r.size) issues.push({ severity: 'warning', code: 'truncated', member: null, message: `tar ends with ${r.size - at} stray bytes` });
  return out;
}

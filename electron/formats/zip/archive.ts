/**
 * An open ZIP: its members (listed by node-stream-zip for a file on disk, by our own central-
 * directory reader for a ZIP inside other evidence, by a local-header walk when the central
 * directory is damaged), the issues met, and Readers over member content.
 */
import { ParseError } from '../../common/issues.js';
import { FileReader, openReadOnly } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';
import { SliceReader } from '../../io/slice-reader.js';
import { AES_MAC_BYTES, AesCtrReader, aesDecrypt, deriveAesKeys, type AesKeys } from './aes.js';
import { readCentralDirectory } from './central-directory.js';
import { FLAG_DATA_DESCRIPTOR } from './fields.js';
import { ZIP_LIMITS } from './limits.js';
import { locateMember, locateMembers, walkLocalHeaders } from './local-header.js';
import { listWithStreamZip } from './stream-zip.js';
import { guardSize, inflateRaw, storedBytes, zipCryptoDecrypt } from './streams.js';
import { StreamedReader } from './streamed-reader.js';
import type { ZipEntryInfo, ZipIssue, ZipMemberLocation, ZipOpenOptions } from './types.js';

export type ZipLister = 'node-stream-zip' | 'central-directory' | 'local-headers';

export class ZipArchive {
  /** Located members by index; a member whose local header failed is absent (see issues). */
  private readonly located = new Map<number, ZipMemberLocation>();
  /** Members whose deferred location failed (reported once). */
  private readonly failed = new Set<number>();

  private constructor(
    private readonly reader: Reader,
    private readonly ownsReader: boolean,
    readonly entries: readonly ZipEntryInfo[],
    readonly issues: ZipIssue[],
    readonly lister: ZipLister,
    private readonly opts: ZipOpenOptions,
  ) {}

  /** A ZIP file on disk: node-stream-zip lists it; our reader takes over if it refuses the archive. */
  static async openFile(path: string, opts: ZipOpenOptions = {}): Promise<ZipArchive> {
    const reader = await FileReader.open(path);
    try {
      const { handle } = await openReadOnly(path);
      let listed: Awaited<ReturnType<typeof listWithStreamZip>> | null = null;
      let failure = '';
      try {
        listed = await listWithStreamZip(handle.fd, opts.maxEntries ?? ZIP_LIMITS.maxEntries);
      } catch (err) {
        failure = (err as Error).message;
      } finally {
        await handle.close();
      }
      if (listed) {
        const issues: ZipIssue[] = [];
        if (listed.truncated) issues.push({ severity: 'error', code: 'limit-exceeded', member: null, message: `more than ${opts.maxEntries ?? ZIP_LIMITS.maxEntries} entries; the rest were skipped` });
        return await ZipArchive.finish(reader, true, listed.entries, issues, 'node-stream-zip', opts);
      }
      const z = await ZipArchive.open(reader, opts, true);
      z.issues.unshift({ severity: 'warning', code: 'lister-fallback', member: null, message: `node-stream-zip refused the archive (${failure}); read with the built-in reader` });
      return z;
    } catch (err) {
      await reader.close();
      throw err;
    }
  }

  /** A ZIP over any Reader (inside an image or another archive). Does not own the reader unless told. */
  static async open(reader: Reader, opts: ZipOpenOptions = {}, ownsReader = false): Promise<ZipArchive> {
    const issues: ZipIssue[] = [];
    const max = opts.maxEntries ?? ZIP_LIMITS.maxEntries;
    try {
      const cd = await readCentralDirectory(reader, issues, max);
      if (cd.entries.length > 0 || cd.eocd.entries === 0) return await ZipArchive.finish(reader, ownsReader, cd.entries, issues, 'central-directory', opts);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      issues.push({ severity: 'error', code: err.code, member: null, message: `central directory unusable: ${err.message}; recovering members from local headers` });
    }
    const walked = await walkLocalHeaders(reader, issues, max);
    if (walked.length === 0) throw new ParseError('bad-signature', { what: 'ZIP archive', offset: 0 }, 'neither a central directory nor any local header could be read');
    issues.push({ severity: 'warning', code: 'recovered', member: null, message: `${walked.length} members recovered from local headers (the central directory is missing or damaged)` });
    return ZipArchive.finish(reader, ownsReader, walked, issues, 'local-headers', opts);
  }

  private static async finish(reader: Reader, owns: boolean, entries: ZipEntryInfo[], issues: ZipIssue[], lister: ZipLister, opts: ZipOpenOptions): Promise<ZipArchive> {
    const z = new ZipArchive(reader, owns, entries, issues, lister, opts);
    if (opts.deferLocate) {
      // A quick look (which collector wrote this?): members are located when first read.
      for (const e of entries) {
        const bomb = z.bombReason(e);
        if (bomb) issues.push({ severity: 'error', code: 'limit-exceeded', member: e.name, message: bomb });
      }
      return z;
    }
    const out: ZipEntryInfo[] = [];
    const found = await locateMembers(reader, entries, issues);
    entries.forEach((e, i) => {
      const loc = found[i]!;
      if (loc instanceof ParseError) {
        issues.push({ severity: 'error', code: loc.code, member: e.name, message: `${e.name}: ${loc.message}` });
        out.push(e);
      } else {
        z.located.set(e.index, loc);
        out.push(loc.entry);
      }
      const bomb = z.bombReason(e);
      if (bomb) issues.push({ severity: 'error', code: 'limit-exceeded', member: e.name, message: bomb });
    });
    (z as { entries: readonly ZipEntryInfo[] }).entries = out;
    return z;
  }

  /** A member's location: found when the archive was opened, or now (deferLocate) and kept. */
  private async locate(e: ZipEntryInfo): Promise<ZipMemberLocation | undefined> {
    const have = this.located.get(e.index);
    if (have || !this.opts.deferLocate || this.failed.has(e.index)) return have;
    try {
      const loc = await locateMember(this.reader, e, this.issues);
      this.located.set(e.index, loc);
      return loc;
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      this.failed.add(e.index);
      this.issues.push({ severity: 'error', code: err.code, member: e.name, message: `${e.name}: ${err.message}` });
      return undefined;
    }
  }

  get size(): number {
    return this.reader.size;
  }

  /** Why a member will not be inflated (declared size or ratio), or null. */
  bombReason(e: ZipEntryInfo): string | null {
    if (e.isDir || e.method === 0) return null;
    const abs = this.opts.inflateMaxBytes ?? ZIP_LIMITS.inflateMaxBytes;
    if (e.size > abs) return `${e.name} declares ${e.size} bytes uncompressed, above the cap of ${abs}: not inflated (zip bomb?)`;
    const floor = this.opts.ratioFloorBytes ?? ZIP_LIMITS.ratioFloorBytes;
    const ratio = this.opts.maxRatio ?? ZIP_LIMITS.maxRatio;
    if (e.size > floor && e.size > ratio * Math.max(1, e.compressedSize)) {
      return `${e.name} would inflate ${e.compressedSize} bytes to ${e.size} (ratio ${Math.round(e.size / Math.max(1, e.compressedSize))}:1, cap ${ratio}:1): not inflated (zip bomb?)`;
    }
    return null;
  }

  /**
   * Where an unencrypted stored or deflated member's data lies, after the same checks openMember
   * makes (so a caller with faster I/O, a hash worker, can read it directly); null for any other member
   * and for one not located yet (deferLocate).
   */
  plainData(e: ZipEntryInfo): { dataOffset: number; method: 0 | 8; compressedSize: number; size: number; crc32: number } | null {
    const loc = this.located.get(e.index);
    if (!loc || e.isDir || e.encryption !== 'none' || (e.method !== 0 && e.method !== 8) || this.bombReason(e)) return null;
    return { dataOffset: loc.dataOffset, method: e.method, compressedSize: e.compressedSize, size: e.size, crc32: e.crc32 };
  }

  /** A Reader over one member's content. Throws ParseError naming the member when it cannot be read. */
  async openMember(member: ZipEntryInfo): Promise<Reader> {
    const loc = await this.locate(member);
    if (!loc) throw new ParseError('bad-signature', { what: `local header of ${member.name}` }, `${member.name}: its local header could not be read`);
    const e = loc.entry; // with what the local header adds (AES parameters) when located late
    if (e.isDir) throw new ParseError('decode', { what: e.name }, `${e.name} is a directory`);
    if (e.encryption === 'strong') {
      throw new ParseError('encrypted', { what: e.name }, `${e.name} uses PKWARE strong encryption, which is not supported: decrypt it with the collector's tools first`);
    }
    if (e.encryption !== 'none' && this.opts.password === undefined) {
      throw new ParseError('encrypted', { what: e.name }, `${e.name} is password-protected (${e.encryption === 'aes' ? 'WinZip AES' : 'ZipCrypto'}): give the password with --password`);
    }
    const bomb = this.bombReason(e);
    if (bomb) throw new ParseError('limit-exceeded', { what: e.name, need: e.size }, bomb);
    const method = e.encryption === 'aes' ? e.aesActualMethod : e.method;
    if (method !== 0 && method !== 8) {
      throw new ParseError('unsupported-version', { what: e.name }, `${e.name} uses compression method ${String(method)}; only stored (0) and deflate (8) are supported`);
    }
    const onIssue = (code: string, msg: string): void => this.issue(code, e.name, msg);
    let keys: AesKeys | null = null;
    if (e.encryption === 'aes') {
      keys = await deriveAesKeys(this.reader, loc.dataOffset, e.compressedSize, e.aesStrength, this.opts.password!, e.name);
      if (method === 0) {
        if (keys.dataLength !== e.size) this.issue('size-mismatch', e.name, `AES member ${e.name} holds ${keys.dataLength} bytes but declares ${e.size}`);
        return new AesCtrReader(this.reader, loc.dataOffset, keys, e.name, onIssue);
      }
    } else if (method === 0 && e.encryption === 'none') {
      if (e.compressedSize !== e.size) this.issue('size-mismatch', e.name, `stored member ${e.name} has compressed size ${e.compressedSize} but size ${e.size}`);
      return new SliceReader(this.reader, loc.dataOffset, Math.min(e.size, e.compressedSize));
    }
    const checkByte = e.flags & FLAG_DATA_DESCRIPTOR ? (e.dosTime >> 8) & 0xff : e.crc32 >>> 24;
    // AE-2 leaves the CRC at 0 (the MAC authenticates instead); AE-1 keeps it.
    const crc = keys && (e.aesVendorVersion === 2 || e.crc32 === 0) ? null : e.crc32;
    const source = (): AsyncIterable<Uint8Array> => {
      let s: AsyncIterable<Uint8Array>;
      if (keys) {
        const k = keys;
        const macAt = loc.dataOffset + k.dataStart + k.dataLength;
        s = aesDecrypt(storedBytes(this.reader, loc.dataOffset + k.dataStart, k.dataLength), k, () => this.reader.read(macAt, AES_MAC_BYTES), e.name, onIssue);
      } else {
        s = storedBytes(this.reader, loc.dataOffset, e.compressedSize);
        if (e.encryption === 'zipcrypto') s = zipCryptoDecrypt(s, this.opts.password!, checkByte, e.name);
      }
      if (method === 8) s = inflateRaw(s, e.name);
      return guardSize(s, { member: e.name, size: e.size, crc32: crc, onIssue });
    };
    return new StreamedReader(e.size, source, {
      what: `ZIP member ${e.name}`,
      ...(this.opts.memoryMaxBytes !== undefined ? { memoryMaxBytes: this.opts.memoryMaxBytes } : {}),
      ...(this.opts.spillMaxBytes !== undefined ? { spillMaxBytes: this.opts.spillMaxBytes } : {}),
      ...(this.opts.tempDir !== undefined ? { tempDir: this.opts.tempDir } : {}),
    });
  }

  private issue(code: string, member: string, message: string): void {
    if (!this.issues.some((i) => i.code === code && i.member === member)) this.issues.push({ severity: 'error', code, member, message });
  }

  async close(): Promise<void> {
    if (this.ownsReader) await this.reader.close();
  }
}

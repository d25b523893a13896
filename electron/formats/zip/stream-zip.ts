/**
 * Listing a ZIP *file on disk* with node-stream-zip (the project's chosen library for that case).
 * Entries are taken from its 'entry' events, so duplicate names survive (its name-keyed map would
 * keep only the last), and its name validation is off: hostile names are data for us to neutralise
 * (evidence/filesystems), not a reason to refuse the whole collection.
 */
import type StreamZip from 'node-stream-zip';
import { FLAG_ENCRYPTED, FLAG_STRONG_ENCRYPTION } from './fields.js';
import type { ZipEncryption, ZipEntryInfo } from './types.js';

interface RawStreamZipEntry {
  name: string;
  isDirectory: boolean;
  verMade: number;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  attr: number;
}

export async function listWithStreamZip(fd: number, maxEntries: number): Promise<{ entries: ZipEntryInfo[]; truncated: boolean }> {
  const entries: ZipEntryInfo[] = [];
  let truncated = false;
  // Loaded here, not at start-up: only evidence that is a ZIP file needs it.
  const { default: Zip } = await import('node-stream-zip');
  await new Promise<void>((resolve, reject) => {
    const zip = new Zip({ fd, storeEntries: false, skipEntryNameValidation: true } as StreamZip.StreamZipOptions);
    zip.on('entry', (raw: RawStreamZipEntry) => {
      if (entries.length >= maxEntries) {
        truncated = true;
        return;
      }
      entries.push(fromStreamZip(raw, entries.length));
    });
    zip.on('ready', () => resolve());
    zip.on('error', (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
  });
  return { entries, truncated };
}

function fromStreamZip(e: RawStreamZipEntry, index: number): ZipEntryInfo {
  let encryption: ZipEncryption = 'none';
  if (e.flags & FLAG_ENCRYPTED) encryption = e.flags & FLAG_STRONG_ENCRYPTION ? 'strong' : e.method === 99 ? 'aes' : 'zipcrypto';
  // node-stream-zip reads the DOS stamp as if it were UTC ("... GMT+0"): the wall-clock value as stored, zone unknown.
  const t = (e as unknown as { time: number }).time;
  const dos = Number.isFinite(t) && t > 0 ? new Date(t).toISOString() : null;
  return {
    index,
    name: e.name,
    isDir: e.isDirectory,
    versionMadeBy: e.verMade,
    flags: e.flags,
    method: e.method,
    crc32: e.crc >>> 0,
    compressedSize: e.compressedSize,
    size: e.size,
    localHeaderOffset: e.offset,
    externalAttributes: e.attr >>> 0,
    dosTime: Number.isFinite(t) ? (new Date(t).getUTCHours() << 11) | (new Date(t).getUTCMinutes() << 5) | (new Date(t).getUTCSeconds() >> 1) : 0,
    encryption,
    times: { modified: dos, accessed: null, created: null, basis: dos ? 'local-no-zone' : 'none' },
  };
}

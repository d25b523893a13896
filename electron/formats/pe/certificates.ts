import { ParseError } from '../../common/issues.js';
import { LIMITS } from '../../common/limits.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { findNeedles } from '../../io/find-bytes.js';
import type { Reader } from '../../io/reader.js';
import { decryptPayload } from './payload.js';
import type { PeCertEntry, PeCertTable, PeIssue } from './types.js';

const WIN_CERTIFICATE_HEADER = 8;
const WIN_CERT_TYPE_PKCS_SIGNED_DATA = 2;
/** Largest PKCS#7 decoded for its signer; Authenticode blobs with a full chain stay under 64 KiB. */
export const PKCS7_MAX_DECODE_BYTES = 1024 * 1024;
/** FE ED FA CE offsets listed; the payload is taken after the last one found within this cap. */
export const MAX_FEEDFACE_HITS = 1024;
const FEEDFACE = Uint8Array.from([0xfe, 0xed, 0xfa, 0xce]);

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Header + content length of the DER object at the start of `c`, or null if not a definite SEQUENCE. */
export function derSequenceLength(c: ByteCursor): number | null {
  if (!c.has(0, 2) || c.u8(0, 'DER tag') !== 0x30) return null;
  const first = c.u8(1, 'DER length');
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || !c.has(2, n)) return null; // indefinite length is not DER; > 4 GiB is nonsense here
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + c.u8(2 + i, 'DER length');
  return 2 + n + len;
}

/**
 * Walks IMAGE_DIRECTORY_ENTRY_SECURITY: WIN_CERTIFICATE entries on 8-byte boundaries, the DER
 * length of each PKCS#7 (to find data hidden after it, CVE-2013-3900), every FE ED FA CE in the
 * directory, and the 3CX-style payload after the last one. Reads small windows only.
 */
export async function readCertTable(reader: Reader, dir: { rva: number; size: number } | undefined, issues: PeIssue[]): Promise<PeCertTable | null> {
  if (!dir || (dir.rva === 0 && dir.size === 0)) return null;
  const { rva: offset, size } = dir; // this directory holds a file offset, not an RVA
  const table: PeCertTable = { offset, size, entries: [], bytesAfterEntries: 0, feedface: [], payload: null };
  let end = offset + size;
  if (end > reader.size) {
    issues.push({ message: `certificate table [${offset}, ${end}) lies outside the file (${reader.size} bytes)`, offset });
    end = Math.max(offset, reader.size);
  }
  if (end - offset > LIMITS.peMaxCertTableBytes) {
    issues.push({ message: `certificate table of ${end - offset} bytes above the cap ${LIMITS.peMaxCertTableBytes}: only its start is read`, offset });
    end = offset + LIMITS.peMaxCertTableBytes;
  }
  if (offset >= end) return table;

  let pos = offset;
  while (pos + WIN_CERTIFICATE_HEADER <= end) {
    if (table.entries.length >= LIMITS.peMaxCertEntries) {
      issues.push({ message: `more than ${LIMITS.peMaxCertEntries} WIN_CERTIFICATE entries: the rest is not read`, offset: pos });
      break;
    }
    const entry = await readEntry(reader, pos, end, issues);
    if (!entry) break;
    table.entries.push(entry);
    pos = offset + align8(pos - offset + entry.dwLength);
  }
  table.bytesAfterEntries = Math.max(0, end - pos);

  const hits = await findNeedles(reader, [{ id: 'feedface', bytes: FEEDFACE }], { start: offset, end, maxHitsPerNeedle: MAX_FEEDFACE_HITS });
  table.feedface = hits.map((h) => h.offset);
  if (hits.length >= MAX_FEEDFACE_HITS) issues.push({ message: `more than ${MAX_FEEDFACE_HITS} FE ED FA CE markers: the payload starts after the last one listed`, offset });
  const last = table.feedface.at(-1);
  if (last !== undefined) {
    const holder = table.entries.find((e) => e.offset <= last && last < e.offset + e.dwLength);
    const payloadEnd = Math.min(end, holder ? holder.offset + holder.dwLength : end);
    const start = last + FEEDFACE.length;
    table.payload = await decryptPayload(reader, last, start, Math.max(0, payloadEnd - start));
  }
  return table;
}

async function readEntry(reader: Reader, pos: number, end: number, issues: PeIssue[]): Promise<PeCertEntry | null> {
  const h = new ByteCursor(await reader.read(pos, WIN_CERTIFICATE_HEADER), pos);
  const dwLength = h.u32(0, 'WIN_CERTIFICATE.dwLength');
  const revision = h.u16(4, 'WIN_CERTIFICATE.wRevision');
  const certificateType = h.u16(6, 'WIN_CERTIFICATE.wCertificateType');
  if (dwLength < WIN_CERTIFICATE_HEADER) {
    issues.push({ message: `WIN_CERTIFICATE.dwLength ${dwLength} is smaller than its header: entries end here`, offset: pos });
    return null;
  }
  let entryEnd = pos + dwLength;
  if (entryEnd > end) {
    issues.push({ message: `WIN_CERTIFICATE.dwLength ${dwLength} runs ${entryEnd - end} bytes past the certificate table`, offset: pos });
    entryEnd = end;
  }
  const data = pos + WIN_CERTIFICATE_HEADER;
  const derHead = new ByteCursor(await reader.read(data, Math.min(6, entryEnd - data)), data);
  let pkcs7Length = derSequenceLength(derHead);
  const entry: PeCertEntry = {
    offset: pos, dwLength, revision, certificateType, pkcs7Length,
    trailingOffset: entryEnd, trailingBytes: 0, signer: null, signingTime: null,
  };
  if (pkcs7Length === null) {
    issues.push({ message: 'WIN_CERTIFICATE data does not start with a DER SEQUENCE', offset: data });
    return entry;
  }
  if (data + pkcs7Length > entryEnd) {
    issues.push({ message: `PKCS#7 length ${pkcs7Length} runs past its WIN_CERTIFICATE (${entryEnd - data} bytes)`, offset: data });
    pkcs7Length = entryEnd - data;
  }
  const derEnd = data + pkcs7Length;
  entry.trailingOffset = derEnd;
  entry.trailingBytes = await isAlignmentPadding(reader, derEnd, entryEnd) ? 0 : entryEnd - derEnd;

  if (certificateType === WIN_CERT_TYPE_PKCS_SIGNED_DATA && pkcs7Length <= PKCS7_MAX_DECODE_BYTES) {
    // The ASN.1 packages load only once a signed PE turns up (a scan of an unsigned tree never needs them).
    const { describeSigner } = await import('./authenticode.js');
    try {
      const s = describeSigner(await reader.read(data, pkcs7Length), data);
      entry.signer = s.signer;
      entry.signingTime = s.signingTime;
      if (!s.signer) issues.push({ message: 'PKCS#7 names no signer certificate that it carries', offset: data });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push({ message: e.message, offset: e.offset ?? data });
    }
  } else if (certificateType === WIN_CERT_TYPE_PKCS_SIGNED_DATA) {
    issues.push({ message: `PKCS#7 of ${pkcs7Length} bytes above the decode cap ${PKCS7_MAX_DECODE_BYTES}: signer not read`, offset: data });
  }
  return entry;
}

/** Fewer than 8 zero bytes that end the entry on an 8-byte boundary are padding, not hidden data. */
async function isAlignmentPadding(reader: Reader, from: number, to: number): Promise<boolean> {
  if (to === from) return true;
  if (to - from >= 8 || to % 8 !== 0) return false;
  return (await reader.read(from, to - from)).every((b) => b === 0);
}

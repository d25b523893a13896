/**
 * Embedded code signature: the SuperBlob that LC_CODE_SIGNATURE points at, and the
 * CodeDirectory blobs in it (identifier, team id, cdhash), plus the CMS blob (cms-signature.ts).
 * All fields big-endian. See SPEC.md.
 */
import { createHash } from 'node:crypto';
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { checkedEnd, type ByteCursor } from '../../io/byte-cursor.js';
import {
  CDHASH_BYTES, CS_HASH_TYPES, CS_SUPPORTSTEAMID, CSMAGIC_CODEDIRECTORY, CSMAGIC_EMBEDDED_SIGNATURE,
  CSSLOT_ALTERNATE_CODEDIRECTORIES, CSSLOT_CODEDIRECTORY, CSSLOT_SIGNATURESLOT, MACHO_LIMITS,
} from './constants.js';
import type { CmsSignatureInfo } from './cms-signature.js';
import { readWindow } from './window.js';

export interface CodeSignatureInfo {
  /** Absolute file offset of the SuperBlob (slice offset + LC_CODE_SIGNATURE dataoff). */
  offset: number;
  size: number;
  identifier: string | null;
  teamId: string | null;
  /** Digest of the preferred CodeDirectory with its own hash type, first 20 bytes, hex. */
  cdhash: string | null;
  /** CodeDirectory hashType of the one the cdhash was taken from (1 SHA-1, 2 SHA-256, ...). */
  hashType?: number;
  /** The CMS blob (slot 0x10000), when the SuperBlob has one: signer, signing time, timestamp. */
  cms?: CmsSignatureInfo;
  /** Why the fields above are null, when the blob could not be read. */
  problem?: string;
}

interface SuperBlobContents {
  best: CodeDirectory | null;
  cms?: CmsSignatureInfo;
}

interface CodeDirectory {
  version: number;
  hashType: number;
  identifier: string | null;
  teamId: string | null;
  cdhash: string | null;
}

/** Never throws for a bad signature blob: the slice is still a Mach-O, so the problem is reported. */
export async function readCodeSignature(reader: Reader, sliceOffset: number, sliceSize: number, dataoff: number, datasize: number): Promise<CodeSignatureInfo> {
  const info: CodeSignatureInfo = { offset: sliceOffset + dataoff, size: datasize, identifier: null, teamId: null, cdhash: null };
  try {
    const { best: cd, cms } = await readSuperBlob(reader, sliceOffset, sliceSize, dataoff, datasize);
    if (cms) info.cms = cms;
    if (cd) {
      info.identifier = cd.identifier;
      info.teamId = cd.teamId;
      info.cdhash = cd.cdhash;
      info.hashType = cd.hashType;
    } else {
      info.problem = 'no CodeDirectory in the signature';
    }
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    info.problem = e.message;
  }
  return info;
}

async function readSuperBlob(reader: Reader, sliceOffset: number, sliceSize: number, dataoff: number, datasize: number): Promise<SuperBlobContents> {
  checkedEnd(dataoff, datasize, sliceSize, 'LC_CODE_SIGNATURE data');
  const sbAt = sliceOffset + dataoff;
  const head = await readWindow(reader, sbAt, 12, 'SuperBlob header');
  const magic = head.u32be(0, 'SuperBlob magic'); // 0x00
  if (magic !== CSMAGIC_EMBEDDED_SIGNATURE) {
    throw new ParseError('bad-signature', { what: `SuperBlob magic 0x${magic.toString(16)}`, offset: sbAt });
  }
  const length = Math.min(head.u32be(4, 'SuperBlob length'), datasize); // 0x04
  const count = head.u32be(8, 'SuperBlob count'); // 0x08
  if (count > MACHO_LIMITS.maxSuperBlobEntries) {
    throw new ParseError('limit-exceeded', { what: 'SuperBlob index entries', offset: sbAt + 8, need: count, have: MACHO_LIMITS.maxSuperBlobEntries });
  }
  checkedEnd(12, count * 8, length, 'SuperBlob index');
  const index = await readWindow(reader, sbAt + 12, count * 8, 'SuperBlob index');
  let best: CodeDirectory | null = null;
  let cms: CmsSignatureInfo | undefined;
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const type = index.u32be(i * 8, 'BlobIndex type'); // +0
    const off = index.u32be(i * 8 + 4, 'BlobIndex offset'); // +4
    // The ASN.1 packages load only for a binary that carries a CMS signature blob.
    if (type === CSSLOT_SIGNATURESLOT && !cms) cms = await (await import('./cms-signature.js')).readCmsBlob(reader, sbAt, length, off);
    const isCd = type === CSSLOT_CODEDIRECTORY || (type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && type < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5);
    if (!isCd || seen.has(off)) continue;
    seen.add(off);
    const cd = await readCodeDirectory(reader, sbAt, length, off);
    const rank = (d: CodeDirectory) => CS_HASH_TYPES[d.hashType]?.rank ?? 0;
    if (!best || rank(cd) > rank(best)) best = cd;
  }
  return cms ? { best, cms } : { best };
}

async function readCodeDirectory(reader: Reader, sbAt: number, sbLength: number, off: number): Promise<CodeDirectory> {
  checkedEnd(off, 8, sbLength, 'CodeDirectory blob header');
  const h = await readWindow(reader, sbAt + off, 8, 'CodeDirectory header');
  const magic = h.u32be(0, 'CodeDirectory magic');
  if (magic !== CSMAGIC_CODEDIRECTORY) {
    throw new ParseError('bad-signature', { what: `CodeDirectory magic 0x${magic.toString(16)}`, offset: sbAt + off });
  }
  const length = h.u32be(4, 'CodeDirectory length');
  if (length > MACHO_LIMITS.maxCodeDirectoryBytes) {
    throw new ParseError('limit-exceeded', { what: 'CodeDirectory length', offset: sbAt + off + 4, need: length, have: MACHO_LIMITS.maxCodeDirectoryBytes });
  }
  checkedEnd(off, length, sbLength, 'CodeDirectory');
  const c = await readWindow(reader, sbAt + off, length, 'CodeDirectory');
  const version = c.u32be(0x08, 'CodeDirectory version');
  const identOffset = c.u32be(0x14, 'CodeDirectory identOffset');
  const hashType = c.u8(0x25, 'CodeDirectory hashType');
  const teamOffset = version >= CS_SUPPORTSTEAMID ? c.u32be(0x30, 'CodeDirectory teamOffset') : 0;
  const alg = CS_HASH_TYPES[hashType]?.alg;
  return {
    version,
    hashType,
    identifier: cString(c, identOffset, 'CodeDirectory identifier'),
    teamId: teamOffset === 0 ? null : cString(c, teamOffset, 'CodeDirectory teamID'),
    cdhash: alg ? createHash(alg).update(c.bytes).digest('hex').slice(0, CDHASH_BYTES * 2) : null,
  };
}

/** NUL-terminated string inside the CodeDirectory, bounded by its length and a cap. */
function cString(c: ByteCursor, off: number, what: string): string {
  c.need(off, 1, what);
  const max = Math.min(c.length - off, MACHO_LIMITS.maxIdentifierBytes);
  const raw = c.raw(off, max, what);
  const end = raw.indexOf(0);
  if (end < 0) throw new ParseError('decode', { what: `${what} has no terminating NUL`, offset: c.base + off });
  return new TextDecoder('utf-8').decode(raw.subarray(0, end));
}

/**
 * The CMS signature of an embedded code signature (SuperBlob slot 0x10000, blob wrapper magic
 * 0xFADE0B01): a detached PKCS#7 SignedData over the slot-0 CodeDirectory. It names the Developer
 * ID certificate (its OU is the team id), the signingTime codesign put in the signed attributes,
 * and Apple's secure timestamp (an RFC 3161 token in the unsigned attributes). See SPEC.md.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { Time } from '@peculiar/asn1-x509';
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { ByteCursor, checkedEnd } from '../../io/byte-cursor.js';
import { CSMAGIC_BLOBWRAPPER, MACHO_LIMITS } from './constants.js';
import { carriedCertificates, certFacts, decodeSignedData, DIGEST_NAMES, guard, nameValue, signerCertificate, type CmsCertificate } from './cms-certs.js';
import { derElement, derOid } from './der.js';
import { readTimestampToken, type CmsTimestamp } from './timestamp.js';
import { readWindow } from './window.js';

const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
/** Apple's CDHashes2 signed attribute: SEQUENCE { digest algorithm OID, OCTET STRING digest } per CodeDirectory. */
const OID_APPLE_CDHASHES2 = '1.2.840.113635.100.9.2';

export interface CmsSigner extends CmsCertificate {
  commonName: string | null;
  /** Apple puts the team id in the Developer ID certificate's OU (and UID). */
  organizationalUnit: string | null;
  organization: string | null;
}

export interface CmsSignatureInfo {
  /** Absolute file offset of the blob wrapper and its declared length (header included). */
  offset: number;
  length: number;
  /** A wrapper with no CMS inside: what ad-hoc signing writes. */
  empty: boolean;
  signer: CmsSigner | null;
  /** Every certificate the CMS carries (leaf, Developer ID CA, ...), at most `maxCmsCertificates`. */
  certificates: CmsCertificate[];
  /** signingTime signed attribute (the signing Mac's clock: covered by the signature, not attested). */
  signingTime: string | null;
  /** Apple CDHashes2: the full CodeDirectory digests the signature covers (hex). */
  signedCdHashes: { algorithm: string; digest: string }[];
  /** The RFC 3161 token Apple's timestamp server issued (attested time), when present. */
  timestamp: CmsTimestamp | null;
  /** Why the fields above are empty although a CMS is present. */
  problem?: string;
}

/** Never throws ParseError for damage inside the CMS: it is reported in `problem`. */
export async function readCmsBlob(reader: Reader, sbAt: number, sbLength: number, off: number): Promise<CmsSignatureInfo> {
  const info: CmsSignatureInfo = { offset: sbAt + off, length: 0, empty: false, signer: null, certificates: [], signingTime: null, signedCdHashes: [], timestamp: null };
  try {
    checkedEnd(off, 8, sbLength, 'CMS blob header');
    const h = await readWindow(reader, sbAt + off, 8, 'CMS blob header');
    const magic = h.u32be(0, 'CMS blob magic');
    if (magic !== CSMAGIC_BLOBWRAPPER) throw new ParseError('bad-signature', { what: `CMS blob magic 0x${magic.toString(16)}`, offset: sbAt + off });
    info.length = h.u32be(4, 'CMS blob length');
    if (info.length < 8) throw new ParseError('decode', { what: `CMS blob length ${info.length}`, offset: sbAt + off + 4 });
    if (info.length - 8 > MACHO_LIMITS.maxCmsBytes) {
      throw new ParseError('limit-exceeded', { what: 'CMS blob length', offset: sbAt + off + 4, need: info.length - 8, have: MACHO_LIMITS.maxCmsBytes });
    }
    checkedEnd(off, info.length, sbLength, 'CMS blob');
    if (info.length === 8) {
      info.empty = true;
      return info;
    }
    const body = await readWindow(reader, sbAt + off + 8, info.length - 8, 'CMS blob');
    // codesign may leave zero padding after the DER inside the wrapper: decode exactly one element.
    const top = derElement(body, 0, 'CMS ContentInfo');
    Object.assign(info, describeCms(body.bytes.subarray(0, top.end), body.base));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    info.problem = e.message;
  }
  return info;
}

type CmsFacts = Pick<CmsSignatureInfo, 'signer' | 'certificates' | 'signingTime' | 'signedCdHashes' | 'timestamp'>;

/** Decodes a DER ContentInfo(SignedData) held in memory; any ASN.1 failure becomes ParseError('decode'). */
export function describeCms(der: Uint8Array, offset: number): CmsFacts {
  return guard(offset, 'CMS', () => cmsFacts(der, offset));
}

function cmsFacts(der: Uint8Array, offset: number): CmsFacts {
  const sd = decodeSignedData(der, offset, 'CMS');
  const certs = carriedCertificates(sd);
  const si = sd.signerInfos[0];
  const facts: CmsFacts = {
    signer: null,
    certificates: certs.slice(0, MACHO_LIMITS.maxCmsCertificates).map(certFacts),
    signingTime: null,
    signedCdHashes: [],
    timestamp: null,
  };
  if (!si) return facts;
  const cert = signerCertificate(si, certs);
  if (cert) {
    const subject = cert.tbsCertificate.subject;
    facts.signer = { ...certFacts(cert), commonName: nameValue(subject, '2.5.4.3'), organizationalUnit: nameValue(subject, '2.5.4.11'), organization: nameValue(subject, '2.5.4.10') };
  }
  facts.signingTime = guard(offset, 'signingTime attribute', () => {
    const v = (si.signedAttrs ?? []).find((a) => a.attrType === OID_SIGNING_TIME)?.attrValues[0];
    return v ? AsnParser.parse(v, Time).getTime().toISOString() : null;
  });
  const cd = (si.signedAttrs ?? []).find((a) => a.attrType === OID_APPLE_CDHASHES2);
  facts.signedCdHashes = (cd?.attrValues ?? []).slice(0, MACHO_LIMITS.maxCmsCertificates).map((v) => cdHashEntry(new Uint8Array(v), offset));
  const token = (si.unsignedAttrs ?? []).find((a) => a.attrType === OID_TIMESTAMP_TOKEN)?.attrValues[0];
  if (token) {
    facts.timestamp = readTimestampToken(new Uint8Array(token), offset, new Uint8Array(si.signature.buffer));
  }
  return facts;
}

/** One CDHashes2 value: SEQUENCE { OID, OCTET STRING }. */
function cdHashEntry(v: Uint8Array, offset: number): { algorithm: string; digest: string } {
  const c = new ByteCursor(v, offset);
  const seq = derElement(c, 0, 'CDHashes2 entry');
  const oidEl = derElement(c, seq.contentStart, 'CDHashes2 algorithm', seq.end);
  const dig = derElement(c, oidEl.end, 'CDHashes2 digest', seq.end);
  if (seq.tag !== 0x30 || dig.tag !== 0x04) throw new ParseError('decode', { what: 'CDHashes2 entry is not SEQUENCE { OID, OCTET STRING }', offset });
  const oid = derOid(c, oidEl, 'CDHashes2 algorithm');
  return { algorithm: DIGEST_NAMES[oid] ?? oid, digest: Buffer.from(c.raw(dig.contentStart, dig.contentLength, 'CDHashes2 digest')).toString('hex') };
}

/**
 * Apple's secure timestamp: an RFC 3161 TimeStampToken (a CMS SignedData whose content is a
 * TSTInfo) in the code-signature SignerInfo's unsigned attribute id-aa-timeStampToken. Its
 * genTime is the time Apple's timestamp server vouched for, unlike signingTime which the signing
 * Mac's clock wrote. The token's messageImprint must be the digest of the signature value.
 */
import { createHash } from 'node:crypto';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';
import { carriedCertificates, certFacts, decodeSignedData, DIGEST_NAMES, guard, signerCertificate, type CmsCertificate } from './cms-certs.js';
import { derChildren, derElement, derGeneralizedTime, derIntegerHex, derOid } from './der.js';

const OID_TSTINFO = '1.2.840.113549.1.9.16.1.4';
/** TSTInfo has 10 fields at most (RFC 3161 §2.4.2). */
const MAX_TSTINFO_FIELDS = 10;

export interface CmsTimestamp {
  /** TSTInfo genTime, ISO 8601 UTC with milliseconds; null when the token did not decode. */
  time: string | null;
  serialHex: string | null;
  policy: string | null;
  imprintAlgorithm: string | null;
  /** The imprint equals the digest of this signature's value: the token belongs to it. */
  imprintMatches: boolean | null;
  /** The timestamp authority's certificate, when the token carries it. */
  tsa: CmsCertificate | null;
  problem?: string;
}

/** Never throws ParseError: a broken token is reported in `problem`. */
export function readTimestampToken(der: Uint8Array, offset: number, signatureValue: Uint8Array): CmsTimestamp {
  const out: CmsTimestamp = { time: null, serialHex: null, policy: null, imprintAlgorithm: null, imprintMatches: null, tsa: null };
  try {
    guard(offset, 'timestamp token', () => tokenFacts(der, offset, signatureValue, out));
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    out.problem = e.message;
  }
  return out;
}

function tokenFacts(der: Uint8Array, offset: number, signatureValue: Uint8Array, out: CmsTimestamp): void {
  const sd = decodeSignedData(der, offset, 'timestamp token');
  const si = sd.signerInfos[0];
  const certs = carriedCertificates(sd);
  const cert = si ? signerCertificate(si, certs) : undefined;
  if (cert) out.tsa = certFacts(cert);
  const eci = sd.encapContentInfo;
  if (eci.eContentType !== OID_TSTINFO) throw new ParseError('decode', { what: `timestamp token content type ${eci.eContentType} (not TSTInfo)`, offset });
  const content = eci.eContent?.single?.buffer ?? eci.eContent?.any;
  if (!content) throw new ParseError('decode', { what: 'timestamp token without TSTInfo', offset });
  Object.assign(out, tstInfo(new ByteCursor(new Uint8Array(content), offset), signatureValue));
}

/**
 * TSTInfo ::= SEQUENCE { version INTEGER, policy OID, messageImprint SEQUENCE { AlgorithmIdentifier,
 * OCTET STRING }, serialNumber INTEGER, genTime GeneralizedTime, ... } — only these five are read.
 */
function tstInfo(c: ByteCursor, signatureValue: Uint8Array): Partial<CmsTimestamp> {
  let top = derElement(c, 0, 'TSTInfo');
  // eContent given as `any` still holds the OCTET STRING wrapper.
  if (top.tag === 0x04) top = derElement(c, top.contentStart, 'TSTInfo', top.end);
  if (top.tag !== 0x30) throw new ParseError('decode', { what: 'TSTInfo is not a SEQUENCE', offset: c.base });
  const f = derChildren(c, top, 'TSTInfo', MAX_TSTINFO_FIELDS);
  if (f.length < 5) throw new ParseError('decode', { what: `TSTInfo with ${f.length} fields (need 5)`, offset: c.base });
  const policy = f[1]!, imprint = f[2]!, serial = f[3]!, genTime = f[4]!;
  if (imprint.tag !== 0x30) throw new ParseError('decode', { what: 'messageImprint is not a SEQUENCE', offset: c.base + imprint.start });
  const mi = derChildren(c, imprint, 'messageImprint', 2);
  const algId = mi[0] && mi[0].tag === 0x30 ? derChildren(c, mi[0], 'messageImprint algorithm', 2)[0] : undefined;
  const digest = mi[1];
  if (!algId || !digest || digest.tag !== 0x04) throw new ParseError('decode', { what: 'messageImprint is not SEQUENCE { AlgorithmIdentifier, OCTET STRING }', offset: c.base + imprint.start });
  const algOid = derOid(c, algId, 'messageImprint algorithm');
  const alg = DIGEST_NAMES[algOid];
  const imprinted = Buffer.from(c.raw(digest.contentStart, digest.contentLength, 'messageImprint digest'));
  return {
    time: derGeneralizedTime(c, genTime, 'TSTInfo genTime'),
    serialHex: derIntegerHex(c, serial, 'TSTInfo serialNumber'),
    policy: derOid(c, policy, 'TSTInfo policy'),
    imprintAlgorithm: alg ?? algOid,
    imprintMatches: alg ? createHash(alg).update(signatureValue).digest().equals(imprinted) : null,
  };
}

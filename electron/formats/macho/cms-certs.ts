/**
 * Certificate and SignedData helpers shared by the code-signature CMS and the timestamp token it
 * carries (itself a CMS ContentInfo). Names print as openssl's one-line form, in encoded order.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData, id_signedData, type SignerInfo } from '@peculiar/asn1-cms';
import type { Certificate, Name, Time } from '@peculiar/asn1-x509';
import { ParseError } from '../../common/issues.js';

const NAME_ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '0.9.2342.19200300.100.1.1': 'UID', '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Digest algorithm OIDs → node:crypto names. */
export const DIGEST_NAMES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface CmsCertificate {
  /** 'C=US, O=3CX, OU=33CF4654HL, CN=…' in encoded order, as openssl prints it. */
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: string | null;
  notAfter: string | null;
}

/** ContentInfo → SignedData, shared with the timestamp token (itself a ContentInfo). */
export function decodeSignedData(der: Uint8Array, offset: number, what: string): SignedData {
  return guard(offset, what, () => {
    const ci = AsnParser.parse(der, ContentInfo);
    if (ci.contentType !== id_signedData) throw new ParseError('decode', { what: `${what} ContentInfo type ${ci.contentType} (not signedData)`, offset });
    return AsnParser.parse(ci.content, SignedData);
  });
}

/** A plain array: the decoder's CertificateSet (an Array subclass) would leak into records. */
export function carriedCertificates(sd: SignedData): Certificate[] {
  const out: Certificate[] = [];
  for (const c of sd.certificates ?? []) if (c.certificate) out.push(c.certificate);
  return out;
}

/** The certificate a SignerInfo names by issuer + serial or by subject key identifier. */
export function signerCertificate(si: SignerInfo, certs: Certificate[]): Certificate | undefined {
  const ias = si.sid.issuerAndSerialNumber;
  if (ias) {
    const issuer = formatName(ias.issuer);
    return certs.find((c) => sameBytes(c.tbsCertificate.serialNumber, ias.serialNumber) && formatName(c.tbsCertificate.issuer) === issuer);
  }
  const ski = si.sid.subjectKeyIdentifier;
  if (!ski) return undefined;
  return certs.find((c) => (c.tbsCertificate.extensions ?? []).some((e) => e.extnID === '2.5.29.14' && Buffer.from(e.extnValue.buffer).includes(Buffer.from(ski.buffer))));
}

export function certFacts(c: Certificate): CmsCertificate {
  const v = c.tbsCertificate.validity;
  const time = (t: Time): string | null => {
    const d = t.getTime();
    return Number.isFinite(d.getTime()) ? d.toISOString() : null;
  };
  return { subject: formatName(c.tbsCertificate.subject), issuer: formatName(c.tbsCertificate.issuer), serialHex: serialHex(c.tbsCertificate.serialNumber), notBefore: time(v.notBefore), notAfter: time(v.notAfter) };
}

export function formatName(name: Name): string {
  return name.map((rdn) => rdn.map((atv) => `${NAME_ATTRS[atv.type] ?? atv.type}=${atv.value.toString()}`).join(' + ')).join(', ');
}

export function nameValue(name: Name, type: string): string | null {
  for (const rdn of name) for (const atv of rdn) if (atv.type === type) return atv.value.toString();
  return null;
}

function serialHex(serial: ArrayBuffer): string {
  let b = new Uint8Array(serial);
  if (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return Buffer.from(b).toString('hex').toUpperCase();
}

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Runs a decoder and turns anything it throws that is not already a ParseError into one. */
export function guard<T>(offset: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError('decode', { what, offset }, `${what} at offset ${offset} does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
}

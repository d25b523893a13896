import { AsnParser } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData, id_signedData } from '@peculiar/asn1-cms';
import { Certificate, Time, type Name } from '@peculiar/asn1-x509';
import { ParseError } from '../../common/issues.js';

const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** Short names for the attribute types seen in code-signing subjects; others print as dotted OIDs. */
const NAME_ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'street', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.15': 'businessCategory',
  '1.2.840.113549.1.9.1': 'emailAddress', '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST', '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
};

export interface SignerSummary {
  signer: { subject: string; issuer: string; serialHex: string } | null;
  signingTime: string | null;
}

/** 'CN=..., O=...' in encoded order (as openssl's default one-line view, without its spaces). */
export function formatName(name: Name): string {
  return name
    .map((rdn) => rdn.map((atv) => `${NAME_ATTRS[atv.type] ?? atv.type}=${atv.value.toString()}`).join(' + '))
    .join(', ');
}

/** Serial as an unsigned integer in uppercase hex: DER's leading 0x00 sign byte is dropped. */
export function serialHex(serial: ArrayBuffer): string {
  let b = new Uint8Array(serial);
  if (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) !== 0) b = b.subarray(1);
  return Buffer.from(b).toString('hex').toUpperCase();
}

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * Decodes a PKCS#7 SignedData (the WIN_CERTIFICATE bCertificate) and describes its first
 * SignerInfo: the certificate it names (by issuer + serial, or by subject key identifier) and its
 * signingTime signed attribute. Any ASN.1 failure becomes ParseError('decode').
 */
export function describeSigner(der: Uint8Array, offset: number): SignerSummary {
  try {
    const ci = AsnParser.parse(der, ContentInfo);
    if (ci.contentType !== id_signedData) {
      throw new ParseError('decode', { what: 'ContentInfo.contentType', offset }, `PKCS#7 content type ${ci.contentType} is not signedData`);
    }
    const sd = AsnParser.parse(ci.content, SignedData);
    const si = sd.signerInfos[0];
    if (!si) return { signer: null, signingTime: null };
    const certs = (sd.certificates ?? []).flatMap((c) => (c.certificate ? [c.certificate] : []));
    const ias = si.sid.issuerAndSerialNumber;
    let cert: Certificate | undefined;
    if (ias) {
      const issuer = formatName(ias.issuer);
      cert = certs.find((c) => sameBytes(c.tbsCertificate.serialNumber, ias.serialNumber) && formatName(c.tbsCertificate.issuer) === issuer);
    } else if (si.sid.subjectKeyIdentifier) {
      const ski = si.sid.subjectKeyIdentifier.buffer;
      cert = certs.find((c) => (c.tbsCertificate.extensions ?? []).some((e) => e.extnID === '2.5.29.14' && Buffer.from(e.extnValue.buffer).includes(Buffer.from(ski))));
    }
    const signer = cert
      ? { subject: formatName(cert.tbsCertificate.subject), issuer: formatName(cert.tbsCertificate.issuer), serialHex: serialHex(cert.tbsCertificate.serialNumber) }
      : null;
    const attr = (si.signedAttrs ?? []).find((a) => a.attrType === ID_SIGNING_TIME);
    const value = attr?.attrValues[0];
    const signingTime = value ? AsnParser.parse(value, Time).getTime().toISOString() : null;
    return { signer, signingTime };
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError('decode', { what: 'PKCS#7 SignedData', offset }, `PKCS#7 SignedData at offset ${offset} does not decode: ${e instanceof Error ? e.message : String(e)}`);
  }
}

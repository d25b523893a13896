/**
 * Code-signing time and signer of a Mach-O, for the app-file records of the macOS plugins.
 * Dossier §1.3/§8.2: the trojanised 3CX macOS builds were signed by `Developer ID Application:
 * 3CX (33CF4654HL)` on 2023-03-13 06:41:52 UTC and notarised. These fields extend `MachoSummary`
 * (records.ts): until the lead adds them there, app-bundles.ts attaches them to the `macho` object
 * it emits, so they reach JSON output and the report model unchanged.
 */
import type { CmsSignatureInfo, MachoSlice } from '../../formats/macho/index.js';

export interface MachoSigningFacts {
  /** `cms`: a CMS (Developer ID) signature; `no-cms`: ad-hoc or linker-signed; `unsigned`: no LC_CODE_SIGNATURE. */
  signature: 'cms' | 'no-cms' | 'unsigned';
  /**
   * CMS signingTime of the first slice that has one: written from the signing Mac's clock and
   * covered by the signature, but not attested by a third party.
   */
  signingTime: string | null;
  /** RFC 3161 genTime from Apple's timestamp server (attested), when the signature carries one. */
  timestampTime: string | null;
  /** The Developer ID certificate: its OU is the team id Apple issued it to. */
  signer: { subject: string; commonName: string | null; teamId: string | null; serialHex: string; issuer: string } | null;
  /** Per-slice signing times when the slices of a universal binary disagree (separately signed builds lipo'd together). */
  sliceSigningTimes?: (string | null)[];
  /** Problems decoding a CMS blob, per slice (the rest of the record stands). */
  signatureProblems?: string[];
}

export function signingFacts(slices: readonly MachoSlice[]): MachoSigningFacts {
  const sigs = slices.map((s) => s.codeSignature);
  const cmss = sigs.map((s) => s?.cms).filter((c): c is CmsSignatureInfo => c !== undefined && !c.empty);
  const first = cmss.find((c) => c.signer || c.signingTime || c.timestamp);
  const facts: MachoSigningFacts = {
    signature: cmss.length > 0 ? 'cms' : sigs.some((s) => s !== undefined) ? 'no-cms' : 'unsigned',
    signingTime: cmss.find((c) => c.signingTime)?.signingTime ?? null,
    timestampTime: cmss.find((c) => c.timestamp?.time)?.timestamp?.time ?? null,
    signer: null,
  };
  const s = (first ?? cmss.find((c) => c.signer))?.signer;
  if (s) facts.signer = { subject: s.subject, commonName: s.commonName, teamId: s.organizationalUnit, serialHex: s.serialHex, issuer: s.issuer };
  const times = slices.map((sl) => sl.codeSignature?.cms?.signingTime ?? null);
  if (new Set(times).size > 1) facts.sliceSigningTimes = times;
  const problems = cmss.flatMap((c) => [c.problem, c.timestamp?.problem].filter((p): p is string => p !== undefined));
  if (problems.length > 0) facts.signatureProblems = problems;
  return facts;
}

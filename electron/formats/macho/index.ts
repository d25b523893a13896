/**
 * Mach-O (thin and universal) headers, embedded code-signature identity (CodeDirectory and the
 * CMS signer, signing time and Apple timestamp), and 3CX byte markers.
 * The only public surface of formats/macho; see SPEC.md.
 */
export { parseMacho, type MachoSlice } from './header.js';
export type { CodeSignatureInfo } from './code-signature.js';
export type { CmsSignatureInfo, CmsSigner } from './cms-signature.js';
export type { CmsCertificate } from './cms-certs.js';
export type { CmsTimestamp } from './timestamp.js';
export { machoMarkers, MACHO_MARKERS, MACHO_MARKER_TEXT, XOR_KEY, type MachoMarkerId } from './markers.js';
export { cpuName, MACHO_LIMITS } from './constants.js';

export const MACHO_PARSER = { id: 'macho', version: '2' } as const;

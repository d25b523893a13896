/**
 * Windows PE parser: headers, sections, the version resource and the Authenticode certificate
 * table, with the checks the 3CX d3dcompiler_47.dll carrier calls for (SPEC.md). Reads bounded
 * windows through a Reader; never executes or writes anything.
 */
import { ParseError } from '../../common/issues.js';
import type { Reader } from '../../io/reader.js';
import { readCertTable } from './certificates.js';
import { DIR_SECURITY, machineName, readHeaders, stampIso } from './headers.js';
import { findVersionResource } from './resources.js';
import { parseVersionInfo } from './version-info.js';
import type { PeCertTable, PeInfo, PeIssue, PeVersionInfo } from './types.js';

export type { PeCertEntry, PeCertTable, PeEmbeddedPe, PeInfo, PeIssue, PePayload, PeSection, PeVersionInfo } from './types.js';
export { rc4, Rc4, THREECX_RC4_KEY } from './rc4.js';
export { markersIn, THREECX_MARKERS } from './markers.js';

export const PE_PARSER = { id: 'pe', version: '1' } as const;

/**
 * Parses a PE image. Throws ParseError when the bytes are not a PE at all (no MZ, e_lfanew out of
 * range, no PE\0\0, COFF header cut off); every later problem is recorded in `issues`.
 */
export async function parsePe(reader: Reader): Promise<PeInfo> {
  const issues: PeIssue[] = [];
  const h = await readHeaders(reader, issues);

  const version = await recoverable(issues, async (): Promise<PeVersionInfo | null> => {
    const res = await findVersionResource(reader, h, issues);
    return res ? parseVersionInfo(await reader.read(res.offset, res.size), res.offset, issues) : null;
  });
  const certificateTable = await recoverable(issues, (): Promise<PeCertTable | null> => readCertTable(reader, h.dataDirs[DIR_SECURITY], issues));

  return {
    machine: h.machine,
    machineName: machineName(h.machine),
    is64: h.is64,
    isDll: h.isDll,
    timeDateStamp: h.timeDateStamp,
    timeDateStampIso: stampIso(h.timeDateStamp),
    sections: h.sections,
    version,
    certificateTable,
    issues,
  };
}

/** A part of the PE that fails to parse becomes an issue and a null; I/O errors still propagate. */
async function recoverable<T>(issues: PeIssue[], fn: () => Promise<T | null>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    issues.push({ message: e.message, offset: e.offset ?? null });
    return null;
  }
}

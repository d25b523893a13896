/** Parse a PE through formats/pe and keep what analysis and the report need. */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry } from '../../common/vfs.js';
import { markersIn, parsePe, PE_PARSER } from '../../formats/pe/index.js';
import type { PluginContext } from '../plugin.js';
import { withReader } from '../read-file.js';
import type { PeSummary } from '../records.js';

const PARSER = `${PE_PARSER.id}@${PE_PARSER.version}`;

export async function summarisePe(ctx: PluginContext, entry: FileEntry, withMarkers: boolean): Promise<{ pe?: PeSummary; markers: { id: string; offset: number }[] }> {
  try {
    return await withReader(ctx, entry, async (r) => {
      const info = await parsePe(r);
      for (const i of info.issues) {
        ctx.issue({ severity: 'warning', code: 'decode', message: i.message, parser: PARSER, evidence: ctx.target.ref(entry.path, i.offset === null ? {} : { within: { offset: i.offset } }), recovered: true });
      }
      const entryCert = info.certificateTable?.entries[0] ?? null;
      const s = info.version?.strings ?? {};
      const pe: PeSummary = {
        machine: info.machineName,
        isDll: info.isDll,
        linkTime: info.timeDateStampIso,
        fileVersion: s['FileVersion']?.trim() || info.version?.fileVersion || null,
        productVersion: s['ProductVersion']?.trim() || info.version?.productVersion || null,
        productName: s['ProductName']?.trim() || null,
        companyName: s['CompanyName']?.trim() || null,
        originalFilename: s['OriginalFilename']?.trim() || null,
        signer: entryCert?.signer ? { subject: entryCert.signer.subject, serialHex: entryCert.signer.serialHex, signingTime: entryCert.signingTime } : null,
        certTrailingBytes: (info.certificateTable?.entries ?? []).reduce((n, e) => n + e.trailingBytes, 0),
        feedfaceOffsets: info.certificateTable?.feedface ?? [],
        payload: info.certificateTable?.payload
          ? {
              offset: info.certificateTable.payload.offset,
              length: info.certificateTable.payload.length,
              sha256: info.certificateTable.payload.decrypted.sha256,
              embeddedPe: info.certificateTable.payload.decrypted.embeddedPe !== null,
              startsWithCode: info.certificateTable.payload.decrypted.startsWithCode,
            }
          : null,
      };
      const markers = withMarkers ? await markersIn(r) : [];
      return { pe, markers };
    });
  } catch (err) {
    ctx.issue(issueFromError(err, PARSER, ctx.target.ref(entry.path)));
    return { markers: [] };
  }
}

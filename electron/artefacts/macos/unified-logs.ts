/**
 * macOS unified logs (dossier §8.2): `/private/var/db/diagnostics` (tracev3) with
 * `/private/var/db/uuidtext` would show the exec of UpdateAgent, DNS lookups of the C2 domains and
 * XProtect Remediator acting. This tool does not parse tracev3; when the logs are in the evidence
 * it says so as a `not-parsed` coverage record, so the report's limitations name them and the
 * examiner knows to export them (`log show --archive`, or a unified-log parser) separately.
 */
import type { CoverageRecord } from '../records.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { listDir } from '../read-file.js';

const ID = 'macos.unified-logs';
export const UNIFIED_LOG_DIRS = ['/private/var/db/diagnostics', '/var/db/diagnostics'];
/** tracev3 files counted for the note (Persist, Special, Signpost, HighVolume hold a few hundred). */
const MAX_COUNT = 10_000;

export const macosUnifiedLogs: ArtefactPlugin = {
  id: ID,
  version: '1',
  compatible: (t) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    for (const dir of UNIFIED_LOG_DIRS) {
      const top = await listDir(ctx, dir, ID);
      if (top.length === 0) continue;
      let tracev3 = 0;
      for (const e of top) {
        if (tracev3 >= MAX_COUNT) break;
        if (e.type === 'file' && e.name.endsWith('.tracev3')) tracev3++;
        else if (e.type === 'dir') tracev3 += (await listDir(ctx, e.path, ID)).filter((f) => f.type === 'file' && f.name.endsWith('.tracev3')).length;
      }
      const rec: CoverageRecord = {
        type: 'coverage',
        area: 'logs',
        platform: 'macos',
        state: 'not-parsed',
        detail: `unified logs present at ${top[0]!.path.slice(0, top[0]!.path.lastIndexOf('/'))} (${tracev3 >= MAX_COUNT ? `${MAX_COUNT}+` : tracev3} tracev3 files) were not parsed: `
          + 'execution of UpdateAgent, DNS lookups of attacker domains and XProtect Remediator actions recorded there were not examined; '
          + 'export them with `log show --archive` (with /private/var/db/uuidtext) and review separately',
      };
      ctx.emit(rec);
      return; // /var is a link to /private/var: one note is enough
    }
  },
};

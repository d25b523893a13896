/**
 * Follow-on implants seen after the 3CX loader on a few hosts (dossier §4.5): the TAXHAUL/Gopuram
 * IKEEXT side-load `System32\wlbsctrl.dll` (no such DLL ships with Windows), the DPAPI-encrypted
 * payload hidden as a small `config\TxR\*.TxR.0.regtrans-ms` with no `REGISTRY` marker, and
 * Gopuram's `catroot2\edb.chk.log` and `krwve.jat`.
 */
import { utf16le } from '../../io/find-bytes.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { readSmallFile } from '../read-file.js';

const ID = 'windows.second-stage';
const PARSER = `${ID}@1`;
const FIXED: { path: string; rule: string }[] = [
  { path: '/Windows/System32/wlbsctrl.dll', rule: 'wlbsctrl.dll in System32: IKEEXT phantom-DLL side-load used by TAXHAUL and Gopuram (no such DLL ships with Windows)' },
  { path: '/Windows/System32/catroot2/edb.chk.log', rule: 'catroot2\\edb.chk.log: Gopuram artefact (Kaspersky)' },
  { path: '/Windows/System32/krwve.jat', rule: 'krwve.jat in System32: Gopuram artefact (Nextron)' },
];
const TXR_MAX = 100 * 1024;
const REGISTRY = Buffer.from(utf16le('REGISTRY'));

export const windowsSecondStage: ArtefactPlugin = {
  id: ID,
  version: '1',
  compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    for (const f of FIXED) {
      const e = await t.resolve(f.path);
      if (e?.type === 'file') emit(ctx, e, f.rule);
    }
    const txr = await t.resolve('/Windows/System32/config/TxR');
    if (txr?.type === 'dir') {
      for (const e of await t.fs.readdir(txr.path)) {
        if (e.type !== 'file' || !/\.TxR\.0\.regtrans-ms$/i.test(e.name) || e.size >= TXR_MAX) continue;
        const bytes = await readSmallFile(ctx, e, TXR_MAX, PARSER);
        if (bytes && !Buffer.from(bytes).includes(REGISTRY)) {
          emit(ctx, e, `${e.size}-byte .TxR.0.regtrans-ms without the UTF-16 "REGISTRY" marker: TAXHAUL/Gopuram encrypted payload pattern (Nextron SUSP_APT_3CX_Regtrans_Anomaly_Apr23)`);
        }
      }
    }
    ctx.emit({ type: 'coverage', area: 'second-stage', platform: 'windows', state: 'examined', detail: 'System32 side-load and TxR locations' });
  },
};

function emit(ctx: PluginContext, e: FileEntry, rule: string): void {
  ctx.emit({ type: 'app-file', platform: 'windows', role: 'second-stage', user: null, installRoot: null, entry: e, ref: ctx.target.ref(e.path), markers: [], rule });
}

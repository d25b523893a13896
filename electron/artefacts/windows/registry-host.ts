/**
 * Host facts from SYSTEM and SOFTWARE (dossier §8.1): computer name, OS product and build,
 * MachineGuid (sent by the 3CX stealer as `__tutma`), EnableCertPaddingCheck (absent/0 lets the
 * padded d3dcompiler_47.dll verify), and ProfileList (SID → profile folder, used to name users).
 */
import type { EvidenceRef } from '../../common/evidence-ref.js';
import type { Target } from '../../common/vfs.js';
import type { Hive } from '../../formats/regf/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { currentControlSet, emitRecord, openTargetHive, str, userFromProfilePath, type OpenedHive } from './registry-open.js';
import type { HiveSource, HostFactsRecord } from './registry-records.js';

const ID = 'windows.registry-host';
const VERSION = '1';
const PARSER = { id: ID, version: VERSION };
export const SYSTEM_HIVE = '/Windows/System32/config/SYSTEM';
export const SOFTWARE_HIVE = '/Windows/System32/config/SOFTWARE';

type Facts = Omit<HostFactsRecord, 'type' | 'ref'>;
type Ctx = Pick<PluginContext, 'target' | 'issue'>;

async function valueAt(h: OpenedHive, path: string, name: string, fact: string, sources: Facts['sources']): Promise<string | null> {
  const key = await h.hive.key(path);
  const v = key ? await key.value(name) : null;
  const s = v ? str(v.data) : null;
  if (s !== null && key) sources.push({ fact, ref: h.ref(`${key.path}\\${name}`, v!.offset) });
  return s;
}

/** SID → profile path from SOFTWARE\...\ProfileList. */
export async function profileList(hive: Hive): Promise<{ sid: string; path: string; user: string; keyPath: string }[]> {
  const list = await hive.key('Microsoft\\Windows NT\\CurrentVersion\\ProfileList');
  const out: { sid: string; path: string; user: string; keyPath: string }[] = [];
  for (const k of list ? await list.subkeys() : []) {
    const p = str((await k.value('ProfileImagePath'))?.data);
    const user = userFromProfilePath(p);
    if (p && user) out.push({ sid: k.name, path: p, user, keyPath: k.path });
  }
  return out;
}

async function paddingCheck(h: OpenedHive, sources: Facts['sources']): Promise<HostFactsRecord['certPaddingCheck']> {
  let seen: number | null = null;
  for (const base of ['Microsoft', 'Wow6432Node\\Microsoft']) {
    const key = await h.hive.key(`${base}\\Cryptography\\Wintrust\\Config`);
    const v = key ? await key.value('EnableCertPaddingCheck') : null;
    if (!v || !key) continue;
    sources.push({ fact: 'certPaddingCheck', ref: h.ref(`${key.path}\\EnableCertPaddingCheck`, v.offset) });
    const n = typeof v.data === 'number' ? v.data : Number(str(v.data));
    seen = Math.max(seen ?? 0, Number.isFinite(n) ? n : 0);
  }
  return seen === null ? 'absent' : seen === 1 ? 'enabled' : 'disabled';
}

/** Reads the facts; hives that are absent leave their facts null. */
export async function readHostFacts(target: Target, ctx: Ctx = { target, issue: () => {} }): Promise<Facts> {
  const facts: Facts = { computerName: null, osProductName: null, osBuild: null, machineGuid: null, certPaddingCheck: 'absent', profiles: [], sources: [], hives: [] };
  const sys = await openTargetHive(ctx, SYSTEM_HIVE, PARSER);
  if (sys) {
    try {
      facts.hives.push(sys.source);
      const cs = await currentControlSet(sys.hive);
      facts.computerName = await valueAt(sys, `${cs}\\Control\\ComputerName\\ComputerName`, 'ComputerName', 'computerName', facts.sources);
    } finally {
      await sys.close();
    }
  }
  const sw = await openTargetHive(ctx, SOFTWARE_HIVE, PARSER);
  if (sw) {
    try {
      facts.hives.push(sw.source);
      const cv = 'Microsoft\\Windows NT\\CurrentVersion';
      facts.osProductName = await valueAt(sw, cv, 'ProductName', 'osProductName', facts.sources);
      facts.osBuild = (await valueAt(sw, cv, 'CurrentBuild', 'osBuild', facts.sources)) ?? (await valueAt(sw, cv, 'CurrentBuildNumber', 'osBuild', facts.sources));
      facts.machineGuid = await valueAt(sw, 'Microsoft\\Cryptography', 'MachineGuid', 'machineGuid', facts.sources);
      facts.certPaddingCheck = await paddingCheck(sw, facts.sources);
      for (const p of await profileList(sw.hive)) {
        facts.profiles.push({ sid: p.sid, path: p.path, user: p.user });
        facts.sources.push({ fact: `profile ${p.sid}`, ref: sw.ref(p.keyPath) });
      }
    } finally {
      await sw.close();
    }
  }
  return facts;
}

export const windowsRegistryHost: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows' && t.shape === 'windows-system',
  async run(ctx: PluginContext): Promise<void> {
    const facts = await readHostFacts(ctx.target, ctx);
    if (facts.hives.length === 0) return;
    const first = facts.hives[0] as HiveSource;
    const ref: EvidenceRef = ctx.target.ref(first.hive, { parser: PARSER });
    emitRecord(ctx, { type: 'host-facts', ...facts, ref });
  },
};

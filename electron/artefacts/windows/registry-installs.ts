/**
 * 3CX Desktop App installs recorded in the registry (dossier §1.2, §8.1): every user's
 * NTUSER.DAT Uninstall key (the per-user MSI), HKLM Uninstall (native and Wow6432Node), and
 * SOFTWARE Installer\UserData\<SID>\Products\*\InstallProperties (SID → user via ProfileList).
 * Uninstall keys deleted from NTUSER.DAT are recovered from free cells where their values survive.
 * Found even when the program files are gone.
 */
import type { Target } from '../../common/vfs.js';
import { deletedKeys, type Key, type Value } from '../../formats/regf/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { profileList, SOFTWARE_HIVE } from './registry-host.js';
import { emitRecord, openTargetHive, str, type OpenedHive } from './registry-open.js';
import type { InstallSource, RegistryInstallRecord } from './registry-records.js';

const ID = 'windows.registry-installs';
const VERSION = '1';
const PARSER = { id: ID, version: VERSION };
const UNINSTALL = 'Microsoft\\Windows\\CurrentVersion\\Uninstall';

/** The 3CX Desktop App, not the older 3CXPhone softphone. */
export function is3cxDesktopApp(name: string | null): boolean {
  return name !== null && /3CX Desktop App|3CXDesktopApp/i.test(name) && !/3CXPhone/i.test(name);
}

/** YYYYMMDD → ISO date (midnight UTC; the value carries no time or zone). */
export function installDateIso(s: string | null): string | null {
  const m = s ? /^(\d{4})(\d{2})(\d{2})$/.exec(s.trim()) : null;
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCMonth() === +m[2]! - 1 ? d.toISOString() : null;
}

function pick(values: Value[], name: string): string | null {
  const v = values.find((x) => x.name.toLowerCase() === name.toLowerCase());
  return v ? str(v.data) : null;
}

interface Where {
  source: InstallSource;
  user: string | null;
  sid: string | null;
}

function record(h: OpenedHive, where: Where, key: { name: string; path: string; lastWritten: string | null; offset: number }, values: Value[], deleted: boolean): RegistryInstallRecord | null {
  const product = pick(values, 'DisplayName');
  if (!is3cxDesktopApp(product)) return null;
  const installDate = pick(values, 'InstallDate');
  return {
    type: 'registry-install',
    ...where,
    product: product!,
    version: pick(values, 'DisplayVersion'),
    publisher: pick(values, 'Publisher'),
    installDate,
    installDateIso: installDateIso(installDate),
    installLocation: pick(values, 'InstallLocation'),
    productKey: key.name,
    keyPath: key.path,
    keyLastWritten: key.lastWritten,
    deleted,
    hive: h.source,
    ref: h.ref(key.path, key.offset),
  };
}

async function scanUninstall(ctx: PluginContext, h: OpenedHive, base: string, where: Where): Promise<void> {
  const root = await h.hive.key(base);
  for (const k of root ? await root.subkeys() : []) {
    const rec = record(h, where, k, await k.values(), false);
    if (rec) emitRecord(ctx, rec);
  }
}

async function scanUserHive(ctx: PluginContext, path: string, user: string): Promise<void> {
  const h = await openTargetHive(ctx, path, PARSER);
  if (!h) return;
  try {
    const where: Where = { source: 'user-uninstall', user, sid: null };
    await scanUninstall(ctx, h, `Software\\${UNINSTALL}`, where);
    // Uninstalled or overwritten entries whose nk and values survive in free cells.
    for await (const d of deletedKeys(h.hive)) {
      if (!/\\Uninstall\\[^\\]+$/i.test(d.path)) continue;
      const rec = record(h, where, { name: d.name, path: d.path, lastWritten: d.lastWritten, offset: d.offset }, d.values, true);
      if (rec) emitRecord(ctx, rec);
    }
  } finally {
    await h.close();
  }
}

async function scanSoftware(ctx: PluginContext): Promise<void> {
  const h = await openTargetHive(ctx, SOFTWARE_HIVE, PARSER);
  if (!h) return;
  try {
    await scanUninstall(ctx, h, UNINSTALL, { source: 'machine-uninstall', user: null, sid: null });
    await scanUninstall(ctx, h, `Wow6432Node\\${UNINSTALL}`, { source: 'machine-uninstall-wow64', user: null, sid: null });
    const users = new Map((await profileList(h.hive)).map((p) => [p.sid.toUpperCase(), p.user]));
    const userData = await h.hive.key('Microsoft\\Windows\\CurrentVersion\\Installer\\UserData');
    for (const sidKey of userData ? await userData.subkeys() : []) {
      const products = await sidKey.subkey('Products');
      for (const prod of products ? await products.subkeys() : []) {
        const props: Key | null = await prod.subkey('InstallProperties');
        if (!props) continue;
        const where: Where = { source: 'installer-userdata', user: users.get(sidKey.name.toUpperCase()) ?? null, sid: sidKey.name };
        const rec = record(h, where, { name: prod.name, path: props.path, lastWritten: props.lastWritten, offset: props.offset }, await props.values(), false);
        if (rec) emitRecord(ctx, rec);
      }
    }
  } finally {
    await h.close();
  }
}

export const windowsRegistryInstalls: ArtefactPlugin = {
  id: ID,
  version: VERSION,
  compatible: (t: Target) => t.os === 'windows',
  async run(ctx: PluginContext): Promise<void> {
    for (const u of ctx.target.users) await scanUserHive(ctx, `${u.home === '/' ? '' : u.home}/NTUSER.DAT`, u.name);
    if (ctx.target.shape === 'windows-system') await scanSoftware(ctx);
  },
};

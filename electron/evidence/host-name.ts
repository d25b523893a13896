/** Host names recorded by the OS inside the evidence, with where they were read. */
import type { Target } from '../common/vfs.js';
import { parsePlist, type PlistValue } from '../formats/plist/index.js';

const MAX_BYTES = 1024 * 1024;

async function readSmall(t: Target, path: string): Promise<{ path: string; bytes: Uint8Array } | null> {
  const e = await t.resolve(path);
  if (!e || e.type !== 'file' || e.size > MAX_BYTES) return null;
  const r = await t.fs.open(e.path);
  try {
    return { path: e.path, bytes: await r.read(0, e.size) };
  } finally {
    await r.close();
  }
}

function dictAt(v: PlistValue | undefined, key: string): PlistValue | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Date)
    ? (v as Record<string, PlistValue>)[key]
    : undefined;
}

export async function readHostNameMac(t: Target): Promise<{ hostName: string | null; hostNameSource: string | null }> {
  const f = await readSmall(t, '/Library/Preferences/SystemConfiguration/preferences.plist');
  if (!f) return { hostName: null, hostNameSource: null };
  try {
    const { value } = parsePlist(f.bytes);
    const sys = dictAt(dictAt(value, 'System'), 'System');
    for (const key of ['ComputerName', 'HostName']) {
      const v = dictAt(sys, key);
      if (typeof v === 'string' && v.trim()) return { hostName: v.trim(), hostNameSource: `${f.path} › System/System/${key}` };
    }
    const local = dictAt(dictAt(dictAt(value, 'System'), 'Network'), 'HostNames');
    const lh = dictAt(local, 'LocalHostName');
    if (typeof lh === 'string' && lh.trim()) return { hostName: lh.trim(), hostNameSource: `${f.path} › System/Network/HostNames/LocalHostName` };
  } catch {
    // An unreadable preferences.plist leaves the host named after its evidence item.
  }
  return { hostName: null, hostNameSource: null };
}

export async function readHostNameLinux(t: Target): Promise<{ hostName: string | null; hostNameSource: string | null }> {
  const f = await readSmall(t, '/etc/hostname');
  const name = f ? new TextDecoder().decode(f.bytes).split('\n')[0]?.trim() : '';
  return name ? { hostName: name, hostNameSource: `${f!.path}` } : { hostName: null, hostNameSource: null };
}

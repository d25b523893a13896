/**
 * What a root folder is: a Windows system volume, a macOS root, a lone user profile, and whose.
 * Decided from content only (names of well-known folders and files), never from the evidence's
 * own file name.
 */
import { baseName, type OsKind, type Target, type UserProfile } from '../common/vfs.js';
import { readHostNameMac, readHostNameLinux } from './host-name.js';

export interface HostFacts {
  os: OsKind;
  shape: Target['shape'];
  hostName: string | null;
  hostNameSource: string | null;
  users: UserProfile[];
}

const WINDOWS_NON_USERS = new Set(['public', 'default', 'default user', 'all users', 'defaultapppool', 'wdagutilityaccount']);
const MAC_NON_USERS = new Set(['shared', 'guest', '.localized']);

/** `hint`: what the container says about the OS (a collector's layout), used when the tree alone cannot tell. */
export async function detectHost(t: Target, hint: OsKind = 'unknown'): Promise<HostFacts> {
  const has = async (p: string, type?: 'dir' | 'file'): Promise<boolean> => {
    const e = await t.resolve(p);
    return e !== null && (type === undefined || e.type === type);
  };

  if (await has('/Windows/System32', 'dir')) {
    return { os: 'windows', shape: 'windows-system', hostName: null, hostNameSource: null, users: await profilesUnder(t, '/Users', WINDOWS_NON_USERS) };
  }
  if (await has('/System/Library/CoreServices/SystemVersion.plist', 'file')) {
    const name = await readHostNameMac(t);
    return { os: 'macos', shape: 'macos-root', ...name, users: await profilesUnder(t, '/Users', MAC_NON_USERS) };
  }
  if ((await has('/AppData', 'dir')) || (await has('/NTUSER.DAT', 'file'))) {
    return { os: 'windows', shape: 'windows-profile', hostName: null, hostNameSource: null, users: [{ name: rootUserName(t), home: '/' }] };
  }
  if ((await has('/Library/Application Support', 'dir')) && !(await has('/System', 'dir'))) {
    return { os: 'macos', shape: 'macos-profile', hostName: null, hostNameSource: null, users: [{ name: rootUserName(t), home: '/' }] };
  }
  if (await has('/etc', 'dir')) {
    return { os: 'linux', shape: 'unknown', ...(await readHostNameLinux(t)), users: await profilesUnder(t, '/home', new Set()) };
  }
  // Partial collections (Aftermath copies only a few macOS folders; a KAPE target may skip
  // System32) keep the OS their collector recorded.
  if (hint === 'macos') return { os: 'macos', shape: 'macos-root', hostName: null, hostNameSource: null, users: await profilesUnder(t, '/Users', MAC_NON_USERS) };
  if (hint === 'windows') return { os: 'windows', shape: 'windows-system', hostName: null, hostNameSource: null, users: await profilesUnder(t, '/Users', WINDOWS_NON_USERS) };
  return { os: 'unknown', shape: 'unknown', hostName: null, hostNameSource: null, users: [] };
}

async function profilesUnder(t: Target, dir: string, skip: Set<string>): Promise<UserProfile[]> {
  const base = await t.resolve(dir);
  if (!base || base.type !== 'dir') return [];
  const entries = await t.fs.readdir(base.path);
  return entries
    .filter((e) => e.type === 'dir' && !skip.has(e.name.toLowerCase()) && !e.name.startsWith('.'))
    .map((e) => ({ name: e.name, home: e.path }));
}

/** A lone profile is named by its folder (the layer locator holds the examiner's path to it). */
function rootUserName(t: Target): string {
  const layer = t.fs.layersFor('/')[0];
  return layer ? baseName(layer.locator.replace(/\\/g, '/')) || 'unknown' : 'unknown';
}

/**
 * macOS app bundles (dossier §1.3, §2.2): every `*.app` in `/Applications` and `~/Applications`
 * whose Info.plist names the 3CX Desktop App (bundle id `com.electron.3cx-desktop-app`, or its
 * name). Yields the install fact from CFBundleShortVersionString and app-file records for the
 * main binary and the Electron framework's `libffmpeg.dylib`, with their Mach-O facts, including
 * the CMS signer and signing time (code-signing.ts).
 */
import { issueFromError } from '../../common/issues.js';
import type { FileEntry, Target } from '../../common/vfs.js';
import { MACHO_PARSER, machoMarkers, parseMacho } from '../../formats/macho/index.js';
import { parsePlist, PLIST_PARSER, type PlistValue } from '../../formats/plist/index.js';
import type { ArtefactPlugin, PluginContext } from '../plugin.js';
import { fileTime, readSmallFile, withReader } from '../read-file.js';
import type { FileRole, MachoSummary } from '../records.js';
import { signingFacts, type MachoSigningFacts } from './code-signing.js';

const ID = 'macos.app-bundles';
export const BUNDLE_ID = 'com.electron.3cx-desktop-app';
const LIBFFMPEG = 'Contents/Frameworks/Electron Framework.framework/Versions/A/Libraries/libffmpeg.dylib';

export const macosAppBundles: ArtefactPlugin = {
  id: ID,
  version: '2',
  compatible: (t: Target) => t.os === 'macos',
  async run(ctx: PluginContext): Promise<void> {
    const t = ctx.target;
    const dirs = ['/Applications', ...t.users.map((u) => `${u.home === '/' ? '' : u.home}/Applications`)];
    for (const d of dirs) {
      for (const app of await childrenOf(t, d)) {
        if (app.type !== 'dir' || !app.name.toLowerCase().endsWith('.app')) continue;
        await scanBundle(ctx, app, d.startsWith('/Users/') ? d.split('/')[2] ?? null : null);
      }
    }
    ctx.emit({ type: 'coverage', area: 'app-install', platform: 'macos', state: 'examined', detail: dirs.join(', ') });
  },
};

async function childrenOf(t: Target, path: string): Promise<FileEntry[]> {
  const e = await t.resolve(path);
  return e?.type === 'dir' ? t.fs.readdir(e.path) : [];
}

async function scanBundle(ctx: PluginContext, app: FileEntry, user: string | null): Promise<void> {
  const t = ctx.target;
  const plistEntry = await t.resolve(`${app.path}/Contents/Info.plist`);
  if (plistEntry?.type !== 'file') return;
  const bytes = await readSmallFile(ctx, plistEntry, 4 * 1024 * 1024, `${PLIST_PARSER.id}@${PLIST_PARSER.version}`);
  if (!bytes) return;
  let info: Record<string, PlistValue>;
  try {
    const v = parsePlist(bytes).value;
    if (!v || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) return;
    info = v as Record<string, PlistValue>;
  } catch (err) {
    ctx.issue(issueFromError(err, `${PLIST_PARSER.id}@${PLIST_PARSER.version}`, t.ref(plistEntry.path)));
    return;
  }
  const str = (k: string): string | null => (typeof info[k] === 'string' ? (info[k] as string) : null);
  const bundleId = str('CFBundleIdentifier');
  const name = str('CFBundleName') ?? str('CFBundleDisplayName') ?? app.name;
  if (bundleId !== BUNDLE_ID && !/3cx/i.test(name)) return;
  const version = str('CFBundleShortVersionString') ?? str('CFBundleVersion');
  ctx.emit({
    type: 'install',
    platform: 'macos',
    product: '3CX Desktop App',
    version: version?.match(/^\d+\.\d+\.\d+/)?.[0] ?? version,
    versionSource: 'info-plist',
    user,
    path: app.path,
    ref: t.ref(plistEntry.path, { within: { key: 'CFBundleShortVersionString' }, parser: { id: PLIST_PARSER.id, version: PLIST_PARSER.version } }),
    time: fileTime(plistEntry),
    bundleId,
  });
  const exe = str('CFBundleExecutable');
  if (exe && !exe.includes('/')) await emitBinary(ctx, `${app.path}/Contents/MacOS/${exe}`, 'mac-main', user, app.path);
  await emitBinary(ctx, `${app.path}/${LIBFFMPEG}`, 'libffmpeg', user, app.path);
}

export async function emitBinary(ctx: PluginContext, path: string, role: FileRole, user: string | null, root: string | null): Promise<void> {
  const e = await ctx.target.resolve(path);
  if (e?.type !== 'file') return;
  // The signing fields are not in MachoSummary yet (records.ts is the lead's): they ride along.
  let macho: (MachoSummary & MachoSigningFacts) | undefined;
  let markers: { id: string; offset: number }[] = [];
  try {
    await withReader(ctx, e, async (r) => {
      const m = await parseMacho(r);
      const sigs = m.slices.map((s) => s.codeSignature).filter((s) => s !== undefined);
      macho = {
        kind: m.kind,
        archs: m.slices.map((s) => s.cpuName),
        identifier: sigs.find((s) => s.identifier)?.identifier ?? null,
        teamId: sigs.find((s) => s.teamId)?.teamId ?? null,
        cdhashes: sigs.map((s) => s.cdhash).filter((c): c is string => c !== null),
        ...signingFacts(m.slices),
      };
      markers = await machoMarkers(r);
    });
  } catch (err) {
    ctx.issue(issueFromError(err, `${MACHO_PARSER.id}@${MACHO_PARSER.version}`, ctx.target.ref(e.path)));
  }
  ctx.emit({ type: 'app-file', platform: 'macos', role, user, installRoot: root, entry: e, ref: ctx.target.ref(e.path), markers, ...(macho ? { macho } : {}) });
}

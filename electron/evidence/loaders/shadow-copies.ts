/**
 * Volume shadow copies of an NTFS volume as extra read-only file systems of the same host. Each
 * snapshot's citation gains a `vss {store-guid} created <UTC>` layer between the volume and its
 * `ntfs <label>@vss<N>` layer, so a hash worker can re-open the same bytes from the ref alone.
 * A store that cannot be read is an error line; the live volume is never affected by it.
 */
import type { Layer } from '../../common/evidence-ref.js';
import type { Filesystem } from '../../common/vfs.js';
import { openVss } from '../../formats/vss/index.js';
import type { Reader } from '../../io/reader.js';
import { NtfsFilesystem } from '../filesystems/ntfs.js';

export interface ShadowCopy {
  /** 1-based, oldest first (as vshadowmount's `vss<N>`). */
  index: number;
  id: string;
  created: string | null;
  /** `<volume label>@vss<N>`, e.g. `vol0@vss1`. */
  label: string;
  fs: Filesystem;
}

/** The view a host carries for one shadow copy (CollectionHost.extraViews has the same shape). */
export interface ExtraView { label: string; fs: Filesystem }

export function vssLayer(id: string, created: string | null): Layer {
  return { kind: 'vss', locator: `{${id}} created ${created ?? 'unknown'}` };
}

/** Shadow copies on an NTFS volume (none when it has no VSS header or no stores). */
export async function shadowCopiesOf(volume: Reader, base: Layer[], label: string, errors: { path: string; message: string }[], where: string): Promise<ShadowCopy[]> {
  let vss;
  try {
    vss = await openVss(volume);
  } catch (e) {
    errors.push({ path: '/', message: `${where}: volume shadow copies unreadable: ${(e as Error).message}` });
    return [];
  }
  if (!vss) return [];
  for (const n of vss.notes) errors.push({ path: '/', message: `${where}: ${n}` });
  const out: ShadowCopy[] = [];
  for (const s of vss.stores) {
    const name = `${label}@vss${s.index}`;
    try {
      const fs = await NtfsFilesystem.open(vss.snapshot(s.index), [...base, vssLayer(s.id, s.created), { kind: 'ntfs', locator: name }]);
      out.push({ index: s.index, id: s.id, created: s.created, label: name, fs });
    } catch (e) {
      errors.push({ path: '/', message: `${where}: shadow copy ${s.index} {${s.id}} created ${s.created ?? 'unknown'}: no readable NTFS in it: ${(e as Error).message}` });
    }
  }
  return out;
}

/** The snapshot Reader a `vss` layer names (by its store GUID), over the volume it sits on. */
export async function shadowReader(volume: Reader, layer: Layer): Promise<Reader> {
  const id = /\{([0-9a-f-]{36})\}/i.exec(layer.locator)?.[1]?.toLowerCase();
  const vss = id ? await openVss(volume) : null;
  const store = vss?.stores.find((s) => s.id === id);
  if (!vss || !store) throw new Error(`shadow copy ${layer.locator} not found on this volume`);
  return vss.snapshot(store.index);
}

/** Label as the examiner sees it in a host's view list: `shadow copy 1 (created 2023-03-27T12:00:00.000Z)`. */
export function extraViewsOf(copies: readonly ShadowCopy[]): ExtraView[] {
  return copies.map((c) => ({ label: `shadow copy ${c.index} {${c.id}} created ${c.created ?? 'unknown'}`, fs: c.fs }));
}

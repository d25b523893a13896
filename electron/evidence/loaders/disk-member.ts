/**
 * Disk images met as members of a collection (KAPE `--zv`: a ZIP holding the `.vhdx`): each is
 * opened through the container stack over a Reader of the member — a stored member is a slice of
 * the archive, a deflated one gets a private temp copy under the ZIP reader's spill cap the first
 * time random access needs it — then volumes, file systems and host choice exactly as for an image
 * file (a KAPE volume becomes a `kape` host, a Windows volume a plain host).
 *
 * Citations chain through: `archive x.zip › zip <member> @ <off> › vhdx › mbr #0 @ … › ntfs vol0 › …`;
 * the archive ref opener re-opens the disk from those layers (archive-disk.ts).
 */
import type { FileEntry, Filesystem } from '../../common/vfs.js';
import { openContainerReader, type OpenedContainer } from '../containers/index.js';
import { OverlayFilesystem, VirtualTree } from '../filesystems/overlay.js';
import type { OpenedHost } from '../open.js';
import type { CollectionHost, Layout } from './collection.js';
import { chooseHosts, filesystemsOnDisk } from './image.js';
import type { CopyLog } from './kape.js';
import type { CollectionContext } from './layouts.js';

type Errors = { path: string; message: string }[];

/** An empty file system whose close() closes the container: how a caller that closes `ctx.opened` releases it. */
function closer(c: OpenedContainer): Filesystem {
  return new OverlayFilesystem('disk-closer', new VirtualTree(false), [], () => c.close());
}

function asCollectionHost(h: OpenedHost, member: string): CollectionHost {
  const note = `disk image ${member} inside the archive`;
  if ('layout' in h) {
    const c = h as CollectionHost;
    return { ...c, notes: [note, ...c.notes] };
  }
  return { fs: h.fs, label: h.label, layout: 'plain', osHint: 'unknown', coverage: [], notes: [note], extraViews: h.extraViews ?? [], collectorHashes: () => [] };
}

export async function openDiskMembers(fs: Filesystem, disks: FileEntry[], logs: CopyLog[], ctx: CollectionContext, errors: Errors): Promise<{ layout: Layout; hosts: CollectionHost[] }> {
  const hosts: CollectionHost[] = [];
  for (const d of disks) {
    if (ctx.budget) {
      if (ctx.budget.archives <= 0) {
        errors.push({ path: d.path, message: 'too many nested archives and images: this disk image is listed, not opened' });
        continue;
      }
      ctx.budget.archives--;
    }
    let container: OpenedContainer;
    try {
      container = await openContainerReader(await fs.open(d.path), d.name);
    } catch (err) {
      errors.push({ path: d.path, message: `cannot open the disk image inside: ${(err as Error).message}` });
      continue;
    }
    if (container.kind === 'raw') {
      await container.close();
      errors.push({ path: d.path, message: `${d.name} is named like a disk image but is neither a VHD nor a VHDX: not opened` });
      continue;
    }
    let disk;
    try {
      disk = await filesystemsOnDisk(container, fs.layersFor(d.path));
    } catch (err) {
      errors.push({ path: d.path, message: `cannot read the disk image inside: ${(err as Error).message}` });
      continue;
    }
    ctx.opened?.push(closer(container));
    for (const i of container.issues) errors.push({ path: d.path, message: `${container.kind}${i.offset !== null ? ` @ ${i.offset}` : ''}: ${i.message}` });
    const found = await chooseHosts(disk.filesystems, disk.errors, logs);
    for (const e of disk.errors) errors.push({ path: d.path, message: e.message });
    if (disk.filesystems.length === 0) errors.push({ path: d.path, message: 'no readable file system (NTFS, APFS, HFS+) found on this disk image' });
    hosts.push(...found.map((h) => asCollectionHost(h, d.name)));
  }
  return { layout: hosts.length > 0 && hosts.every((h) => h.layout === 'kape') ? 'kape' : 'plain', hosts };
}

/**
 * A disk-image container met inside other evidence (a KAPE `--zv` ZIP holding the `.vhdx`, an image
 * inside a collection): the same formats as openContainer, over a Reader of the member instead of
 * a path. There is no folder around it, so anything that needs a second file — a differencing
 * disk's parent, a QCOW2 backing file, a VMDK descriptor's extents or parent, further EWF segments
 * — cannot be found: that is a clear ParseError, never a disk silently read with zeros.
 */
import { ParseError } from '../../common/issues.js';
import type { ReadIssue } from '../../io/block-cache.js';
import type { Reader } from '../../io/reader.js';
import { openEwf, sniffEwf } from '../../formats/ewf/index.js';
import { openQcow, sniffQcow } from '../../formats/qcow2/index.js';
import { openVhd, sniffVhd } from '../../formats/vhd/index.js';
import { openVhdx, sniffVhdx } from '../../formats/vhdx/index.js';
import { openVmdk, sniffVmdk } from '../../formats/vmdk/index.js';
import type { OpenedContainer } from './index.js';

function noSecondFile(name: string, what: string, wanted: string): never {
  throw new ParseError('unsupported-version', { what: `${what} of ${name}` },
    `${name} is a ${what} and needs ${wanted}, which cannot be looked up inside an archive: extract the image together with it and give the extracted file as evidence`);
}

/**
 * Open the container in `reader` (named `name` for messages). The returned container owns
 * `reader`: closing it closes both. A reader whose bytes match no container is a raw disk.
 */
export async function openContainerReader(reader: Reader, name: string): Promise<OpenedContainer> {
  const issues: ReadIssue[] = [];
  try {
    const head = await reader.read(0, 512);
    const tail = await reader.read(Math.max(0, reader.size - 512), 512);
    if (sniffVhdx(head)) {
      const img = await openVhdx(reader, { file: name, issues, openParent: async (p) => noSecondFile(name, 'differencing VHDX', `its parent disk ${p.paths[0] ?? '(no locator)'}`) });
      return owning('vhdx', img.reader, img.info, issues, reader);
    }
    if (sniffQcow(head)) {
      const img = await openQcow(reader, { file: name, issues, openBacking: async (b) => noSecondFile(name, 'QCOW2 overlay', `its backing file ${b}`) });
      return owning('qcow2', img.reader, img.info, issues, reader);
    }
    const vmdk = sniffVmdk(head);
    if (vmdk) {
      if (vmdk !== 'sparse') noSecondFile(name, 'VMDK descriptor', 'the extent files it names');
      const img = await openVmdk(reader, { openFile: async (n) => noSecondFile(name, 'VMDK snapshot', `its parent disk ${n}`) }, { file: name, issues });
      return owning('vmdk', img.reader, img.info, issues, reader);
    }
    if (sniffVhd(head, tail)) {
      const img = await openVhd(reader, { file: name, issues, openParent: async (p) => noSecondFile(name, 'differencing VHD', `its parent disk '${p.name}'`) });
      return owning('vhd', img.reader, img.info, issues, reader);
    }
    if (sniffEwf(head)) {
      // A lone segment is readable when the image was acquired as one file (no .E02 needed).
      const img = await openEwf([{ name, reader }], { issues });
      return owning('e01', img.reader, img.info, issues, reader);
    }
    return { kind: 'raw', reader, info: { 'media size': reader.size }, issues, close: () => reader.close() };
  } catch (err) {
    await reader.close().catch(() => {});
    throw err;
  }
}

function owning(kind: OpenedContainer['kind'], disk: Reader, info: Record<string, string | number>, issues: ReadIssue[], file: Reader): OpenedContainer {
  return {
    kind,
    reader: disk,
    info,
    issues,
    close: async () => {
      try {
        await disk.close();
      } finally {
        await file.close();
      }
    },
  };
}

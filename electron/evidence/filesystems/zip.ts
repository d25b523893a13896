/**
 * A ZIP archive as a read-only Filesystem: member names as `/`-separated paths (hostile names
 * neutralised, duplicates kept with a suffix), times from the archive (NTFS / extended-timestamp
 * extras are UTC; the DOS time is local wall-clock time with no zone, flagged `local-no-zone`).
 * Citations: [...outer layers, {kind:'zip', locator: <stored member name>, offset: <local header>}].
 */
import type { Layer } from '../../common/evidence-ref.js';
import { ZipArchive, type ZipIssue, type ZipOpenOptions } from '../../formats/zip/index.js';
import type { Reader } from '../../io/reader.js';
import { memberParts, OverlayFilesystem, VirtualTree } from './overlay.js';

export class ZipFilesystem extends OverlayFilesystem {
  private constructor(readonly archive: ZipArchive, tree: VirtualTree, outer: Layer[], owns: boolean) {
    super('zip', tree, outer, async () => {
      if (owns) await archive.close();
    });
  }

  /** Build the tree of an open archive. `outer` are the layers that lead to the archive itself. */
  static fromArchive(archive: ZipArchive, outer: Layer[], owns = true): ZipFilesystem {
    const tree = new VirtualTree(false);
    for (const e of archive.entries) {
      const { parts, notes } = memberParts(e.name);
      tree.noteName(e.name, parts, notes);
      if (e.isDir) {
        tree.dir(parts);
        continue;
      }
      tree.add(parts, {
        size: e.size,
        id: `zip#${e.index}`,
        created: e.times.created,
        modified: e.times.modified,
        accessed: e.times.accessed,
        changed: null,
        timeBasis: e.times.basis,
        open: () => archive.openMember(e),
        layers: [...outer, { kind: 'zip', locator: e.name, offset: e.localHeaderOffset }],
      });
    }
    return new ZipFilesystem(archive, tree, outer, owns);
  }

  /** A ZIP file on the examiner's disk (node-stream-zip lists it). */
  static async openFile(hostPath: string, opts: ZipOpenOptions = {}): Promise<ZipFilesystem> {
    return ZipFilesystem.fromArchive(await ZipArchive.openFile(hostPath, opts), [{ kind: 'archive', locator: hostPath }]);
  }

  /** A ZIP met inside other evidence: `outer` ends with the layer of the member or file holding it. */
  static async openReader(reader: Reader, outer: Layer[], opts: ZipOpenOptions = {}): Promise<ZipFilesystem> {
    return ZipFilesystem.fromArchive(await ZipArchive.open(reader, opts, true), outer);
  }

  /** Archive-level and naming issues, as lines for the evidence item's error list. */
  get allIssues(): { member: string | null; message: string }[] {
    return [...this.archive.issues.map((i: ZipIssue) => ({ member: i.member, message: i.message })), ...this.issues.map((m) => ({ member: null, message: m }))];
  }
}

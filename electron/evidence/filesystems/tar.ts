/**
 * A tar / tar.gz archive as a read-only Filesystem. Member times are UTC (tar mtime is Unix
 * seconds; pax adds fractions, atime, ctime); symbolic links are listed as links and never
 * followed; hard links read their target's data. Citations: [...outer, {kind:'gzip'}?,
 * {kind:'tar', locator: <stored member name>, offset: <header offset>}].
 */
import type { Layer } from '../../common/evidence-ref.js';
import { TarArchive, type TarOpenOptions } from '../../formats/tar/index.js';
import { FileReader } from '../../io/file-reader.js';
import type { Reader } from '../../io/reader.js';
import { memberParts, OverlayFilesystem, VirtualTree } from './overlay.js';

export class TarFilesystem extends OverlayFilesystem {
  private constructor(readonly archive: TarArchive, tree: VirtualTree, outer: Layer[], onClose: () => Promise<void>) {
    super('tar', tree, outer, onClose);
  }

  static fromArchive(archive: TarArchive, outer: Layer[], onClose: () => Promise<void>): TarFilesystem {
    const tree = new VirtualTree(false);
    const prefix: Layer[] = archive.gzip ? [...outer, { kind: 'gzip', locator: '' }] : outer;
    for (const e of archive.entries) {
      const { parts, notes } = memberParts(e.name);
      tree.noteName(e.name, parts, notes);
      if (e.type === 'dir') {
        tree.dir(parts);
        continue;
      }
      tree.add(parts, {
        size: e.type === 'file' ? e.size : 0,
        id: `tar#${e.index}`,
        created: e.created,
        modified: e.modified,
        accessed: e.accessed,
        changed: e.changed,
        timeBasis: e.modified ? 'utc' : 'none',
        type: e.type === 'file' || e.type === 'hardlink' ? 'file' : e.type === 'symlink' ? 'link' : 'other',
        open: () => archive.openMember(e),
        layers: [...prefix, { kind: 'tar', locator: e.name, offset: e.headerOffset }],
      });
    }
    return new TarFilesystem(archive, tree, outer, onClose);
  }

  static async openFile(hostPath: string, opts: TarOpenOptions & { gzip?: boolean } = {}): Promise<TarFilesystem> {
    const file = await FileReader.open(hostPath);
    try {
      const archive = await TarArchive.open(file, opts);
      return TarFilesystem.fromArchive(archive, [{ kind: 'archive', locator: hostPath }], async () => {
        await archive.close();
        await file.close();
      });
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  static async openReader(reader: Reader, outer: Layer[], opts: TarOpenOptions & { gzip?: boolean } = {}): Promise<TarFilesystem> {
    const archive = await TarArchive.open(reader, opts);
    return TarFilesystem.fromArchive(archive, outer, async () => {
      await archive.close();
      await reader.close();
    });
  }

  get allIssues(): { member: string | null; message: string }[] {
    return [...this.archive.issues.map((i) => ({ member: i.member, message: i.message })), ...this.issues.map((m) => ({ member: null, message: m }))];
  }
}

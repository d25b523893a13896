/**
 * TSK bodyfile 3.x (mactime input): MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime,
 * epoch seconds, for every file the scan examined. Unknown fields are 0, as TSK writes them.
 */
import type { ScanResult } from '../../common/scan-result.js';

const epoch = (iso: string | null): number => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);
/** `|` separates fields and a newline ends a record: neither may appear raw in a name. */
const safe = (s: string): string => s.replace(/\|/g, '\\x7c').replace(/\n/g, '\\x0a').replace(/\r/g, '\\x0d');

export function bodyfile(r: ScanResult): string {
  const lines: string[] = [];
  for (const h of r.hosts) {
    for (const f of h.files ?? []) {
      const name = r.hosts.length > 1 ? `${h.name}:${f.path}` : f.path;
      lines.push([f.md5 ?? '0', safe(name), f.id ?? '0', 'r/rrwxrwxrwx', '0', '0', f.size, epoch(f.accessed), epoch(f.modified), epoch(f.changed), epoch(f.created)].join('|'));
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}

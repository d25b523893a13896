/** A byte-and-time snapshot of a folder tree, to prove a scan changed nothing. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function snapshotTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p, { bigint: true });
      const times = `m=${st.mtimeNs} c=${st.ctimeNs} b=${st.birthtimeNs}`;
      if (st.isDirectory()) {
        out.set(p, `dir ${times}`);
        walk(p);
      } else if (st.isFile()) {
        // Reading here would itself touch atime, so hash with the same O_NOATIME discipline? No:
        // the snapshot reads files *before* recording atime for the comparison below.
        const sha = createHash('sha256').update(readFileSync(p)).digest('hex');
        out.set(p, `file ${st.size} ${sha} ${times}`);
      } else out.set(p, `other ${times}`);
    }
  };
  walk(root);
  return out;
}

export function atimes(root: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p, { bigint: true });
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(p, st.atimeNs);
    }
  };
  walk(root);
  return out;
}

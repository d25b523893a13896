/**
 * The bench's synthetic evidence tree, built once and cached: /tmp/3cx-bench/tree plus a marker
 * file that records the layout it was built with (a changed layout or a half-built tree rebuilds).
 * Content is pseudo-random (xorshift128, fixed seed) so nothing compresses or dedups, and every
 * build gives the same bytes.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_DIR = '/tmp/3cx-bench';
export const TREE_DIR = join(BENCH_DIR, 'tree');
const MARKER = join(BENCH_DIR, 'tree.ready.json');

export const TREE_LAYOUT = {
  version: 1,
  /** Small files: TOP × MID directories of PER_DIR files, 1–64 KiB each. */
  top: 25,
  mid: 10,
  perDir: 200,
  smallMin: 1024,
  smallMax: 64 * 1024,
  /** Big files (installers, Electron binaries): 20–100 MiB. */
  big: 8,
  bigMin: 20 * 1024 * 1024,
  bigMax: 100 * 1024 * 1024,
  seed: 0x3c3c2023,
};

export interface TreeInfo { files: number; bytes: number; built: boolean; buildSeconds: number }

class XorShift128 {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    this.s.set([seed >>> 0 || 1, 0x9e3779b9, 0x243f6a88, 0xb7e15162]);
    for (let i = 0; i < 16; i++) this.next();
  }
  next(): number {
    const s = this.s;
    let t = s[3]!;
    const x = s[0]!;
    s[3] = s[2]!;
    s[2] = s[1]!;
    s[1] = x;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = (t ^ x ^ (x >>> 19)) >>> 0;
    return s[0];
  }
  fill(buf: Uint8Array): void {
    const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.next();
    for (let i = words.length * 4; i < buf.length; i++) buf[i] = this.next() & 0xff;
  }
  between(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
}

export function ensureTree(log: (s: string) => void): TreeInfo {
  const want = JSON.stringify(TREE_LAYOUT);
  if (existsSync(MARKER)) {
    const m = JSON.parse(readFileSync(MARKER, 'utf8')) as { layout: string; files: number; bytes: number };
    if (m.layout === want) return { files: m.files, bytes: m.bytes, built: false, buildSeconds: 0 };
  }
  log(`building the bench tree in ${TREE_DIR} (once; cached with ${MARKER}) ...`);
  const t0 = performance.now();
  rmSync(MARKER, { force: true });
  rmSync(TREE_DIR, { recursive: true, force: true });
  const L = TREE_LAYOUT;
  const rng = new XorShift128(L.seed);
  const buf = new Uint8Array(1024 * 1024);
  let files = 0;
  let bytes = 0;
  for (let a = 0; a < L.top; a++) {
    for (let b = 0; b < L.mid; b++) {
      const dir = join(TREE_DIR, `a${pad(a, 2)}`, `b${pad(b, 2)}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < L.perDir; f++) {
        const size = rng.between(L.smallMin, L.smallMax);
        const part = buf.subarray(0, size);
        rng.fill(part);
        writeFileSync(join(dir, `f${pad(f, 3)}.bin`), part);
        files++;
        bytes += size;
      }
    }
  }
  mkdirSync(join(TREE_DIR, 'big'), { recursive: true });
  for (let i = 0; i < L.big; i++) {
    const size = rng.between(L.bigMin, L.bigMax);
    const fd = openSync(join(TREE_DIR, 'big', `big${i}.bin`), 'w');
    for (let left = size; left > 0; left -= buf.length) {
      const part = buf.subarray(0, Math.min(buf.length, left));
      rng.fill(part);
      writeSync(fd, part);
    }
    closeSync(fd);
    files++;
    bytes += size;
  }
  writeFileSync(MARKER, JSON.stringify({ layout: want, files, bytes }));
  return { files, bytes, built: true, buildSeconds: (performance.now() - t0) / 1000 };
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

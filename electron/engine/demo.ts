/**
 * The demonstration evidence shipped in assets/demo (benign stand-ins built by
 * test/fixtures/make-demo.sh), unpacked into a private temp folder for each demo scan.
 *
 * Why a pack and not a folder: the stand-ins carry the attack's marker strings (the RC4 key, the
 * FEEDFACE carrier layout) as inert data so the demo exercises the real detections. Shipped in
 * the clear, an examiner's antivirus or YARA sweep would flag the app's own install folder. The
 * pack is a POSIX tar (which also keeps the files' modification times — git keeps none),
 * gzip-compressed and XOR-masked with a fixed key: not secrecy, just opacity to scanners that
 * look inside gzip. Unpacking writes only inside the temp folder; the pack is never modified.
 */
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { indexTar, type TarIssue } from '../formats/tar/index.js';
import { BufferReader } from '../io/buffer-reader.js';
import { ASSETS_DIR } from './paths.js';

export const DEMO_HOSTS = ['WS-FINANCE-07', 'alice-mbp'] as const;
export const DEMO_PACK = 'hosts.pack';
const MAGIC = Buffer.from('3CXDEMO1', 'latin1');
/** The mask repeats this key over the gzip stream (make-demo.sh applies the same one). */
export const DEMO_MASK_KEY = Buffer.from('3cx-triage demo evidence: benign stand-ins', 'latin1');
const MAX_UNPACKED = 64 << 20;

export interface DemoEvidence {
  paths: string[];
  dispose(): Promise<void>;
}

export function unmask(packed: Uint8Array): Buffer {
  if (packed.length < MAGIC.length || !MAGIC.equals(packed.subarray(0, MAGIC.length))) throw new Error('assets/demo/hosts.pack: not a demo pack');
  const body = Buffer.from(packed.subarray(MAGIC.length));
  for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ DEMO_MASK_KEY[i % DEMO_MASK_KEY.length]!;
  return gunzipSync(body, { maxOutputLength: MAX_UNPACKED });
}

export async function prepareDemoEvidence(assetsDir: string = ASSETS_DIR): Promise<DemoEvidence> {
  const tar = unmask(await readFile(join(assetsDir, 'demo', DEMO_PACK)));
  const issues: TarIssue[] = [];
  const entries = await indexTar(new BufferReader(tar), issues);
  if (issues.some((i) => i.severity === 'error')) throw new Error(`assets/demo/${DEMO_PACK}: ${issues.map((i) => i.message).join('; ')}`);
  const dir = await mkdtemp(join(tmpdir(), '3cx-demo-'));
  try {
    const times: [string, number][] = [];
    for (const e of entries) {
      const target = resolve(dir, e.name.replace(/^\.\//, ''));
      if (!target.startsWith(dir + sep)) continue; // a stray member never leaves the temp folder
      if (e.type === 'dir') await mkdir(target, { recursive: true });
      else if (e.type === 'file') {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, tar.subarray(e.dataOffset, e.dataOffset + e.size), { mode: 0o600 });
      } else continue;
      if (e.modified) times.push([target, Date.parse(e.modified) / 1000]);
    }
    // Deepest first: setting a file's time after its folder's would move the folder's again.
    times.sort((a, b) => b[0].length - a[0].length);
    for (const [p, t] of times) await utimes(p, t, t);
    return { paths: DEMO_HOSTS.map((h) => join(dir, h)), dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Only a folder we made for the demo is ever deleted: its case.json says so. */
export async function removeOldDemo(dir: string): Promise<void> {
  const text = await readFile(join(dir, 'case.json'), 'utf8').catch(() => null);
  if (text === null) {
    if (await stat(dir).catch(() => null)) throw new Error(`${dir} exists and is not a demo case; move it away`);
    return;
  }
  let demo: boolean;
  try {
    demo = (JSON.parse(text) as { demo?: unknown }).demo === true;
  } catch {
    demo = false;
  }
  if (!demo) throw new Error(`${dir} holds a case that is not the demo; move it away`);
  await rm(dir, { recursive: true, force: true });
}

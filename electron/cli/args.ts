/** Command-line parsing for `3cx-triage` (contract.md § Command line). Small and strict. */
export class UsageError extends Error {}

export interface ParsedArgs {
  command: 'scan' | 'demo' | 'version' | 'help' | 'ls' | 'cat' | 'hash' | 'dump' | 'export' | 'report';
  positionals: string[];
  ioc: string[];
  json: string | null;
  report: string | null;
  caseName: string | null;
  examiner: string | null;
  workers: number | null;
  quiet: boolean;
  /** ls: descend; include deleted entries. ls/dump: `--json` is a flag (JSON Lines), not a file. */
  recursive: boolean;
  deleted: boolean;
  jsonLines: boolean;
  algorithms: ('md5' | 'sha1' | 'sha256')[];
  /** scan: verify the hashes images store (a full read of each image); the password of protected archives. */
  verify: boolean;
  password: string | null;
  /** Report paper size. */
  paper: 'A4' | 'Letter';
}

const VALUE_FLAGS = new Set(['--ioc', '--json', '--report', '--case', '--examiner', '--workers', '--algorithms', '--password', '--paper']);
const ALGORITHMS = new Set(['md5', 'sha1', 'sha256']);
const COMMANDS = new Set(['scan', 'demo', 'ls', 'cat', 'hash', 'dump', 'export', 'report']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { command: 'help', positionals: [], ioc: [], json: null, report: null, caseName: null, examiner: null, workers: null, quiet: false, recursive: false, deleted: false, jsonLines: false, algorithms: ['md5', 'sha1', 'sha256'], verify: false, password: null, paper: 'A4' };
  if (argv.length === 0) throw new UsageError('no command given');
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') return { ...out, command: 'version' };
  if (first === '--help' || first === '-h' || first === 'help') return { ...out, command: 'help' };
  if (!COMMANDS.has(first!)) throw new UsageError(`unknown command '${first}'`);
  out.command = first as ParsedArgs['command'];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      out.positionals.push(...rest.slice(i + 1));
      break;
    }
    if (a === '--quiet' || a === '-q') {
      out.quiet = true;
      continue;
    }
    if ((a === '--recursive' || a === '-r') && out.command === 'ls') {
      out.recursive = true;
      continue;
    }
    if (a === '--verify' && out.command === 'scan') {
      out.verify = true;
      continue;
    }
    if (a === '--deleted' && out.command === 'ls') {
      out.deleted = true;
      continue;
    }
    if (a === '--json' && (out.command === 'ls' || out.command === 'dump')) {
      out.jsonLines = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(flag)) {
      const value = eq > 0 ? a.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      switch (flag) {
        case '--ioc': out.ioc.push(value); break;
        case '--json': out.json = value; break;
        case '--report': out.report = value; break;
        case '--password': out.password = value; break;
        case '--paper': {
          const p = value.toLowerCase();
          if (p !== 'a4' && p !== 'letter') throw new UsageError('--paper takes a4 or letter');
          out.paper = p === 'a4' ? 'A4' : 'Letter';
          break;
        }
        case '--case': out.caseName = value; break;
        case '--examiner': out.examiner = value; break;
        case '--algorithms': {
          const list = value.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
          const bad = list.filter((x) => !ALGORITHMS.has(x));
          if (list.length === 0 || bad.length) throw new UsageError(`--algorithms takes md5,sha1,sha256 (not ${bad.join(',') || 'nothing'})`);
          out.algorithms = [...new Set(list)] as ParsedArgs['algorithms'];
          break;
        }
        case '--workers': {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--workers takes a whole number from 1 to 64');
          out.workers = n;
          break;
        }
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    out.positionals.push(a);
  }
  if (out.command === 'scan' && out.positionals.length === 0) throw new UsageError('scan needs at least one evidence path');
  if (out.command === 'demo' && out.positionals.length > 0) throw new UsageError('demo takes no evidence paths');
  if (out.command === 'demo' && out.ioc.length > 0) throw new UsageError('demo takes no --ioc');
  const need: Record<string, [number, number]> = { ls: [1, 2], cat: [2, 2], hash: [1, 2], dump: [2, 3], export: [2, 3], report: [2, 2] };
  const range = need[out.command];
  if (range && (out.positionals.length < range[0] || out.positionals.length > range[1])) throw new UsageError(`wrong number of arguments for ${out.command} (see --help)`);
  return out;
}

export const HELP = `3cx-triage — offline triage for the 2023 3CX supply-chain compromise

Usage:
  3cx-triage scan <evidence>... [--ioc FILE]... [--json OUT.json] [--report OUT.html|OUT.pdf]
                  [--case NAME] [--examiner NAME] [--workers N] [--quiet]
                  [--verify] [--password PW] [--paper a4|letter]
  3cx-triage demo [--json OUT.json] [--report OUT.html|OUT.pdf]
  3cx-triage ls   <evidence> [PATH] [--recursive] [--deleted] [--json]
  3cx-triage cat  <evidence> PATH[:STREAM]
  3cx-triage hash <evidence> [PATH] [--algorithms md5,sha1,sha256] [--workers N]
  3cx-triage dump <artefact> <evidence> [PATH] [--json]     artefacts: pe, plist, macho, main-storage,
                  prefetch, evtx, regf, usnjrnl, fsevents
  3cx-triage export <timeline-csv|l2tcsv|bodyfile|timesketch|stix|json> <result.json> [OUT]
  3cx-triage report <result.json> <OUT.html|OUT.pdf> [--paper a4|letter]
  3cx-triage --version | --help

  <evidence>   a live folder (mounted Windows volume, macOS root, user profile), a triage archive
               (ZIP, tar, tar.gz), a folder of such archives, or a disk image (raw/split, E01,
               VHD, VHDX, VMDK, QCOW2, DMG)
  --ioc FILE   extra indicators: CSV "type,value,description" or the app's JSON pack (repeatable)
  --json OUT   write the result document (contract scan@1); "-" for stdout
  --quiet      no progress on stderr
  --verify     verify the hash an image stores (E01 MD5/SHA-1) by reading it whole
  --password   password of protected triage archives (ZipCrypto, WinZip AES; Velociraptor's
               protected collections); also for ls, cat and hash

Exit status: 0 the scan ran to the end (whatever it found); 2 usage error or bad --ioc pack;
1 nothing could run. The evidence is opened read-only and never written to.
`;

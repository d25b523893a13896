// Throws random and mutated text at the `--ioc` reader (CSV, and JSON when it starts with `{`):
// the only acceptable outcomes are a pack of well-formed indicators or an IocFormatError that
// names the file and a line inside the text. Time-boxed (~8 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIocText, IocFormatError, HEX_LENGTH, checkDomain, checkUrl } from '../../electron/analysis/ioc/index.js';

const SEED_PACK = [
  '\uFEFFtype,value,description',
  '# Sophos-style comment, "quoted"',
  'sha256,7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896,"ffmpeg.dll, 18.12.416"',
  'sha1,bf939c9c261d27ee7bb92325cc588624fca75429,',
  'md5,74bc2d0b6680faa1a5a76b27e5479cbc,x',
  '',
  'domain,msstorageboxes[.]com,"a ""quoted"" word"',
  'url,hxxps://officeaddons[.]com/technologies,c2',
].join('\r\n');
const JSON_PACK = JSON.stringify({
  schema: '3cx-triage/ioc-pack@1', name: 'f', version: '1',
  hashes: [{ algorithm: 'md5', value: '74bc2d0b6680faa1a5a76b27e5479cbc', sources: ['s'] }],
  network: [{ kind: 'url', value: 'https://a.example/x', role: 'malicious', sources: ['s'] }],
}, null, 1);

const csvChar = fc.constantFrom(...'ab01fF,"\r\n# .[]:/\t\uFEFFhxtpsmd5sha256typevaluedescriptionurl'.split(''));
const csvish = fc.array(csvChar, { maxLength: 400 }).map((a) => a.join(''));
function mutate(base: string) {
  return fc.array(fc.tuple(fc.nat(base.length), fc.nat(8), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = base;
    for (const [at, del, ins] of edits) {
      const p = at % (s.length + 1);
      s = s.slice(0, p) + ins + s.slice(p + del);
    }
    return s;
  });
}

function check(text: string): void {
  try {
    const pack = parseIocText(text, 'fuzz.csv');
    for (const h of pack.hashes) {
      assert.match(h.value, /^[0-9a-f]+$/);
      assert.equal(h.value.length, HEX_LENGTH[h.algorithm]);
    }
    // whatever the lenient CSV reader accepts is already in the strict form a JSON pack stores
    for (const n of pack.network) assert.ok((n.kind === 'domain' ? checkDomain(n.value, true) : checkUrl(n.value, true)).ok, n.value);
  } catch (e) {
    if (!(e instanceof IocFormatError)) throw e;
    assert.equal(e.file, 'fuzz.csv');
    if (e.line !== null) {
      const lines = text.split(/\r\n|\r|\n/).length;
      assert.ok(e.line >= 1 && e.line <= lines, `line ${e.line} of ${lines}`);
    }
  }
}

test('CSV/JSON pack reader: results or IocFormatError only', () => {
  check(SEED_PACK);
  assert.equal(parseIocText(SEED_PACK, 'fuzz.csv').hashes.length, 3);
  const arb = fc.oneof(fc.string({ maxLength: 300 }), csvish, mutate(SEED_PACK), mutate(JSON_PACK), csvish.map((s) => `type,value,description\n${s}`));
  fc.assert(fc.property(arb, (text) => check(text)), {
    numRuns: 200_000,
    interruptAfterTimeLimit: 8_000,
    markInterruptAsFailure: false,
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../../electron/cli/args.js';

test('scan takes several evidence paths and repeatable --ioc', () => {
  const a = parseArgs(['scan', 'a', 'b', '--ioc', 'x.csv', '--ioc=y.json', '--json', '-', '--case', 'IR-7', '--examiner', 'J. Doe', '--workers', '3', '--quiet']);
  assert.deepEqual(a.positionals, ['a', 'b']);
  assert.deepEqual(a.ioc, ['x.csv', 'y.json']);
  assert.equal(a.json, '-');
  assert.equal(a.caseName, 'IR-7');
  assert.equal(a.examiner, 'J. Doe');
  assert.equal(a.workers, 3);
  assert.equal(a.quiet, true);
});

test('a path that starts with a dash is reachable after --', () => {
  assert.deepEqual(parseArgs(['scan', '--', '-weird']).positionals, ['-weird']);
});

test('usage errors', () => {
  for (const argv of [[], ['scan'], ['nope'], ['scan', 'a', '--json'], ['scan', 'a', '--workers', 'x'], ['demo', 'a'], ['scan', 'a', '--frob']]) {
    assert.throws(() => parseArgs(argv), UsageError, argv.join(' '));
  }
  assert.equal(parseArgs(['--version']).command, 'version');
});

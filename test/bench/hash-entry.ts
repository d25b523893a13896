#!/usr/bin/env node
/**
 * Plain-Node entry the hash bench times as a child process (so node's start-up, the folder walk
 * and the pool are all in the number, as with hashdeep):
 *   node hash-entry.js ROOT [OUT.txt] [workers]
 * Lists ROOT with FolderFilesystem, SHA-256s every file with HashPool, optionally writes
 * `sha256sum`-style lines, and prints one JSON line of timings.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FolderFilesystem } from '../../electron/evidence/filesystems/folder.js';
import { HashPool } from '../../electron/hashing/index.js';
import { listFiles } from './walk.js';

const [root, outFile, workersArg] = process.argv.slice(2);
if (!root) throw new Error('usage: hash-entry.js ROOT [OUT.txt] [workers]');
const t0 = performance.now();
const fs = await FolderFilesystem.open(root);
const files = await listFiles(fs);
const t1 = performance.now();
const pool = new HashPool(workersArg ? { workers: Number(workersArg) } : {});
const layers = fs.layersFor();
const results = await pool.hashAll(
  files.map((f) => ({ ref: { evidenceId: 'B1', path: f.path, chain: layers }, algorithms: ['sha256'], size: f.size })),
);
const t2 = performance.now();
await pool.close();
const errors = results.filter((r) => r.error).length;
if (outFile && outFile !== '-') {
  await writeFile(outFile, results.map((r) => `${r.sha256 ?? r.error}  ${join(root, r.ref.path)}\n`).join(''));
}
const bytes = results.reduce((a, r) => a + r.size, 0);
console.log(JSON.stringify({ files: files.length, bytes, errors, workers: pool.workerCount, walkSeconds: (t1 - t0) / 1000, hashSeconds: (t2 - t1) / 1000, maxRssKiB: process.resourceUsage().maxRSS }));

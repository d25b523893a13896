#!/usr/bin/env node
/**
 * Plain-Node entry the hash bench times as a child process (so node's start-up, the folder walk
 * and the pool are all in the number, as with hashdeep):
 *   node hash-entry.js ROOT [OUT.txt|-] [workers|default] [serial|stream]
 * Lists ROOT with FolderFilesystem and SHA-256s every file with HashPool: `serial` lists the whole
 * tree, then hashes; `stream` hands each few thousand listed files to the pool while the walk goes
 * on. Optionally writes `sha256sum`-style lines; prints one JSON line of timings.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from '../../electron/common/vfs.js';
import { FolderFilesystem } from '../../electron/evidence/filesystems/folder.js';
import { HashPool, type HashJob, type HashResult } from '../../electron/hashing/index.js';
import { listFiles } from './walk.js';

const [root, outFile, workersArg, mode = 'serial'] = process.argv.slice(2);
if (!root) throw new Error('usage: hash-entry.js ROOT [OUT.txt|-] [workers|default] [serial|stream]');
const STREAM_CHUNK_FILES = 2000;

const t0 = performance.now();
const fs = await FolderFilesystem.open(root);
const layers = fs.layersFor();
const pool = new HashPool(workersArg && workersArg !== 'default' ? { workers: Number(workersArg) } : {});
pool.warmUp(); // workers load their modules while the walk runs
const toJobs = (files: FileEntry[]): HashJob[] =>
  files.map((f) => ({ ref: { evidenceId: 'B1', path: f.path, chain: layers }, algorithms: ['sha256'], size: f.size }));

let results: HashResult[];
let t1: number;
if (mode === 'stream') {
  const runs: Promise<HashResult[]>[] = [];
  let chunk: FileEntry[] = [];
  const flush = (): void => {
    if (chunk.length > 0) runs.push(pool.hashAll(toJobs(chunk)));
    chunk = [];
  };
  await listFiles(fs, '/', 8, (files) => {
    chunk.push(...files);
    if (chunk.length >= STREAM_CHUNK_FILES) flush();
  });
  flush();
  t1 = performance.now();
  results = (await Promise.all(runs)).flat();
} else {
  const files = await listFiles(fs);
  t1 = performance.now();
  results = await pool.hashAll(toJobs(files));
}
const t2 = performance.now();
await pool.close();
const errors = results.filter((r) => r.error).length;
if (outFile && outFile !== '-') {
  await writeFile(outFile, results.map((r) => `${r.sha256 ?? r.error}  ${join(root, r.ref.path)}\n`).join(''));
}
const bytes = results.reduce((a, r) => a + r.size, 0);
console.log(
  JSON.stringify({
    mode, files: results.length, bytes, errors, workers: pool.workerCount,
    walkSeconds: (t1 - t0) / 1000, hashSecondsAfterWalk: (t2 - t1) / 1000, totalSeconds: (t2 - t0) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);

/** Entry point of a hash worker thread (see electron/hashing/pool.ts). */
import { parentPort } from 'node:worker_threads';
import { serveHashTasks } from '../hashing/serve.js';

if (!parentPort) throw new Error('hash.worker.js must be started as a worker thread');
serveHashTasks(parentPort);

/** Entry point of a hash worker thread (see electron/hashing/pool.ts). */
import { parentPort } from 'node:worker_threads';
// Ref openers of every evidence kind (images, archives), so this thread can re-open any EvidenceRef.
import '../evidence/loaders/index.js';
import { useSyncFolderOpener } from '../hashing/folder-sync.js';
import { useHashWorkerCaches } from '../hashing/image-jobs.js';
import { serveHashTasks } from '../hashing/serve.js';

if (!parentPort) throw new Error('hash.worker.js must be started as a worker thread');
// Blocking file calls are cheap and harmless on this thread (see hashing/folder-sync.ts).
useSyncFolderOpener();
useHashWorkerCaches();
serveHashTasks(parentPort);

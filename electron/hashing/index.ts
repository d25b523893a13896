/**
 * Hashing: the only public surface of electron/hashing.
 * - `HashPool` hashes many EvidenceRefs on worker threads (batched, cancellable, with progress);
 * - `hashReader` digests one open Reader in this thread.
 */
export { HashPool, type HashPoolOptions } from './pool.js';
export { hashReader, type HashReaderOptions, type Digests } from './digest.js';
export { AMCACHE_PREFIX_BYTES, HASH_ALGORITHMS } from './types.js';
export type { HashAlgorithm, HashJob, HashOptions, HashProgress, HashResult } from './types.js';
export type { BatchLimits } from './batch.js';

/**
 * Public surface of the IOC layer: the built-in 3CX set, `--ioc` packs, and matching.
 * Pure modules (normalize, csv, pack, set, network-match) never touch node:*; load.ts reads files.
 */
export * from './types.js';
export { loadBuiltinIocs, loadIocFile, parseIocText, defaultAssetsDir, IOC_PACK_MAX_BYTES } from './load.js';
export { withExtras, matchHashes, versionStatus, normalizeVersion } from './set.js';
export { findNetworkIndicators, type NetworkMatch } from './network-match.js';
export { checkDomain, checkHash, checkUrl, refang } from './normalize.js';

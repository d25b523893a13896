/**
 * The real hash worker plus two test-only evidence kinds: `crash` kills the worker thread while
 * it opens the file, `hang` never answers (and never reports progress).
 */
import { registerOpener } from '../../../electron/evidence/resolve.js';
import '../../../electron/workers/hash.worker.js';

registerOpener('crash', async () => process.exit(7));
registerOpener('hang', () => new Promise(() => {}));
/** A file that never ends (1 TiB of zeros, made on the fly): only a working cancel stops it. */
registerOpener('endless', async () => ({
  size: 2 ** 40,
  read: async (_offset: number, length: number) => new Uint8Array(length),
  close: async () => {},
}));

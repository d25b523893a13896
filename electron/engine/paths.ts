/** Where the app's own files are, for the CLI and the engine (compiled to out/electron/engine/). */
import { fileURLToPath } from 'node:url';

export const ASSETS_DIR = fileURLToPath(new URL('../../../assets/', import.meta.url));
export const PACKAGE_JSON = fileURLToPath(new URL('../../../package.json', import.meta.url));

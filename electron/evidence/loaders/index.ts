/**
 * Every evidence loader beyond live folders. Each imported module registers itself twice: an
 * evidence opener (evidence/open.ts, for scans) and a ref opener (evidence/resolve.ts, so hash
 * workers can re-open bytes from an EvidenceRef). The engine and the hash worker import this
 * module once. Add one line per loader.
 */
import './image.js';
import './archive.js';
import './collection-folder.js';
export {};

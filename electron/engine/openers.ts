/**
 * Every evidence opener beyond live folders registers itself (registerEvidenceOpener) when its
 * loader module is imported; this file imports them all, once, for the engine.
 * Add one line per loader.
 */
export {};

/**
 * The canonical serialisation the bundle's sha256 is computed over: JSON with object keys sorted
 * (recursively), no whitespace, and the top-level `sha256` field left out. Two bundles with the
 * same content hash the same however they were pretty-printed. Pure.
 */

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function canonicalJson(pack: object): string {
  const { sha256: _ignored, ...rest } = pack as Record<string, unknown>;
  return JSON.stringify(sortKeys(rest));
}

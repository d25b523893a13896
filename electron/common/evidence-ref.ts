/**
 * Where a fact came from, precisely enough to re-open the bytes and for an examiner to cite it.
 *
 * Like dfvfs path specs and Velociraptor's nested PathSpec, a ref is plain data: any process
 * (engine, hash worker, report) can re-open the same bytes from it without sharing handles.
 */

/** One step from the evidence item down to the bytes (outermost first). */
export interface Layer {
  /** Layer kind: `folder`, `file`, `ewf`, `gpt`, `ntfs`, `zip`, ... (as dissect's `__type__`). */
  readonly kind: string;
  /** What identifies this step inside its parent: a path, a partition index, a member name. */
  readonly locator: string;
  /** Byte offset of this layer inside its parent, where that means something. */
  readonly offset?: number;
}

export interface ParserId {
  readonly id: string;
  readonly version: string;
}

export interface EvidenceRef {
  /** The evidence item (`E1`, ...), as in the contract's `evidence[]`. */
  readonly evidenceId: string;
  /** The path inside the evidence, `/`-separated, as the examiner would name it on the host. */
  readonly path: string;
  /** Layers from the evidence item to the file (a live folder has a single `folder` layer). */
  readonly chain: readonly Layer[];
  /** Where inside the file: byte offset and length, registry key, record number, plist key. */
  readonly within?: {
    readonly offset?: number;
    readonly length?: number;
    readonly key?: string;
    readonly recordId?: number;
  };
  /** The parser that read it. */
  readonly parser?: ParserId;
  /** SHA-256 of the whole file the bytes came from, when computed. */
  readonly sha256?: string;
}

/** A layer as the citation shows it: `gpt #2 @ 1048576`, `image disk.E01`, `zip Users/a/x.dll`. */
export function formatLayer(l: Layer): string {
  // The outermost locator is the examiner's own path to the item: its last component identifies it.
  const loc = l.kind === 'folder' || l.kind === 'image' || l.kind === 'archive' ? (l.locator.split(/[\\/]/).filter(Boolean).pop() ?? '') : l.locator;
  const id = loc === '' ? '' : /^(gpt|mbr|apm|volume)$/.test(l.kind) ? ` #${loc}` : ` ${loc}`;
  return `${l.kind}${id}${l.offset !== undefined ? ` @ ${l.offset}` : ''}`;
}

/** One line an examiner can cite: `E1 › folder host › /Users/alice/... @ 0x1f0 (pe@1)`. */
export function formatRef(ref: EvidenceRef): string {
  const parts = [ref.evidenceId, ...ref.chain.map(formatLayer), ref.path];
  let s = parts.join(' › ');
  const w = ref.within;
  if (w?.key !== undefined) s += ` › ${w.key}`;
  if (w?.recordId !== undefined) s += ` › record ${w.recordId}`;
  if (w?.offset !== undefined) s += ` @ 0x${w.offset.toString(16)}`;
  if (ref.parser) s += ` (${ref.parser.id}@${ref.parser.version})`;
  return s;
}

export function refWithin(ref: EvidenceRef, within: NonNullable<EvidenceRef['within']>, parser?: ParserId): EvidenceRef {
  return { ...ref, within: { ...ref.within, ...within }, ...(parser ? { parser } : {}) };
}

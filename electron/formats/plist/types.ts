/**
 * A decoded property-list value. Integers are `number` when they fit in 2^53-1 and `bigint`
 * otherwise; UIDs (NSKeyedArchiver) appear as `{ CF$UID: n }`; binary-plist sets appear as arrays.
 * `null` stands for the bplist `null` object and for an XML `<plist>` element holding no value.
 */
export type PlistValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | PlistValue[]
  | { [k: string]: PlistValue }
  | null;

export const PLIST_LIMITS = {
  /** Decoded values counted with every repetition of a shared object (bounds later tree walks). */
  maxExpandedValues: 1_000_000,
  /** Elements in one array, set or dict. */
  maxContainerEntries: 1_000_000,
} as const;

/** Set a dict entry without letting a `__proto__` key reach the prototype setter. */
export function setEntry(obj: { [k: string]: PlistValue }, key: string, value: PlistValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

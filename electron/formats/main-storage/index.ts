/**
 * `~/Library/Application Support/3CX Desktop App/.main_storage`, written by the trojanised
 * libffmpeg.dylib: 56 bytes, each XOR 0x7A. Layout in SPEC.md (dossier §2.2). Pure decoding:
 * whether the values mean anything is left to analysis; `wellFormed` only says the layout held.
 */
import { isoFromMs } from '../../io/iso-time.js';
import { ParseError } from '../../common/issues.js';
import { ByteCursor } from '../../io/byte-cursor.js';

export const MAIN_STORAGE_PARSER = { id: 'main-storage', version: '1' } as const;

export const MAIN_STORAGE_SIZE = 0x38;
export const MAIN_STORAGE_XOR = 0x7a;
/** Plausible write times: the campaign ran 2022-2023; later re-runs (lab replays) still fit. */
const PLAUSIBLE_FROM = Date.UTC(2022, 0, 1) / 1000;
const PLAUSIBLE_TO = Date.UTC(2031, 0, 1) / 1000;
const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface MainStorage {
  uuid: string;
  /** ISO UTC of `unixSeconds`; empty when the value is beyond what a Date holds. */
  time: string;
  unixSeconds: number;
  wellFormed: boolean;
  notes: string[];
}

export function decodeMainStorage(bytes: Uint8Array): MainStorage {
  if (bytes.length !== MAIN_STORAGE_SIZE) {
    throw new ParseError('decode', { what: `.main_storage size ${bytes.length} (expected ${MAIN_STORAGE_SIZE})`, need: MAIN_STORAGE_SIZE, have: bytes.length });
  }
  const c = new ByteCursor(bytes.map((b) => b ^ MAIN_STORAGE_XOR));
  const notes: string[] = [];
  // 0x00..0x23 victim id, 36 ASCII characters
  const uuidBytes = c.raw(0x00, 36, 'uuid');
  const uuid = String.fromCharCode(...uuidBytes);
  if (!UUID_TEXT.test(uuid)) notes.push('bytes 0x00-0x23 are not a hex-and-dashes UUID');
  // 0x24..0x2F padding
  if (c.raw(0x24, 12, 'padding').some((b) => b !== 0)) notes.push('padding 0x24-0x2F is not zero');
  // 0x30..0x37 little-endian u64 Unix seconds
  const big = c.u64big(0x30, 'time');
  const unixSeconds = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : Number.MAX_SAFE_INTEGER;
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) notes.push(`time value ${big} is beyond 2^53-1`);
  const ms = unixSeconds * 1000;
  const time = isoFromMs(ms) ?? '';
  if (unixSeconds < PLAUSIBLE_FROM || unixSeconds >= PLAUSIBLE_TO) notes.push(`time ${time || unixSeconds} is outside 2022..2030`);
  return { uuid, time, unixSeconds, wellFormed: notes.length === 0, notes };
}


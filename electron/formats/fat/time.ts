/**
 * FAT date and time fields (SPEC.md § Times). They hold the writer's local wall-clock time with
 * no zone; like The Sleuth Kit we state them as if they were UTC, and the SPEC says so.
 */
import { dosDateTimeToIso } from '../../io/dos-time.js';

/** tenths: 10 ms units (0..199) of the creation time. A zero date means "not recorded". */
export function fatDateTime(date: number, time: number, tenths: number): string | null {
  if (date === 0 || tenths > 199) return null;
  return dosDateTimeToIso(date, time, tenths * 10);
}

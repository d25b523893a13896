/**
 * FAT date and time fields (SPEC.md § Times). They hold the writer's local wall-clock time with
 * no zone; like The Sleuth Kit we state them as if they were UTC, and the SPEC says so.
 */
import { isoFromMs } from '../../io/iso-time.js';

/**
 * date: bits 0-4 day, 5-8 month, 9-15 years since 1980; time: bits 0-4 two-second units,
 * 5-10 minutes, 11-15 hours; tenths: 10 ms units (0..199) of the creation time.
 * A zero date means "not recorded"; an impossible one (month 13, 25:00) is not a time.
 */
export function fatDateTime(date: number, time: number, tenths: number): string | null {
  if (date === 0) return null;
  const day = date & 0x1f;
  const month = (date >> 5) & 0x0f;
  const year = 1980 + (date >> 9);
  const sec = (time & 0x1f) * 2;
  const min = (time >> 5) & 0x3f;
  const hour = time >> 11;
  if (day < 1 || month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59 || tenths > 199) return null;
  const ms = Date.UTC(year, month - 1, day, hour, min, sec) + tenths * 10;
  // Date.UTC rolls 31 February over into March: reject days the month does not have.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return isoFromMs(ms);
}

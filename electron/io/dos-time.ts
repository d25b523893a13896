/**
 * MS-DOS date and time fields, as FAT directory entries and ZIP headers store them: the writer's
 * local wall-clock time with no zone, stated here as if it were UTC (as The Sleuth Kit does; the
 * callers' SPECs say so). date: bits 0-4 day, 5-8 month, 9-15 years since 1980; time: bits 0-4
 * two-second units, 5-10 minutes, 11-15 hours; `extraMs` adds FAT's 10 ms creation-time units.
 * An impossible value (month 13, 25:00, 31 February) is not a time.
 */
import { isoFromMs } from './iso-time.js';

export function dosDateTimeToIso(date: number, time: number, extraMs = 0): string | null {
  const day = date & 0x1f;
  const month = (date >> 5) & 0x0f;
  const year = 1980 + (date >> 9);
  const sec = (time & 0x1f) * 2;
  const min = (time >> 5) & 0x3f;
  const hour = time >> 11;
  if (day < 1 || month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59) return null;
  // Date.UTC rolls 31 February over into March: reject days the month does not have.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return isoFromMs(Date.UTC(year, month - 1, day, hour, min, sec) + extraMs);
}

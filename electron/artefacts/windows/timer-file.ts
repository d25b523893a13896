/**
 * The `manifest` file the Windows loader writes next to ffmpeg.dll holds its wake-up time. Its
 * encoding is not published (dossier §11.3), so we try the plausible ones and say which one
 * matched; a value is only accepted inside the campaign's plausible window.
 */
const MIN = Date.UTC(2022, 0, 1);
const MAX = Date.UTC(2031, 0, 1);
const FILETIME_EPOCH_DIFF_MS = 11_644_473_600_000;

const plausible = (ms: number): boolean => Number.isFinite(ms) && ms >= MIN && ms < MAX;

export function decodeTimerFile(bytes: Uint8Array): { time: string; encoding: string } | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64)).trim();
  if (/^\d{9,13}$/.test(text)) {
    const n = Number(text);
    for (const [ms, enc] of [[n * 1000, 'ascii unix seconds'], [n, 'ascii unix milliseconds']] as const) {
      if (plausible(ms)) return { time: new Date(ms).toISOString(), encoding: enc };
    }
  }
  if (bytes.length >= 8) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    const ft = Number(v / 10_000n) - FILETIME_EPOCH_DIFF_MS;
    if (plausible(ft)) return { time: new Date(ft).toISOString(), encoding: 'FILETIME (u64 LE)' };
    if (v < BigInt(Number.MAX_SAFE_INTEGER)) {
      if (plausible(Number(v) * 1000)) return { time: new Date(Number(v) * 1000).toISOString(), encoding: 'unix seconds (u64 LE)' };
      if (plausible(Number(v))) return { time: new Date(Number(v)).toISOString(), encoding: 'unix milliseconds (u64 LE)' };
    }
  }
  if (bytes.length >= 4) {
    const s = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) * 1000;
    if (plausible(s)) return { time: new Date(s).toISOString(), encoding: 'unix seconds (u32 LE)' };
  }
  return null;
}

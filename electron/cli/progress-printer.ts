/** Progress on stderr: a one-line bar on a terminal, plain lines otherwise (contract). */
import type { ScanProgress } from '../engine/progress.js';

export function progressPrinter(stream: NodeJS.WriteStream, quiet: boolean): (p: ScanProgress) => void {
  if (quiet) return () => {};
  const tty = stream.isTTY === true;
  let lastLine = '';
  let lastAt = 0;
  return (p) => {
    const frac = p.total ? ` ${p.done ?? 0}/${p.total}` : '';
    const line = `[${p.phase}]${p.evidenceId ? ` ${p.evidenceId}` : ''} ${p.message}${frac}`;
    if (tty) {
      const width = 24;
      const bar = p.total ? '#'.repeat(Math.round(((p.done ?? 0) / p.total) * width)).padEnd(width, '.') : ''.padEnd(width, ' ');
      stream.write(`\r\x1b[K${p.total ? `[${bar}] ` : ''}${line.slice(0, (stream.columns ?? 100) - width - 4)}`);
      if (p.phase === 'done') stream.write('\n');
      return;
    }
    // Plain lines: skip repeats and rate-limit hashing ticks to one a second.
    const now = Date.now();
    if (line === lastLine || (p.phase === 'hash' && p.done !== p.total && p.done !== 0 && now - lastAt < 1000)) return;
    lastLine = line;
    lastAt = now;
    stream.write(`${line}\n`);
  };
}

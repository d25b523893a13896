/**
 * A small RFC 4180 reader tolerant of what IOC exports really contain: a UTF-8 BOM, CRLF or LF
 * (or old-Mac CR) line ends, quoted fields holding commas, doubled quotes and even line breaks,
 * blank lines, and `#` comment lines. Each record keeps the 1-based line it starts on. Malformed
 * quoting is a CsvSyntaxError with that line. Bounded by named caps. Pure.
 */

export const CSV_LIMITS = {
  maxFields: 64,
  maxFieldChars: 64 * 1024,
  maxRecords: 1_000_000,
} as const;

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export function* readCsv(input: string): Generator<CsvRecord> {
  const t = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let i = 0;
  let line = 1;
  let count = 0;
  const n = t.length;
  const eol = (): void => {
    // consume one line end (CRLF, LF or CR), counting it
    if (t[i] === '\r' && t[i + 1] === '\n') i += 2;
    else i += 1;
    line++;
  };
  while (i < n) {
    const start = line;
    // skip leading spaces to see whether this is a blank or comment line
    let j = i;
    while (j < n && (t[j] === ' ' || t[j] === '\t')) j++;
    if (j >= n) break;
    if (t[j] === '\n' || t[j] === '\r') {
      i = j;
      eol();
      continue;
    }
    if (t[j] === '#') {
      while (i < n && t[i] !== '\n' && t[i] !== '\r') i++;
      if (i < n) eol();
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      if (fields.length >= CSV_LIMITS.maxFields) {
        throw new CsvSyntaxError(start, `more than ${CSV_LIMITS.maxFields} fields in one record`);
      }
      let k = i;
      while (k < n && (t[k] === ' ' || t[k] === '\t')) k++;
      let value: string;
      if (t[k] === '"') {
        // quoted: runs to the next lone quote; "" is a literal quote; may span lines
        const parts: string[] = [];
        let p = k + 1;
        let chars = 0;
        for (;;) {
          const q = t.indexOf('"', p);
          if (q < 0) throw new CsvSyntaxError(start, 'quoted field is never closed');
          const piece = t.slice(p, q);
          for (let c = 0; c < piece.length; c++) if (piece[c] === '\n' || (piece[c] === '\r' && piece[c + 1] !== '\n')) line++;
          chars += piece.length;
          if (chars > CSV_LIMITS.maxFieldChars) throw new CsvSyntaxError(start, `field longer than ${CSV_LIMITS.maxFieldChars} characters`);
          parts.push(piece);
          if (t[q + 1] === '"') {
            parts.push('"');
            p = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        value = parts.join('');
        while (i < n && (t[i] === ' ' || t[i] === '\t')) i++;
        if (i < n && t[i] !== ',' && t[i] !== '\n' && t[i] !== '\r') {
          throw new CsvSyntaxError(line, `unexpected ${JSON.stringify(t[i])} after a closing quote (double a quote inside a quoted field)`);
        }
      } else {
        let e = i;
        while (e < n && t[e] !== ',' && t[e] !== '\n' && t[e] !== '\r') e++;
        if (e - i > CSV_LIMITS.maxFieldChars) throw new CsvSyntaxError(start, `field longer than ${CSV_LIMITS.maxFieldChars} characters`);
        value = t.slice(i, e);
        i = e;
      }
      fields.push(value);
      if (i < n && t[i] === ',') {
        i++;
        continue;
      }
      if (i < n) eol();
      break;
    }
    if (++count > CSV_LIMITS.maxRecords) throw new CsvSyntaxError(start, `more than ${CSV_LIMITS.maxRecords} records`);
    yield { line: start, fields };
  }
}

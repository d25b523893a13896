/**
 * Malformed input is data, not a crash: parsers throw `ParseError` (always located), and the
 * layers above store it as a `ParseIssue` and go on with the next skippable unit.
 */
import type { EvidenceRef } from './evidence-ref.js';

export type ParseErrorCode =
  | 'truncated'
  | 'bad-signature'
  | 'out-of-bounds'
  | 'unsupported-version'
  | 'checksum'
  | 'limit-exceeded'
  | 'loop'
  | 'decode'
  | 'encrypted'
  | 'io';

export interface ParseErrorDetail {
  /** The field or structure being read, named as in the format's SPEC.md. */
  readonly what: string;
  /** Byte offset in the parsed buffer or file. */
  readonly offset?: number;
  readonly need?: number;
  readonly have?: number;
}

export class ParseError extends Error {
  readonly code: ParseErrorCode;
  readonly what: string;
  readonly offset: number | undefined;
  readonly need: number | undefined;
  readonly have: number | undefined;

  constructor(code: ParseErrorCode, detail: ParseErrorDetail, message?: string) {
    super(message ?? describe(code, detail));
    this.name = 'ParseError';
    this.code = code;
    this.what = detail.what;
    this.offset = detail.offset;
    this.need = detail.need;
    this.have = detail.have;
  }
}

function describe(code: ParseErrorCode, d: ParseErrorDetail): string {
  const at = d.offset === undefined ? '' : ` at offset ${d.offset} (0x${d.offset.toString(16)})`;
  switch (code) {
    case 'truncated':
      return `buffer too small for ${d.what}${at} (need ${d.need ?? '?'} bytes, have ${d.have ?? '?'})`;
    case 'limit-exceeded':
      return `${d.what}${at} exceeds a limit (${d.need ?? '?'} > ${d.have ?? '?'})`;
    default:
      return `${code}: ${d.what}${at}`;
  }
}

export type IssueSeverity = 'error' | 'warning' | 'info';

/** A problem met while reading evidence, stored with the scan and shown to the examiner. */
export interface ParseIssue {
  readonly severity: IssueSeverity;
  readonly code: ParseErrorCode | 'plugin-failed' | 'unreadable';
  readonly message: string;
  /** Parser or plugin id that met it. */
  readonly parser: string;
  readonly evidence: EvidenceRef;
  /** True when the reader skipped the bad unit and went on. */
  readonly recovered: boolean;
}

export function issueFromError(err: unknown, parser: string, evidence: EvidenceRef, recovered = true): ParseIssue {
  if (err instanceof ParseError) {
    const within = err.offset === undefined ? evidence.within : { ...evidence.within, offset: err.offset };
    return {
      severity: 'error',
      code: err.code,
      message: err.message,
      parser,
      evidence: within ? { ...evidence, within } : evidence,
      recovered,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { severity: 'error', code: 'unreadable', message, parser, evidence, recovered };
}

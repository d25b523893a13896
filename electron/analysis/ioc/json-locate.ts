/**
 * Finds the line of a value inside JSON text from its path (`['hashes', 3, 'value']`), so a JSON
 * pack error can say `pack.json:57` as well as `$.hashes[3].value`. Runs only after JSON.parse has
 * accepted the text, over at most one pass; depth is capped so hostile nesting cannot overflow the
 * stack (the answer is then null: the JSON path alone still locates the problem). Pure.
 */

const MAX_DEPTH = 64;

export type JsonPath = readonly (string | number)[];

export function formatJsonPath(path: JsonPath): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out;
}

/** 1-based line where `path` starts, or null when it cannot be found cheaply. */
export function lineOfJsonPath(text: string, path: JsonPath): number | null {
  const s = new Scanner(text);
  try {
    const offset = s.find(path, 0);
    return offset === null ? null : lineAt(text, offset);
  } catch {
    return null;
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

class Scanner {
  pos = 0;
  constructor(private readonly t: string) {}

  /** Offset where the value at `path[depth..]` starts, the scanner being before a value. */
  find(path: JsonPath, depth: number): number | null {
    this.ws();
    if (depth === path.length) return this.pos;
    if (depth >= MAX_DEPTH) return null;
    const want = path[depth];
    const c = this.t[this.pos];
    if (c === '{' && typeof want === 'string') {
      this.pos++;
      for (;;) {
        this.ws();
        if (this.t[this.pos] === '}') return null;
        const key = this.string();
        this.ws();
        this.pos++; // ':'
        if (key === want) return this.find(path, depth + 1);
        this.skipValue(depth + 1);
        this.ws();
        if (this.t[this.pos] === ',') this.pos++;
        else return null;
      }
    }
    if (c === '[' && typeof want === 'number') {
      this.pos++;
      for (let i = 0; ; i++) {
        this.ws();
        if (this.t[this.pos] === ']') return null;
        if (i === want) return this.find(path, depth + 1);
        this.skipValue(depth + 1);
        this.ws();
        if (this.t[this.pos] === ',') this.pos++;
        else return null;
      }
    }
    return null;
  }

  private ws(): void {
    while (this.pos < this.t.length && ' \t\r\n'.includes(this.t[this.pos] as string)) this.pos++;
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.t.length && this.t[this.pos] !== '"') this.pos += this.t[this.pos] === '\\' ? 2 : 1;
    this.pos++;
    return JSON.parse(this.t.slice(start, this.pos)) as string;
  }

  private skipValue(depth: number): void {
    if (depth > MAX_DEPTH) throw new Error('too deep');
    this.ws();
    const c = this.t[this.pos];
    if (c === '"') {
      this.string();
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.pos++;
      for (;;) {
        this.ws();
        if (this.t[this.pos] === close) break;
        if (c === '{') {
          this.string();
          this.ws();
          this.pos++;
        }
        this.skipValue(depth + 1);
        this.ws();
        if (this.t[this.pos] === ',') this.pos++;
        else break;
      }
      this.pos++;
    } else {
      while (this.pos < this.t.length && !',}] \t\r\n'.includes(this.t[this.pos] as string)) this.pos++;
    }
  }
}

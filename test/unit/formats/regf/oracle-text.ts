/**
 * Readers for the reference tools' text output (regfexport from libregf, reglookup from
 * regfi), used by the differential corpus test. Kept beside the unit tests that check them.
 */
export interface OracleValue {
  name: string;
  /** Type code (from `(REG_X)` or `unknown: 0x...`). */
  type: number;
  size: number;
  /** Hex of the dumped bytes, or the printed text / number. */
  hex?: string;
  text?: string;
}

export interface OracleKey {
  path: string;
  values: OracleValue[];
}

const TYPE_CODES: Record<string, number> = {
  REG_NONE: 0, REG_SZ: 1, REG_EXPAND_SZ: 2, REG_BINARY: 3, REG_DWORD_LITTLE_ENDIAN: 4, REG_DWORD_BIG_ENDIAN: 5,
  REG_LINK: 6, REG_MULTI_SZ: 7, REG_RESOURCE_LIST: 8, REG_FULL_RESOURCE_DESCRIPTOR: 9, REG_RESOURCE_REQUIREMENTS_LIST: 10,
  REG_QWORD_LITTLE_ENDIAN: 11,
};

/** regfexport's listing: `Key path:` blocks with `Value: i name`, `Type:`, `Data size:`, `Data:`. */
export function parseRegfexport(text: string): OracleKey[] {
  const keys: OracleKey[] = [];
  let key: OracleKey | null = null;
  let val: OracleValue | null = null;
  let inHex = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('Key path: ')) {
      key = { path: line.slice(10), values: [] };
      keys.push(key);
      val = null;
      inHex = false;
    } else if (key && line.startsWith('Value: ')) {
      const m = /^Value: \d+ (.*)$/.exec(line);
      val = { name: m ? m[1]! : '', type: -1, size: -1 };
      if (val.name === '(default)') val.name = '';
      key.values.push(val);
      inHex = false;
    } else if (val && line.startsWith('Type: ')) {
      const m = /\((REG_\w+)\)$/.exec(line);
      const u = /unknown: 0x([0-9a-f]+)/i.exec(line);
      val.type = m ? (TYPE_CODES[m[1]!] ?? -2) : u ? parseInt(u[1]!, 16) : -2;
    } else if (val && line.startsWith('Data size: ')) {
      val.size = Number(line.slice(11));
    } else if (val && line === 'Data:') {
      inHex = true;
      val.hex = '';
    } else if (val && line.startsWith('Data: ')) {
      val.text = line.slice(6);
    } else if (val && inHex && /^[0-9a-f]{8}: /.test(line)) {
      val.hex += line.slice(10, 10 + 49).replace(/[^0-9a-f]/g, '');
    } else if (line === '') {
      inHex = false;
    }
  }
  return keys;
}

/** reglookup CSV: PATH,TYPE,VALUE,MTIME — counts of key and value rows (paths are %-quoted). */
export function countReglookup(text: string): { keys: number; values: number } {
  let keys = 0;
  let values = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.startsWith('PATH,') || !line.startsWith('/')) continue;
    if (/,KEY,/.test(line)) keys++;
    else values++;
  }
  return { keys, values };
}

/** How our reading of a hive compares with regfexport's listing; explained differences are counted, not hidden. */
export interface Agreement {
  oracleKeys: number;
  matchedKeys: number;
  missingKeys: string[];
  matchedValues: number;
  valueDiffs: string[];
  /** Differences with a known cause on the reference tool's side (see DIFFERENCES in the corpus test). */
  explained: Record<string, number>;
}

export interface OurKey {
  path: string;
  values: { name: string; type: number; raw: Uint8Array; data: unknown; inline: boolean }[];
}

/**
 * libregf prints compressed names through code page 1252, Windows (and we) read them as Latin-1.
 * The 0x80–0x9F row of cp1252 (Node's TextDecoder treats the label as Latin-1, so it is spelt out).
 */
const CP1252_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
export function asCp1252(s: string): string {
  return s.replace(/[\x80-\x9f]/g, (c) => CP1252_80[c.charCodeAt(0) - 0x80]!);
}

/** A name as the line-based tools print it: cp1252, cut at a line break or NUL. */
export function toolName(s: string): string {
  return asCp1252(s).split(/\r?\n|\0/)[0]!;
}

export function compareWithRegfexport(ours: Map<string, OurKey>, oracle: OracleKey[]): Agreement {
  const a: Agreement = { oracleKeys: oracle.length, matchedKeys: 0, missingKeys: [], matchedValues: 0, valueDiffs: [], explained: {} };
  const bump = (k: string): void => void (a.explained[k] = (a.explained[k] ?? 0) + 1);
  for (const ok of oracle) {
    const mine = ours.get(ok.path);
    if (!mine) {
      a.missingKeys.push(ok.path);
      continue;
    }
    a.matchedKeys++;
    if (mine.values.length !== ok.values.length) a.valueDiffs.push(`${ok.path}: ${mine.values.length} values vs ${ok.values.length}`);
    ok.values.forEach((ov, i) => {
      const v = mine.values[i];
      if (!v) return;
      const why = valueDiff(v, ov);
      if (why === null) a.matchedValues++;
      else if (why.startsWith('explained:')) {
        a.matchedValues++;
        bump(why.slice(10));
      } else a.valueDiffs.push(`${ok.path} › ${ov.name}: ${why}`);
    });
  }
  return a;
}

function valueDiff(v: OurKey['values'][number], ov: OracleValue): string | null {
  if (toolName(v.name) !== ov.name) return `name ${JSON.stringify(v.name)} vs ${JSON.stringify(ov.name)}`;
  if (v.type !== ov.type && !(ov.type < 0)) return `type ${v.type} vs ${ov.type}`;
  const hex = Buffer.from(v.raw).toString('hex');
  if (ov.text !== undefined && typeof v.data === 'string') {
    const mine = v.data.split(/\r?\n/)[0]!;
    if (mine === ov.text) return null;
    // Declared size without a terminating NUL: regfexport reads on into the cell's slack.
    let hasNul = false;
    for (let i = 0; i + 1 < v.raw.length; i += 2) if (v.raw[i] === 0 && v.raw[i + 1] === 0) hasNul = true;
    if (!hasNul && ov.text.startsWith(mine)) return 'explained:string read past declared size';
    return `text ${JSON.stringify(mine.slice(0, 60))} vs ${JSON.stringify(ov.text.slice(0, 60))}`;
  }
  if (ov.text !== undefined) {
    if (String(v.data) === ov.text) return null;
    return `data ${String(v.data)} vs ${ov.text}`;
  }
  if (ov.hex !== undefined) {
    if (ov.size === v.raw.length && hex.startsWith(ov.hex)) return null;
    // libregf 20201007 misplaces inline (≤ 4-byte, non-DWORD) data: zeros or shifted bytes; reglookup agrees with us.
    if (v.inline && ov.size === v.raw.length) return 'explained:inline data misread by regfexport';
    return `bytes ${v.raw.length}:${hex.slice(0, 32)} vs ${ov.size}:${ov.hex.slice(0, 32)}`;
  }
  if (ov.size === v.raw.length || (ov.size === 0 && v.raw.length === 0)) return null;
  return `size ${v.raw.length} vs ${ov.size}`;
}

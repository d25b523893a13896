/** The `event` object: typed System fields, EventData as a map (or list) and UserData as JSON. SPEC.md §5. */
import type { XChild, XEl } from './render.js';
import type { EvtxEvent, EvtxJson, EvtxSystem } from './types.js';

const isEl = (c: XChild): c is XEl => typeof c !== 'string';
const text = (e: XEl | undefined): string | null => (e ? e.children.filter((c): c is string => typeof c === 'string').join('') : null);
const attr = (e: XEl | undefined, name: string): string | null => e?.attrs.find(([k]) => k === name)?.[1] ?? null;
const num = (s: string | null): number | undefined => {
  if (s === null || s.trim() === '') return undefined;
  const n = s.startsWith('0x') ? Number.parseInt(s, 16) : Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
};

export function buildEvent(roots: readonly XChild[]): EvtxEvent {
  const ev = roots.find(isEl);
  const kids = ev ? ev.children.filter(isEl) : [];
  const sys = kids.find((k) => k.name === 'System');
  const s = new Map((sys?.children.filter(isEl) ?? []).map((e) => [e.name, e] as const));
  const provider = s.get('Provider');
  const system: EvtxSystem = {
    Provider: { Name: attr(provider, 'Name'), Guid: attr(provider, 'Guid') },
    EventID: num(text(s.get('EventID'))) ?? null,
    Level: num(text(s.get('Level'))) ?? null,
    TimeCreated: attr(s.get('TimeCreated'), 'SystemTime'),
    EventRecordID: num(text(s.get('EventRecordID'))) ?? null,
    Channel: text(s.get('Channel')),
    Computer: text(s.get('Computer')),
    Security: { UserID: attr(s.get('Security'), 'UserID') },
  };
  const esn = attr(provider, 'EventSourceName');
  if (esn !== null) system.Provider.EventSourceName = esn;
  const q = num(attr(s.get('EventID'), 'Qualifiers'));
  if (q !== undefined) system.Qualifiers = q;
  for (const k of ['Version', 'Task', 'Opcode'] as const) {
    const v = num(text(s.get(k)));
    if (v !== undefined) system[k] = v;
  }
  const kw = text(s.get('Keywords'));
  if (kw !== null) system.Keywords = kw;
  for (const k of ['Correlation', 'Execution'] as const) {
    const e = s.get(k);
    if (e) system[k] = Object.fromEntries(e.attrs);
  }
  const out: EvtxEvent = { System: system };
  const data = kids.find((k) => k.name === 'EventData');
  if (data) {
    out.EventData = eventData(data);
    const bin = data.children.filter(isEl).find((d) => d.name === 'Binary');
    if (bin) out.Binary = textDeep(bin);
  }
  const user = kids.find((k) => k.name === 'UserData');
  if (user) out.UserData = toJson(user) as { [k: string]: EvtxJson };
  return out;
}

/** `<Data Name="x">v</Data>` pairs as a map; a list when any value has no name. */
function eventData(e: XEl): Record<string, string> | string[] {
  const items = e.children.filter(isEl).filter((d) => d.name !== 'Binary');
  if (items.length === 0) {
    const t = text(e);
    return t ? [t] : [];
  }
  const named = items.every((d) => attr(d, 'Name') !== null);
  if (!named) return items.map((d) => textDeep(d));
  const map: Record<string, string> = {};
  for (const d of items) {
    const k = attr(d, 'Name')!;
    map[k] = k in map ? `${map[k]},${textDeep(d)}` : textDeep(d);
  }
  return map;
}

function textDeep(e: XEl): string {
  return e.children.map((c) => (typeof c === 'string' ? c : textDeep(c))).join('');
}

/** Generic element → JSON: attributes under `#attributes`, text as a string, repeated children as arrays. */
export function toJson(e: XEl): EvtxJson {
  const els = e.children.filter(isEl);
  const t = text(e) ?? '';
  if (els.length === 0 && e.attrs.length === 0) return t;
  const o: { [k: string]: EvtxJson } = {};
  if (e.attrs.length) o['#attributes'] = Object.fromEntries(e.attrs);
  for (const c of els) {
    const v = toJson(c);
    const prev = o[c.name];
    if (prev === undefined) o[c.name] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else o[c.name] = [prev, v];
  }
  if (t.trim() !== '') o['#text'] = t;
  return o;
}

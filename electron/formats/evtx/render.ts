/**
 * Turns parsed Binary XML (templates + substitution values) into plain elements, then into XML
 * text and the `event` object (SPEC.md §5). Substitution values are decoded here, so a bad value
 * fails only the record that uses it.
 */
import { type BxNode, type ChunkContext, MAX_DEPTH, parseNodes, type SubValue } from './binxml.js';
import { ARRAY_FLAG, decodeValue, T_BINXML, T_NULL } from './values.js';

export interface XEl { name: string; attrs: [string, string][]; children: XChild[] }
export type XChild = XEl | string;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Instantiates `nodes` with `values` (null outside a template) into `out`. */
export function instantiate(ctx: ChunkContext, nodes: readonly BxNode[], values: readonly SubValue[] | null, depth: number, out: XChild[]): void {
  if (depth > MAX_DEPTH) ctx.fail('limit-exceeded', 'template nesting depth', 0);
  for (const n of nodes) {
    switch (n.k) {
      case 'el': {
        if (absentOptional(n.children, values)) break;
        const arr = arraySubstitution(ctx, n.children, values);
        if (arr) {
          for (const item of arr) out.push({ name: n.name, attrs: attributes(ctx, n.attrs, values, depth), children: item === '' ? [] : [item] });
          break;
        }
        const children: XChild[] = [];
        instantiate(ctx, n.children, values, depth + 1, children);
        out.push({ name: n.name, attrs: attributes(ctx, n.attrs, values, depth), children: mergeText(children) });
        break;
      }
      case 'text': out.push(n.v); break;
      case 'charref': out.push(String.fromCodePoint(n.v)); break;
      case 'entity': out.push(ENTITIES[n.name] ?? `&${n.name};`); break;
      case 'pi': break;
      case 'tmpl': instantiate(ctx, n.def.nodes, n.values, depth + 1, out); break;
      case 'sub': substitute(ctx, n.id, values, depth, out); break;
    }
  }
}

function substitute(ctx: ChunkContext, id: number, values: readonly SubValue[] | null, depth: number, out: XChild[]): void {
  const v = values?.[id];
  if (!v || v.type === T_NULL) return;
  if (v.type === T_BINXML) {
    const nested = parseNodes(ctx, v.offset, v.offset + v.size, depth + 1, true);
    instantiate(ctx, nested.nodes, null, depth + 1, out);
    return;
  }
  const d = decodeValue(ctx.c, v.type, v.offset, v.size);
  out.push(Array.isArray(d) ? d.join(',') : d);
}

/** libyal's rule: an element whose only content is an optional substitution of a NULL value is not created. */
function absentOptional(children: readonly BxNode[], values: readonly SubValue[] | null): boolean {
  const only = children.length === 1 ? children[0]! : null;
  return only !== null && only.k === 'sub' && only.optional && (values?.[only.id]?.type ?? T_NULL) === T_NULL;
}

/** An element whose only content is an array substitution is repeated once per item (libyal's rule). */
function arraySubstitution(ctx: ChunkContext, children: readonly BxNode[], values: readonly SubValue[] | null): string[] | null {
  if (children.length !== 1 || children[0]!.k !== 'sub') return null;
  const v = values?.[children[0]!.id];
  if (!v || (v.type & ARRAY_FLAG) === 0) return null;
  const d = decodeValue(ctx.c, v.type, v.offset, v.size);
  return Array.isArray(d) ? (d.length === 0 ? [''] : d) : [d];
}

/** Attributes whose value is an absent optional substitution are left out, as Event Viewer does. */
function attributes(ctx: ChunkContext, attrs: readonly { name: string; value: BxNode[] }[], values: readonly SubValue[] | null, depth: number): [string, string][] {
  const out: [string, string][] = [];
  for (const a of attrs) {
    if (a.value.some((n) => n.k === 'sub' && n.optional && (values?.[n.id]?.type ?? T_NULL) === T_NULL)) continue;
    const parts: XChild[] = [];
    instantiate(ctx, a.value, values, depth + 1, parts);
    out.push([a.name, parts.filter((p): p is string => typeof p === 'string').join('')]);
  }
  return out;
}

function mergeText(children: XChild[]): XChild[] {
  const out: XChild[] = [];
  for (const ch of children) {
    const last = out[out.length - 1];
    if (typeof ch === 'string' && typeof last === 'string') out[out.length - 1] = last + ch;
    else if (ch !== '') out.push(ch);
  }
  return out;
}

const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string): string => escText(s).replace(/"/g, '&quot;');

/** XML text, two-space indented, one element per line except inside mixed content. */
export function toXml(els: readonly XChild[]): string {
  const lines: string[] = [];
  const write = (e: XEl, indent: string): void => {
    const open = `${indent}<${e.name}${e.attrs.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join('')}`;
    if (e.children.length === 0) { lines.push(`${open}/>`); return; }
    if (e.children.every((c) => typeof c === 'string')) { lines.push(`${open}>${escText(e.children.join(''))}</${e.name}>`); return; }
    if (e.children.some((c) => typeof c === 'string')) { lines.push(`${open}>${inline(e.children)}</${e.name}>`); return; }
    lines.push(`${open}>`);
    for (const c of e.children) write(c as XEl, indent + '  ');
    lines.push(`${indent}</${e.name}>`);
  };
  const inline = (cs: readonly XChild[]): string =>
    cs.map((c) => (typeof c === 'string' ? escText(c) : `<${c.name}${c.attrs.map(([k, v]) => ` ${k}="${escAttr(v)}"`).join('')}>${inline(c.children)}</${c.name}>`)).join('');
  for (const e of els) if (typeof e !== 'string') write(e, '');
  return lines.join('\n');
}

/**
 * Binary XML tokens (SPEC.md §3) parsed into a small node tree. Offsets are chunk-relative, as
 * the format's name and template offsets are; the cursor spans the whole 64 KiB chunk so that a
 * name or template stored by an earlier record can be followed. Templates are parsed once per
 * chunk and cached; a template that (directly or not) refers to itself is a `loop` error.
 */
import { ParseError } from '../../common/issues.js';
import type { ByteCursor } from '../../io/byte-cursor.js';
import { guidText, utf16At, wellFormed } from './values.js';

export const MAX_DEPTH = 64;
export const MAX_VALUES = 4096;
const MAX_NODES_PER_CHUNK = 2_000_000;

export type BxNode =
  | { k: 'el'; name: string; attrs: BxAttr[]; children: BxNode[] }
  | { k: 'text'; v: string }
  | { k: 'charref'; v: number }
  | { k: 'entity'; name: string }
  | { k: 'sub'; id: number; type: number; optional: boolean }
  | { k: 'pi'; target: string; data: string }
  | { k: 'tmpl'; def: TemplateDef; values: SubValue[] };

export interface BxAttr { name: string; value: BxNode[] }
export interface TemplateDef { offset: number; guid: string; nodes: BxNode[] }
/** A template instance's value: where its bytes are in the chunk, and its declared type. */
export interface SubValue { type: number; offset: number; size: number }

/** Per-chunk state: names and templates already parsed. */
export class ChunkContext {
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TemplateDef>();
  private readonly parsing = new Set<number>();
  nodes = 0;
  constructor(readonly c: ByteCursor) {}

  fail(code: 'decode' | 'out-of-bounds' | 'loop' | 'limit-exceeded', what: string, off: number): never {
    throw new ParseError(code, { what, offset: this.c.base + off });
  }

  count(off: number): void {
    if (++this.nodes > MAX_NODES_PER_CHUNK) this.fail('limit-exceeded', 'binary XML nodes in one chunk', off);
  }

  /** Name at `nameOff`; when it is stored inline at `pos`, returns the position after it. */
  name(nameOff: number, pos: number): { name: string; pos: number } {
    const inline = nameOff === pos;
    let name = this.names.get(nameOff);
    let len = 0;
    if (name === undefined || inline) {
      const c = this.c;
      if (nameOff < 0 || nameOff + 8 > c.length) this.fail('out-of-bounds', 'name offset', pos);
      const units = c.u16(nameOff + 6, 'name character count');
      name = utf16At(c, nameOff + 8, units, 'name characters');
      len = 8 + units * 2 + 2;
      this.names.set(nameOff, name);
    }
    return { name, pos: inline ? pos + len : pos };
  }

  template(defOff: number, pos: number, depth: number): { def: TemplateDef; pos: number } {
    const inline = defOff === pos;
    const cached = this.templates.get(defOff);
    const c = this.c;
    if (cached && !inline) return { def: cached, pos };
    if (defOff < 0x200 || defOff + 24 > c.length) this.fail('out-of-bounds', 'template definition offset', pos);
    if (this.parsing.has(defOff)) this.fail('loop', 'template definition refers to itself', defOff);
    const size = c.u32(defOff + 20, 'template definition data size');
    const end = defOff + 24 + size;
    if (end > c.length) this.fail('out-of-bounds', 'template definition data', defOff);
    let def = cached;
    if (!def) {
      this.parsing.add(defOff);
      try {
        const nodes = parseNodes(this, defOff + 24, end, depth + 1, false).nodes;
        def = { offset: defOff, guid: guidText(c.raw(defOff + 4, 16, 'template GUID')), nodes };
      } finally {
        this.parsing.delete(defOff);
      }
      this.templates.set(defOff, def);
    }
    return { def, pos: inline ? end : pos };
  }
}

const isValueToken = (t: number): boolean => {
  const b = t & 0xbf;
  return b === 0x05 || b === 0x08 || b === 0x09 || b === 0x0d || b === 0x0e;
};

/**
 * Parses tokens from `pos` until an end-of-stream token, an end-element token (left for the
 * caller: `endedBy`), or `end`. `nested` is true inside a Binary XML substitution value (kept for
 * the element-start layout choice, which otherwise relies on where the name offset points).
 */
export function parseNodes(ctx: ChunkContext, pos: number, end: number, depth: number, nested: boolean): { nodes: BxNode[]; pos: number; endedBy: 'eof' | 'end-element' | 'limit' } {
  if (depth > MAX_DEPTH) ctx.fail('limit-exceeded', 'binary XML nesting depth', pos);
  const c = ctx.c;
  const nodes: BxNode[] = [];
  while (pos < end) {
    ctx.count(pos);
    const tok = c.u8(pos, 'binary XML token');
    switch (tok & 0xbf) {
      case 0x00:
        return { nodes, pos: pos + 1, endedBy: 'eof' };
      case 0x04:
        return { nodes, pos: pos + 1, endedBy: 'end-element' };
      case 0x0f:
        c.need(pos, 4, 'fragment header');
        pos += 4;
        break;
      case 0x01: {
        const r = parseElement(ctx, pos, end, depth + 1, nested);
        nodes.push(r.node);
        pos = r.pos;
        break;
      }
      case 0x0c: {
        const r = parseTemplateInstance(ctx, pos, end, depth + 1);
        nodes.push(r.node);
        pos = r.pos;
        break;
      }
      case 0x07: {
        const n = c.u16(pos + 1, 'CDATA length');
        nodes.push({ k: 'text', v: wellFormed(utf16At(c, pos + 3, n, 'CDATA text')) });
        pos += 3 + n * 2;
        break;
      }
      case 0x0a: {
        const t = ctx.name(c.u32(pos + 1, 'PI target name offset'), pos + 5);
        pos = t.pos;
        let data = '';
        if (c.u8(pos, 'PI data token') === 0x0b) {
          const n = c.u16(pos + 1, 'PI data length');
          data = utf16At(c, pos + 3, n, 'PI data');
          pos += 3 + n * 2;
        }
        nodes.push({ k: 'pi', target: t.name, data });
        break;
      }
      default:
        if (isValueToken(tok)) {
          const r = parseValueToken(ctx, pos);
          nodes.push(r.node);
          pos = r.pos;
          break;
        }
        ctx.fail('decode', `unexpected binary XML token 0x${tok.toString(16)}`, pos);
    }
  }
  return { nodes, pos, endedBy: 'limit' };
}

function parseValueToken(ctx: ChunkContext, pos: number): { node: BxNode; pos: number } {
  const c = ctx.c;
  const tok = c.u8(pos, 'binary XML token') & 0xbf;
  switch (tok) {
    case 0x05: {
      const n = c.u16(pos + 2, 'value text length');
      return { node: { k: 'text', v: wellFormed(utf16At(c, pos + 4, n, 'value text')) }, pos: pos + 4 + n * 2 };
    }
    case 0x08:
      return { node: { k: 'charref', v: c.u16(pos + 1, 'character reference') }, pos: pos + 3 };
    case 0x09: {
      const r = ctx.name(c.u32(pos + 1, 'entity name offset'), pos + 5);
      return { node: { k: 'entity', name: r.name }, pos: r.pos };
    }
    default:
      return {
        node: { k: 'sub', id: c.u16(pos + 1, 'substitution identifier'), type: c.u8(pos + 3, 'substitution value type'), optional: tok === 0x0e },
        pos: pos + 4,
      };
  }
}

/** Is `off` a plausible name offset for an element start whose name would be inline at `inlineAt`? */
function plausibleName(ctx: ChunkContext, off: number, inlineAt: number): boolean {
  return off === inlineAt || (off >= 0x80 && off < inlineAt && ctx.c.has(off, 8));
}

function parseElement(ctx: ChunkContext, pos: number, end: number, depth: number, nested: boolean): { node: BxNode; pos: number } {
  if (depth > MAX_DEPTH) ctx.fail('limit-exceeded', 'binary XML nesting depth', pos);
  const c = ctx.c;
  const hasAttrs = (c.u8(pos, 'element start token') & 0x40) !== 0;
  // Layout with the 2-byte dependency identifier (records, templates) or without it (some
  // Binary XML values): pick the one whose name offset makes sense, preferring the usual one.
  const usual = c.has(pos + 7, 4) ? c.u32(pos + 7, 'element name offset') : -1;
  const alt = c.has(pos + 5, 4) ? c.u32(pos + 5, 'element name offset') : -1;
  const useAlt = usual !== pos + 11 && (alt === pos + 9 || (!plausibleName(ctx, usual, pos + 11) && plausibleName(ctx, alt, pos + 9)));
  let p = useAlt ? pos + 9 : pos + 11;
  const nameOff = useAlt ? alt : usual;
  const n = ctx.name(nameOff, p);
  p = n.pos;
  const attrs: BxAttr[] = [];
  if (hasAttrs) {
    const listSize = c.u32(p, 'attribute list size');
    p += 4;
    const attrsEnd = Math.min(p + listSize, end);
    while (p < attrsEnd && (c.u8(p, 'attribute token') & 0xbf) === 0x06) {
      const an = ctx.name(c.u32(p + 1, 'attribute name offset'), p + 5);
      p = an.pos;
      const value: BxNode[] = [];
      while (p < attrsEnd && isValueToken(c.u8(p, 'attribute value token'))) {
        const r = parseValueToken(ctx, p);
        value.push(r.node);
        p = r.pos;
      }
      attrs.push({ name: an.name, value });
    }
  }
  const close = c.u8(p, 'close element token');
  if (close === 0x03) return { node: { k: 'el', name: n.name, attrs, children: [] }, pos: p + 1 };
  if (close !== 0x02) ctx.fail('decode', `expected close start element, found token 0x${close.toString(16)}`, p);
  const body = parseNodes(ctx, p + 1, end, depth + 1, nested);
  if (body.endedBy !== 'end-element') ctx.fail('decode', `element <${n.name}> has no end element token`, p);
  return { node: { k: 'el', name: n.name, attrs, children: body.nodes }, pos: body.pos };
}

function parseTemplateInstance(ctx: ChunkContext, pos: number, end: number, depth: number): { node: BxNode; pos: number } {
  const c = ctx.c;
  const defOff = c.u32(pos + 6, 'template definition offset');
  const t = ctx.template(defOff, pos + 10, depth);
  let p = t.pos;
  const count = c.u32(p, 'number of template values');
  if (count > MAX_VALUES || p + 4 + count * 4 > Math.min(end, c.length)) ctx.fail('out-of-bounds', `${count} template value descriptors`, p);
  p += 4;
  const values: SubValue[] = [];
  let data = p + count * 4;
  for (let i = 0; i < count; i++) {
    const size = c.u16(p + i * 4, 'template value size');
    values.push({ type: c.u8(p + i * 4 + 2, 'template value type'), offset: data, size });
    data += size;
  }
  if (data > Math.min(end, c.length)) ctx.fail('out-of-bounds', 'template value data', p);
  return { node: { k: 'tmpl', def: t.def, values }, pos: data };
}

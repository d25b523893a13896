/** Positions for the chain graph: dagre, left to right, parallel stages on the same rank. */
import dagre from '@dagrejs/dagre';
import type { ChainGraph } from '@common/chain-graph.js';

export const NODE_W = 166;
export const NODE_H = 66;

export function layoutChain(g: ChainGraph): Map<string, { x: number; y: number }> {
  const d = new dagre.graphlib.Graph();
  d.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 58, marginx: 8, marginy: 8 });
  d.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) d.setNode(n.id, { width: NODE_W, height: NODE_H });
  for (const e of g.edges) d.setEdge(e.from, e.to);
  dagre.layout(d);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of g.nodes) {
    const p = d.node(n.id);
    // dagre gives centres; React Flow wants top-left corners.
    out.set(n.id, { x: (p?.x ?? 0) - NODE_W / 2, y: (p?.y ?? 0) - NODE_H / 2 });
  }
  return out;
}

/**
 * The chain of infection: stages as nodes coloured by status (observed / not observed / not
 * assessed, each drawn differently so a missing stage is visibly missing), the expected wake-up as
 * a dated event, edges dated with the later step's first-seen time. Clicking (or Enter on) a node
 * selects it; the host view shows its evidence.
 */
import { useMemo } from 'react';
import { Background, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { formatDelta, type ChainGraph as Model, type ChainNode } from '@common/chain-graph.js';
import { utc, localTitle } from '../../lib/format';
import { layoutChain, NODE_H, NODE_W } from './chain-layout';

type StageNodeData = { node: ChainNode; selected: boolean };
type StageFlowNode = Node<StageNodeData, 'stage'>;

const STATUS_WORD: Record<ChainNode['status'], string> = { observed: 'observed', 'not-observed': 'not observed', 'not-assessed': 'not assessed', event: 'expected' };

function StageNode({ data }: NodeProps<StageFlowNode>) {
  const n = data.node;
  return (
    <div className={`chain-node cn-${n.status} ${data.selected ? 'selected' : ''}`} style={{ width: NODE_W, height: NODE_H }} title={`${n.label}: ${STATUS_WORD[n.status]}${n.time ? ` — ${utc(n.time)} (${localTitle(n.time) ?? ''})` : ''}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="cn-label">{n.label}</div>
      <div className="cn-status">
        {STATUS_WORD[n.status]}
        {n.evidenceCount > 0 ? ` · ${n.evidenceCount} cited` : ''}
      </div>
      <div className="cn-time">{n.time ? utc(n.time, false) : n.status === 'observed' ? 'no date' : ''}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { stage: StageNode };

export function ChainGraph({ model, selected, onSelect }: { model: Model; selected: string | null; onSelect: (id: string) => void }) {
  const { nodes, edges } = useMemo(() => {
    const pos = layoutChain(model);
    const nodes: StageFlowNode[] = model.nodes.map((n) => ({
      id: n.id,
      type: 'stage',
      position: pos.get(n.id) ?? { x: 0, y: 0 },
      data: { node: n, selected: n.id === selected },
      draggable: false,
      connectable: false,
      selectable: n.stage !== null,
      focusable: true,
      ariaLabel: `${n.label}: ${STATUS_WORD[n.status]}${n.time ? `, ${utc(n.time)}` : ''}`,
    }));
    const edges: Edge[] = model.edges.map((e) => ({
      id: e.id,
      source: e.from,
      target: e.to,
      // Nodes carry the dates; an edge says how long the step took (same time: no label).
      label: e.established && e.deltaMs !== null && e.deltaMs !== 0 ? formatDelta(e.deltaMs) : undefined,
      className: e.established ? 'ce-established' : 'ce-missing',
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      focusable: false,
      labelBgPadding: [4, 2] as [number, number],
      labelBgBorderRadius: 3,
    }));
    return { nodes, edges };
  }, [model, selected]);

  return (
    <div className="chain-canvas" data-testid="chain-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding: 0.04 }}
        minZoom={0.3}
        maxZoom={1.6}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        panOnScroll
        zoomOnScroll={false}
        proOptions={{ hideAttribution: true }}
        onNodeClick={(_e, n) => onSelect(n.id)}
        onKeyDown={(e) => {
          const id = (e.target as HTMLElement).closest('.react-flow__node')?.getAttribute('data-id');
          if (id && (e.key === 'Enter' || e.key === ' ')) {
            e.preventDefault();
            onSelect(id);
          }
        }}
      >
        <Background gap={18} size={1} color="#e3e6ea" />
      </ReactFlow>
    </div>
  );
}

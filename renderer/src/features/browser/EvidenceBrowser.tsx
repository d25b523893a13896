/**
 * Evidence browser: a lazy tree (one folder fetched when opened) with sizes and UTC times, and a
 * hex/strings preview of the selected file. Names are hostile: they are only ever text nodes.
 * Keyboard (tree pattern): ↑/↓ move, → opens / steps in, ← closes / steps out, Enter previews.
 */
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { BrowseEntry, CaseEvidence } from '@common/ipc-contract.js';
import { api, unwrap } from '../../bridge';
import { Empty } from '../../components/States';
import { Time } from '../../components/Time';
import { size, visible } from '../../lib/format';
import { Preview } from './Preview';

interface Row {
  key: string;
  evidenceId: string;
  entry: BrowseEntry;
  depth: number;
  parent: string | null;
}

type Children = BrowseEntry[] | 'loading' | { error: string };
const keyOf = (evidenceId: string, path: string) => `${evidenceId}:${path}`;

export function EvidenceBrowser({ evidence }: { evidence: CaseEvidence[] }) {
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [children, setChildren] = useState<Map<string, Children>>(new Map());
  const [active, setActive] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ evidenceId: string; path: string } | null>(null);
  const treeRef = useRef<HTMLDivElement>(null);

  const roots: Row[] = useMemo(
    () => evidence.map((e) => ({ key: keyOf(e.id, '/'), evidenceId: e.id, depth: 0, parent: null, entry: { name: `${e.id}  ${e.path}`, path: '/', type: 'dir', size: 0, modified: null, created: null, accessed: null } })),
    [evidence],
  );

  const rows: Row[] = useMemo(() => {
    const out: Row[] = [];
    const walk = (r: Row) => {
      out.push(r);
      if (!expanded.has(r.key)) return;
      const kids = children.get(r.key);
      if (Array.isArray(kids)) for (const k of kids) walk({ key: keyOf(r.evidenceId, k.path), evidenceId: r.evidenceId, entry: k, depth: r.depth + 1, parent: r.key });
    };
    roots.forEach(walk);
    return out;
  }, [roots, expanded, children]);

  const load = useCallback((r: Row) => {
    setChildren((m) => new Map(m).set(r.key, 'loading'));
    unwrap(api().browseEvidence({ evidenceId: r.evidenceId, path: r.entry.path })).then(
      (res) => setChildren((m) => new Map(m).set(r.key, res.entries)),
      (err: unknown) => setChildren((m) => new Map(m).set(r.key, { error: err instanceof Error ? err.message : String(err) })),
    );
  }, []);

  const toggle = (r: Row, open?: boolean) => {
    if (r.entry.type !== 'dir') return;
    const isOpen = expanded.has(r.key);
    const want = open ?? !isOpen;
    if (want === isOpen) return;
    setExpanded((s) => {
      const n = new Set(s);
      if (want) n.add(r.key);
      else n.delete(r.key);
      return n;
    });
    if (want && !children.has(r.key)) load(r);
  };
  const activate = (r: Row) => {
    setActive(r.key);
    if (r.entry.type === 'dir') toggle(r);
    else if (r.entry.type === 'file') setPreview({ evidenceId: r.evidenceId, path: r.entry.path });
  };

  const onKey = (e: KeyboardEvent) => {
    const i = Math.max(0, rows.findIndex((r) => r.key === active));
    const r = rows[i];
    if (!r) return;
    const go = (j: number) => {
      const t = rows[Math.max(0, Math.min(rows.length - 1, j))];
      if (t) {
        setActive(t.key);
        document.getElementById(`tree-${t.key}`)?.scrollIntoView({ block: 'nearest' });
      }
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'ArrowRight') {
      if (r.entry.type === 'dir' && !expanded.has(r.key)) toggle(r, true);
      else go(i + 1);
    } else if (e.key === 'ArrowLeft') {
      if (expanded.has(r.key)) toggle(r, false);
      else if (r.parent) setActive(r.parent);
    } else if (e.key === 'Enter' || e.key === ' ') activate(r);
    else return;
    e.preventDefault();
  };

  if (evidence.length === 0) return <Empty title="No evidence in this case">Add evidence on the Evidence tab.</Empty>;
  return (
    <div className="browser">
      <div className="tree-pane">
        <div className="tree-head grid-tree">
          <span>Name</span>
          <span className="num">Size</span>
          <span>Modified (UTC)</span>
        </div>
        <div className="tree" role="tree" aria-label="Evidence files" tabIndex={0} ref={treeRef} onKeyDown={onKey} aria-activedescendant={active ? `tree-${active}` : undefined} data-testid="evidence-tree">
          {rows.map((r) => {
            const kids = children.get(r.key);
            const open = expanded.has(r.key);
            return (
              <div key={r.key}>
                <div
                  id={`tree-${r.key}`}
                  role="treeitem"
                  aria-expanded={r.entry.type === 'dir' ? open : undefined}
                  aria-selected={active === r.key}
                  aria-level={r.depth + 1}
                  className={`tree-row grid-tree ${active === r.key ? 'active' : ''} t-${r.entry.type}`}
                  onClick={() => activate(r)}
                  title={visible(r.entry.path)}
                  data-path={r.entry.path}
                  data-evidence={r.evidenceId}
                >
                  <span className="tree-name" style={{ paddingLeft: `${r.depth * 16 + 4}px` }}>
                    <span className="twisty" aria-hidden="true">
                      {r.entry.type === 'dir' ? (open ? '▾' : '▸') : r.entry.type === 'link' ? '↪' : ' '}
                    </span>
                    <span className="tree-label">{visible(r.entry.name)}</span>
                  </span>
                  <span className="num small">{r.entry.type === 'file' ? size(r.entry.size) : ''}</span>
                  <span className="small">
                    <Time iso={r.entry.modified} />
                  </span>
                </div>
                {open && kids === 'loading' ? <div className="tree-note muted small" style={{ paddingLeft: `${r.depth * 16 + 28}px` }}>loading…</div> : null}
                {open && kids && !Array.isArray(kids) && kids !== 'loading' ? <div className="tree-note error-text small" style={{ paddingLeft: `${r.depth * 16 + 28}px` }}>{kids.error}</div> : null}
                {open && Array.isArray(kids) && kids.length === 0 ? <div className="tree-note muted small" style={{ paddingLeft: `${r.depth * 16 + 28}px` }}>(empty folder)</div> : null}
              </div>
            );
          })}
        </div>
      </div>
      <div className="preview-pane">{preview ? <Preview key={`${preview.evidenceId}:${preview.path}`} {...preview} /> : <Empty title="Select a file">Its size, times, hashes and first 4 KiB as hex and strings appear here. Nothing is opened or run.</Empty>}</div>
    </div>
  );
}

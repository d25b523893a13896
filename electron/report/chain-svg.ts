/**
 * The chain of infection as a static SVG for the printed report: the eight stages as boxes in
 * two rows of four, coloured by status, with the first time each was seen. Every text node is
 * escaped; the SVG has no script and no external reference.
 */
import type { StageResult } from '../common/scan-result.js';
import { esc } from './escape.js';
import { STAGE_SHORT } from './stage-labels.js';

const W = 170;
const H = 62;
const GAP = 28;
const COLORS = {
  observed: { fill: '#b00020', stroke: '#7a0016', text: '#ffffff', dash: '' },
  'not-observed': { fill: '#f3f4f6', stroke: '#6b7280', text: '#1f2937', dash: '' },
  'not-assessed': { fill: '#ffffff', stroke: '#7c3aed', text: '#4c1d95', dash: '5 4' },
} as const;

export function chainSvg(stages: StageResult[]): string {
  const width = 4 * W + 3 * GAP + 20;
  const height = 2 * H + GAP + 52;
  const parts: string[] = [];
  stages.forEach((s, i) => {
    const row = Math.floor(i / 4);
    const col = i % 4;
    const x = 10 + col * (W + GAP);
    const y = 10 + row * (H + GAP + 10);
    const c = COLORS[s.status];
    parts.push(`<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"${c.dash ? ` stroke-dasharray="${c.dash}"` : ''}/>`);
    parts.push(`<text x="${x + W / 2}" y="${y + 20}" text-anchor="middle" font-size="12" font-weight="bold" fill="${c.text}">${i + 1}. ${esc(STAGE_SHORT[s.id])}</text>`);
    parts.push(`<text x="${x + W / 2}" y="${y + 37}" text-anchor="middle" font-size="10" fill="${c.text}">${esc(s.status)}</text>`);
    if (s.firstSeen) parts.push(`<text x="${x + W / 2}" y="${y + 52}" text-anchor="middle" font-size="9" fill="${c.text}">${esc(s.firstSeen.replace('.000Z', 'Z'))}</text>`);
    if (col < 3) {
      const ax = x + W;
      const ay = y + H / 2;
      parts.push(`<line x1="${ax + 3}" y1="${ay}" x2="${ax + GAP - 5}" y2="${ay}" stroke="#374151" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    }
  });
  // Row 1's last stage leads on to row 2's first.
  const x4 = 10 + 3 * (W + GAP) + W / 2;
  const x5 = 10 + W / 2;
  const yA = 10 + H;
  const yB = 10 + H + GAP + 10;
  parts.push(`<path d="M ${x4} ${yA + 2} V ${yA + (yB - yA) / 2} H ${x5} V ${yB - 4}" fill="none" stroke="#374151" stroke-width="1.5" marker-end="url(#arrow)"/>`);
  const legendY = height - 12;
  parts.push(`<text x="10" y="${legendY}" font-size="9" fill="#374151">Red: observed (evidence cited below) · grey: looked for, not observed · dashed: not assessed (could not look)</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Chain of infection" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#374151"/></marker></defs>${parts.join('')}</svg>`;
}

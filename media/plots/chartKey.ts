// Each chart's key: its lines when metrics share a chart, and what the NaN / ±∞ markers mean.
import { nonFiniteLegend } from '../../src/plots/plotMath';
import { clear, cssVar, h } from '../lib/dom';
import { type ChartView, runColor } from './state';

/** What the chart's lines are (when more than one metric shares it) and what its NaN / ±∞ markers mean. */
export function chartKeyEntries(view: ChartView): { label: string; line?: { stroke: string; dash: number[] }; marker?: 'NaN' | '+∞' | '−∞' }[] {
  const lines = view.keys.length > 1 ? view.lines.map((l) => ({ label: l.label, line: runColor(l.colorIndex) })) : [];
  const marks = nonFiniteLegend(view.prepared.flatMap((p) => p.markers.map((m) => m.v)));
  const meaning = { NaN: 'NaN (not a number)', '+∞': '+∞', '−∞': '−∞' };
  return [...lines, ...marks.map((m) => ({ label: meaning[m], marker: m }))];
}

/** Draws a line swatch or a marker glyph at (x, y) = its left centre. */
export function drawKeyGlyph(ctx: CanvasRenderingContext2D, x: number, y: number, scale: number, e: ReturnType<typeof chartKeyEntries>[number], color: string): void {
  ctx.save();
  ctx.strokeStyle = e.line?.stroke ?? color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2 * scale;
  if (e.line) {
    ctx.setLineDash(e.line.dash.map((d) => d * scale));
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 28 * scale, y);
    ctx.stroke();
  } else {
    const s = 5 * scale;
    const cx = x + 14 * scale;
    ctx.beginPath();
    if (e.marker === 'NaN') {
      ctx.moveTo(cx - s, y - s);
      ctx.lineTo(cx + s, y + s);
      ctx.moveTo(cx + s, y - s);
      ctx.lineTo(cx - s, y + s);
      ctx.stroke();
    } else {
      const dir = e.marker === '+∞' ? 1 : -1;
      ctx.moveTo(cx, y - dir * s);
      ctx.lineTo(cx - s, y + dir * s);
      ctx.lineTo(cx + s, y + dir * s);
      ctx.closePath();
      ctx.fill();
    }
  }
  ctx.restore();
}

export function renderChartKey(view: ChartView): void {
  clear(view.key);
  const fg = cssVar('--vscode-foreground', '#888');
  for (const e of chartKeyEntries(view)) {
    const sw = h('canvas', { class: 'swatch', width: 28, height: 12, 'aria-hidden': 'true', 'data-color': e.line?.stroke });
    const ctx = sw.getContext('2d');
    if (ctx) drawKeyGlyph(ctx, 0, 6, 1, e, fg);
    view.key.append(h('span', { class: 'legend-item', role: 'listitem', 'data-marker': e.marker ?? '' }, sw, e.label));
  }
}

// The values under the cursor, one per line, exact (not the tick's rounding).
import type uPlot from 'uplot';
import type { PlotOptions } from '../../src/plots/protocol';
import { exactValue, formatSeconds, pointAtCursor } from '../../src/plots/plotMath';
import { append, clear, h } from '../lib/dom';
import { type ChartView, runColor, st } from './state';

function fmtX(axis: PlotOptions['xAxis'], v: number): string {
  if (axis === 'wall') return new Date(v * 1000).toLocaleString();
  if (axis === 'relative') return formatSeconds(v);
  return String(v);
}

export function updateReadout(view: ChartView, u: uPlot): void {
  const left = u.cursor.left;
  if (left === undefined || left < 0) {
    view.readout.textContent = '';
    return;
  }
  const x = u.posToVal(left, 'x');
  clear(view.readout);
  let head = '';
  const items: HTMLElement[] = [];
  view.prepared.forEach((p, i) => {
    const j = pointAtCursor(p.x, x);
    const c = runColor(view.lines[i].colorIndex);
    if (j < 0) {
      items.push(h('span', { class: 'ro-item muted' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), `${view.lines[i].label}: no point here`));
      (items[items.length - 1].firstChild as HTMLElement).dataset.color = c.stroke;
      return;
    }
    if (!head) head = `${view.xAxisUsed === 'step' ? 'step' : view.xAxisUsed === 'wall' ? '' : 'time'} ${fmtX(view.xAxisUsed, p.x[j])}`.trim();
    const smoothed = st.options.smoothing > 0 && p.shown[j] !== null ? ` (smoothed ${exactValue(p.shown[j])})` : '';
    items.push(
      h(
        'span',
        { class: 'ro-item' },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        `${view.lines[i].label}: `,
        h('strong', {}, exactValue(p.raw[j])),
        smoothed,
        h('span', { class: 'muted' }, ` @ step ${p.steps[j]}`),
      ),
    );
    (items[items.length - 1].firstChild as HTMLElement).dataset.color = c.stroke;
  });
  if (!head) head = `${view.xAxisUsed === 'step' ? 'step' : view.xAxisUsed === 'wall' ? '' : 'time'} ${fmtX(view.xAxisUsed, x)}`.trim();
  append(view.readout, h('span', { class: 'ro-x' }, head), ...items);
  // colour dots through the canvas-free route: a border colour set from script is allowed by the CSP (CSSOM)
  view.readout.querySelectorAll<HTMLElement>('.dot').forEach((d) => (d.style.backgroundColor = d.dataset.color ?? ''));
}

// Zoom and pan on the x axis. Zooming into a sampled series asks the host for the visible steps
// at full resolution.
import type uPlot from 'uplot';
import { nearestIndex } from '../../src/plots/plotMath';
import { type ChartView, post, sampleWidth, st } from './state';

function visibleStepRange(view: ChartView, min: number, max: number): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of view.prepared) {
    const a = Math.max(0, nearestIndex(p.x, min) - 1);
    const b = Math.min(p.x.length - 1, nearestIndex(p.x, max) + 1);
    for (let i = a; i <= b; i++) {
      if (p.steps[i] < lo) lo = p.steps[i];
      if (p.steps[i] > hi) hi = p.steps[i];
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

export function onZoom(view: ChartView, u: uPlot): void {
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined || !view.fullX) return;
  view.zoomed = min > view.fullX[0] || max < view.fullX[1];
  clearTimeout(view.zoomTimer);
  if (!view.zoomed || !view.lines.some((l) => l.data.sampled || st.base.get(l.key)?.get(l.runId)?.sampled)) return;
  view.zoomTimer = window.setTimeout(() => {
    const r = visibleStepRange(view, min, max);
    if (!r) return;
    view.requestId = st.nextRequest++;
    for (const key of view.keys) post({ type: 'requestRange', requestId: view.requestId, key, start: r[0], end: r[1], width: sampleWidth() });
  }, 200);
}

export function zoomBy(view: ChartView, factor: number, shift = 0): void {
  const u = view.u;
  if (!u) return;
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined) return;
  const span = max - min;
  const mid = (min + max) / 2 + shift * span;
  const half = (span * factor) / 2;
  u.setScale('x', { min: mid - half, max: mid + half });
}

export function startPan(view: ChartView, u: uPlot, e: MouseEvent): void {
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined) return;
  const x0 = e.clientX;
  const w = u.bbox.width / (window.devicePixelRatio || 1);
  const move = (ev: MouseEvent) => {
    const d = ((ev.clientX - x0) / w) * (max - min);
    u.setScale('x', { min: min - d, max: max - d });
  };
  const up = () => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
  view.fig.focus();
}

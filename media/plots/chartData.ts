// From received series to what a chart draws: one line per run (or per metric in an overlay),
// sorted x, smoothing, log-scale gaps, NaN/±∞ markers, the outlier-free y range, the screen-reader summary.
import type uPlot from 'uplot';
import { alignSeries, ema, exactValue, robustRange, sortByX, xValues } from '../../src/plots/plotMath';
import { type ChartView, type Line, st } from './state';

/** Metrics logged without steps (every step equal) are plotted against time. */
function stepless(lines: Line[]): boolean {
  const withData = lines.filter((l) => l.data.steps.length > 1);
  return withData.length > 0 && withData.every((l) => l.data.steps[0] === l.data.steps[l.data.steps.length - 1]);
}

export function linesFor(keys: string[]): Line[] {
  const out: Line[] = [];
  for (const key of keys) {
    const src = st.zoom.get(key) ?? st.base.get(key);
    if (!src) continue;
    for (const r of st.runs) {
      const data = src.get(r.runId);
      if (!data) continue;
      const overlay = keys.length > 1;
      out.push({
        label: overlay ? key : r.name,
        colorIndex: overlay ? keys.indexOf(key) : r.colorIndex,
        runId: r.runId,
        key,
        data,
        runStart: r.startTime ?? (data.timestamps.length ? data.timestamps[0] : 0),
      });
    }
  }
  return out;
}

export function prepare(view: ChartView): void {
  const axis = st.options.xAxis === 'step' && stepless(view.lines) ? 'relative' : st.options.xAxis;
  view.xAxisUsed = axis;
  view.prepared = view.lines.map((l) => {
    const x0 = xValues(l.data.steps, l.data.timestamps, axis, l.runStart);
    const { x, y, order } = sortByX(x0, l.data.values);
    const markers: { x: number; v: number }[] = [];
    const smooth = ema(y, st.options.smoothing);
    const shown = smooth.map((v, i) => {
      if (!Number.isFinite(y[i])) {
        markers.push({ x: x[i], v: y[i] });
        return null;
      }
      if (st.options.logY && v <= 0) return null;
      return v;
    });
    return { x, raw: y, shown, steps: order.map((i) => l.data.steps[i]), ts: order.map((i) => l.data.timestamps[i]), markers };
  });
}

export function yRange(view: ChartView): [number, number] | undefined {
  if (!st.options.hideOutliers) return undefined;
  const vals: number[] = [];
  for (const p of view.prepared) for (const v of p.shown) if (v !== null && Number.isFinite(v)) vals.push(st.options.logY ? Math.log10(v) : v);
  const r = robustRange(vals);
  if (!r) return undefined;
  return st.options.logY ? [Math.pow(10, r[0]), Math.pow(10, r[1])] : r;
}

export function uplotData(view: ChartView): uPlot.AlignedData {
  const series: { x: Float64Array; y: (number | null)[] }[] = [];
  for (const p of view.prepared) {
    if (st.options.smoothing > 0) series.push({ x: p.x, y: p.raw.map((v) => (Number.isFinite(v) && !(st.options.logY && v <= 0) ? v : null)) });
    series.push({ x: p.x, y: p.shown });
  }
  return alignSeries(series) as unknown as uPlot.AlignedData;
}

export function describe(view: ChartView): string {
  const parts = view.prepared.map((p, i) => {
    const fin = p.raw.filter(Number.isFinite);
    const last = p.raw.length ? exactValue(p.raw[p.raw.length - 1]) : 'no data';
    return `${view.lines[i].label}: last ${last}${fin.length ? `, min ${exactValue(Math.min(...fin))}, max ${exactValue(Math.max(...fin))}` : ''}`;
  });
  return `Chart of ${view.keys.join(', ')}. ${parts.join('; ')}. Arrow keys pan, plus and minus zoom, Escape resets.`;
}

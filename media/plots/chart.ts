// One uPlot chart: series, axes, scales and hooks, drawn from the prepared lines; its caption,
// key and NaN / ±∞ markers. A chart that cannot be drawn says so in its place.
import uPlot from 'uplot';
import { exactValue, formatSeconds, STEP_INCRS, tickLabels, WALL_INCRS, wallTickLabel, xAxisTitle } from '../../src/plots/plotMath';
import { append, clear, cssVar, h } from '../lib/dom';
import { describe, linesFor, prepare, uplotData, yRange } from './chartData';
import { renderChartKey } from './chartKey';
import { fillTable } from './dataTable';
import { updateReadout } from './readout';
import { CHART_HEIGHT, type ChartView, chartWidth, MARKER, runColor, st } from './state';
import { onZoom, startPan } from './zoom';

function drawMarkers(view: ChartView) {
  return (u: uPlot) => {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const px = Math.max(1, window.devicePixelRatio || 1);
    ctx.setLineDash([]); // markers are solid whatever dash the series has
    view.prepared.forEach((p, i) => {
      if (!p.markers.length) return;
      ctx.fillStyle = runColor(view.lines[i].colorIndex).stroke;
      ctx.strokeStyle = ctx.fillStyle;
      ctx.lineWidth = 1.5 * px;
      for (const m of p.markers) {
        const x = u.valToPos(m.x, 'x', true);
        if (x < left || x > left + width) continue;
        const s = MARKER * px;
        ctx.beginPath();
        if (m.v === Infinity) {
          ctx.moveTo(x, top + 1);
          ctx.lineTo(x - s, top + 1 + 1.6 * s);
          ctx.lineTo(x + s, top + 1 + 1.6 * s);
          ctx.closePath();
          ctx.fill();
        } else if (m.v === -Infinity) {
          const b = top + height - 1;
          ctx.moveTo(x, b);
          ctx.lineTo(x - s, b - 1.6 * s);
          ctx.lineTo(x + s, b - 1.6 * s);
          ctx.closePath();
          ctx.fill();
        } else {
          const b = top + height - 2 * s;
          ctx.moveTo(x - s, b - s);
          ctx.lineTo(x + s, b + s);
          ctx.moveTo(x + s, b - s);
          ctx.lineTo(x - s, b + s);
          ctx.stroke();
        }
      }
    });
    ctx.restore();
  };
}

/** uPlot's auto range, without overflowing near ±Number.MAX_VALUE (a metric of 1.8e308 is legal). */
function safeRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const clamp = (v: number) => Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, v));
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return [clamp(min - pad), clamp(max + pad)];
  }
  if (!Number.isFinite(max - min)) return [min, max];
  const [lo, hi] = uPlot.rangeNum(min, max, 0.1, true);
  return [clamp(lo ?? min), clamp(hi ?? max)];
}

function axisFont(): string {
  return `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`;
}

function seriesOptions(view: ChartView): uPlot.Series[] {
  const series: uPlot.Series[] = [{ label: view.xAxisUsed }];
  view.lines.forEach((l) => {
    const c = runColor(l.colorIndex);
    if (st.options.smoothing > 0) series.push({ label: `${l.label} (raw)`, stroke: c.stroke, width: 1, dash: c.dash, alpha: 0.25, points: { show: false } });
    series.push({ label: l.label, stroke: c.stroke, width: 1.75, dash: c.dash, points: { show: (_u, _si, i0, i1) => i1 - i0 < 60 }, spanGaps: false });
  });
  return series;
}

function axesOptions(view: ChartView): uPlot.Axis[] {
  const fg = cssVar('--vscode-descriptionForeground', cssVar('--vscode-foreground', '#888'));
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#8884'));
  const axis = view.xAxisUsed;
  const common = { stroke: fg, font: axisFont(), labelFont: axisFont(), labelSize: 22, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  return [
    {
      ...common,
      label: xAxisTitle(axis),
      ...(axis === 'step' ? { incrs: STEP_INCRS } : {}),
      ...(axis === 'wall' ? { incrs: WALL_INCRS, values: (_u: uPlot, vals: (number | null)[], _i: number, _space: number, incr: number) => vals.map((v) => (v === null || v === undefined ? '' : wallTickLabel(v, incr))) } : {}),
      ...(axis === 'relative' ? { values: (_u: uPlot, vals: (number | null)[]) => vals.map((v) => (v === null || v === undefined ? '' : formatSeconds(v))) } : {}),
    },
    {
      ...common,
      label: view.keys.length > 1 ? 'Value' : view.keys[0],
      size: (_u: uPlot, values: string[] | null) => (values?.length ? Math.max(40, 24 + 8 * Math.max(...values.map((v) => v.length))) : 40),
      values: (_u: uPlot, splits: (number | null)[], _i: number, _space: number, incr: number) =>
        st.options.logY ? splits.map((v) => (v === null || v === undefined ? '' : exactValue(Number(v.toPrecision(3))))) : tickLabels(splits, incr),
    },
  ];
}

function chartOptions(view: ChartView): uPlot.Options {
  const fixedY = yRange(view);
  return {
    width: chartWidth(),
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: {
      drag: { x: true, y: false, setScale: true },
      bind: {
        mousedown: (u, _t, handler) => (e: MouseEvent) => {
          if (e.shiftKey) {
            startPan(view, u, e);
            return null;
          }
          return handler(e);
        },
        dblclick: () => () => {
          resetZoom(view);
          return null;
        },
      },
    },
    scales: {
      x: { time: view.xAxisUsed === 'wall' },
      y: { distr: st.options.logY ? 3 : 1, log: 10, ...(fixedY ? { range: () => fixedY } : st.options.logY ? {} : { range: safeRange }) },
    },
    axes: axesOptions(view),
    series: seriesOptions(view),
    hooks: {
      draw: [drawMarkers(view)],
      setCursor: [(u) => updateReadout(view, u)],
      setScale: [
        (u, key) => {
          if (key === 'x') onZoom(view, u);
        },
      ],
    },
  };
}

/** "loss · 3 runs · 800 of 10000 points (sampled to the chart width)". */
function writeCaption(view: ChartView): void {
  const points = view.lines.reduce((n, l) => n + l.data.steps.length, 0);
  const total = view.lines.reduce((n, l) => n + l.data.total, 0);
  const sampled = view.lines.some((l) => l.data.sampled);
  view.caption.textContent = '';
  append(
    view.caption,
    h('span', { class: 'key' }, view.keys.join(', ')),
    h('span', { class: 'muted' }, ` · ${view.lines.length} ${view.keys.length > 1 ? 'metric' : 'run'}${view.lines.length === 1 ? '' : 's'} · ${sampled ? `${points} of ${total} points (sampled to the chart width)` : `${total} point${total === 1 ? "" : "s"}`}`),
    view.xAxisUsed !== st.options.xAxis ? h('span', { class: 'muted' }, ' · no steps: plotted against time') : undefined,
  );
}

export function buildChart(view: ChartView): void {
  prepare(view);
  view.u?.destroy();
  clear(view.plotEl);
  try {
    view.u = new uPlot(chartOptions(view), uplotData(view), view.plotEl);
  } catch (e) {
    // one bad chart must not take the panel down: say so in its place
    view.u = undefined;
    view.plotEl.append(h('p', { class: 'notice error', role: 'alert' }, `This chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const xs = view.u.data[0];
  if (!view.zoomed && xs.length) view.fullX = [xs[0], xs[xs.length - 1]];
  writeCaption(view);
  renderChartKey(view);
  view.fig.setAttribute('aria-label', describe(view));
  if (view.table.open) fillTable(view);
}

export function resetZoom(view: ChartView): void {
  view.zoomed = false;
  let had = false;
  for (const k of view.keys) had = st.zoom.delete(k) || had;
  view.lines = linesFor(view.keys);
  if (had) buildChart(view);
  else if (view.u && view.fullX) view.u.setScale('x', { min: view.fullX[0], max: view.fullX[1] });
}

// Metric plots webview: uPlot charts (one per metric, a curve per run; or one overlay chart of a
// run's metrics), drawn from the downsampled Float64Array series the host posts. Zoom asks the
// host for a refined slice; NaN/±inf are gaps with markers; everything is keyboard operable and
// every chart has a data-table alternative.
import uPlot from 'uplot';
import type { HostToWebview, ParamRow, PlotOptions, PlotRun, SeriesPayload } from '../src/webviews/protocol';
import { STEP_INCRS, WALL_INCRS, alignSeries, ema, ensureContrast, exactValue, formatSeconds, nearestIndex, nonFiniteLegend, pointAtCursor, robustRange, runStyle, sortByX, tickLabels, wallTickLabel, xAxisTitle, xValues } from '../src/plots/plotMath';
import { append, button, clear, cssVar, h, onThemeChange } from './lib/dom';
import { getState, onMessage, post, setState } from './lib/host';

const MIN_CHART_WIDTH = 420;
const CHART_HEIGHT = 260;
const TABLE_ROWS = 500;
/** Half-size of the NaN / ±∞ markers, in CSS pixels. */
const MARKER = 7;

interface Line {
  label: string;
  colorIndex: number;
  runId: string;
  key: string;
  data: SeriesPayload;
  runStart: number;
}

interface ChartView {
  id: string;
  /** Metric keys drawn in this chart (one, or several in overlay). */
  keys: string[];
  fig: HTMLElement;
  plotEl: HTMLElement;
  readout: HTMLElement;
  /** What each line and marker of this chart is (metric names in an overlay, NaN / ±∞ markers). */
  key: HTMLElement;
  caption: HTMLElement;
  table: HTMLDetailsElement;
  u?: uPlot;
  lines: Line[];
  /** Per line: ascending x, the raw values, and the non-finite markers. */
  prepared: { x: Float64Array; raw: number[]; shown: (number | null)[]; steps: number[]; ts: number[]; markers: { x: number; v: number }[] }[];
  zoomed: boolean;
  fullX?: [number, number];
  requestId: number;
  zoomTimer?: number;
  xAxisUsed: PlotOptions['xAxis'];
}

const st = {
  connKey: '',
  title: '',
  runs: [] as PlotRun[],
  keys: [] as string[],
  selected: [] as string[],
  params: [] as ParamRow[],
  options: { xAxis: 'step', logY: false, smoothing: 0, hideOutliers: false, layout: 'grid', allParams: false } as PlotOptions,
  live: false,
  /** key → runId → series (whole range, as first sent, plus live appends). */
  base: new Map<string, Map<string, SeriesPayload>>(),
  /** key → runId → refined series for the zoomed range. */
  zoom: new Map<string, Map<string, SeriesPayload>>(),
  charts: [] as ChartView[],
  drawReported: false,
  nextRequest: 1,
};

const app = document.getElementById('app') as HTMLElement;

// ------------------------------------------------------------------ helpers

function chartWidth(): number {
  const w = Math.max(320, (app.clientWidth || window.innerWidth) - 24);
  if (st.options.layout === 'overlay' && st.runs.length === 1) return w;
  const cols = Math.max(1, Math.floor(w / MIN_CHART_WIDTH));
  return Math.floor(w / cols) - 16;
}

/** Pixel columns the host should sample for (device pixels, capped). */
function sampleWidth(): number {
  return Math.round(chartWidth() * Math.min(2, window.devicePixelRatio || 1));
}

function persist(): void {
  setState({ view: 'plots', connKey: st.connKey, runIds: st.runs.map((r) => r.runId), selected: st.selected, options: st.options });
}

function optionsChanged(): void {
  persist();
  post({ type: 'setOptions', options: st.options, selected: st.selected });
  render();
}

function runColor(i: number): { stroke: string; dash: number[] } {
  const s = runStyle(i, document.body.classList.contains('vscode-high-contrast'));
  // Theme chart colours can sit too close to the editor background (orange on dark): at least 3:1 (WCAG, graphics).
  return { stroke: ensureContrast(cssVar(s.cssVar, '#3794ff'), cssVar('--vscode-editor-background', '#1e1e1e'), 3), dash: s.dash };
}

function runById(id: string): PlotRun | undefined {
  return st.runs.find((r) => r.runId === id);
}

/** Metrics logged without steps (every step equal) are plotted against time. */
function stepless(lines: Line[]): boolean {
  const withData = lines.filter((l) => l.data.steps.length > 1);
  return withData.length > 0 && withData.every((l) => l.data.steps[0] === l.data.steps[l.data.steps.length - 1]);
}

function fmtX(axis: PlotOptions['xAxis'], v: number): string {
  if (axis === 'wall') return new Date(v * 1000).toLocaleString();
  if (axis === 'relative') return formatSeconds(v);
  return String(v);
}

// ------------------------------------------------------------------ layout

const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Chart options' });
const legend = h('div', { class: 'legend', role: 'list', 'aria-label': 'Runs' });
const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const chartsEl = h('div', { class: 'charts' });
const paramsEl = h('section', { class: 'params', 'aria-label': 'Parameters' });

function renderToolbar(): void {
  clear(toolbar);
  const o = st.options;
  // metric chooser
  const chooser = h('details', { class: 'chooser' });
  const filter = h('input', { type: 'search', placeholder: 'Filter metrics', 'aria-label': 'Filter metrics' });
  const list = h('div', { class: 'chooser-list', role: 'group', 'aria-label': 'Metrics to show' });
  const fill = () => {
    clear(list);
    const q = filter.value.toLowerCase();
    for (const k of st.keys.filter((k) => k.toLowerCase().includes(q))) {
      const cb = h('input', { type: 'checkbox', checked: st.selected.includes(k) });
      cb.addEventListener('change', () => {
        st.selected = cb.checked ? [...st.selected, k] : st.selected.filter((x) => x !== k);
        const missing = st.selected.filter((x) => !st.base.has(x));
        if (missing.length) post({ type: 'requestSeries', keys: missing, width: sampleWidth() });
        summary.textContent = `Metrics (${st.selected.length} of ${st.keys.length})`;
        optionsChanged();
      });
      list.append(h('label', { class: 'check' }, cb, ' ', k));
    }
  };
  filter.addEventListener('input', fill);
  const summary = h('summary', {}, `Metrics (${st.selected.length} of ${st.keys.length})`);
  append(chooser, summary, h('div', { class: 'chooser-panel' }, filter, list));
  fill();

  const xSel = h('select', { 'aria-label': 'X axis' }, h('option', { value: 'step' }, 'Step'), h('option', { value: 'wall' }, 'Wall time'), h('option', { value: 'relative' }, 'Relative time'));
  xSel.value = o.xAxis;
  xSel.addEventListener('change', () => {
    st.options = { ...st.options, xAxis: xSel.value as PlotOptions['xAxis'] };
    st.zoom.clear();
    optionsChanged();
  });

  const log = h('input', { type: 'checkbox', checked: o.logY, id: 'opt-log' });
  log.addEventListener('change', () => {
    st.options = { ...st.options, logY: log.checked };
    optionsChanged();
  });

  const smooth = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, id: 'opt-smooth', 'aria-label': 'Smoothing (exponential moving average weight)' });
  smooth.value = String(o.smoothing);
  const smoothVal = h('output', { for: 'opt-smooth', class: 'val' }, o.smoothing.toFixed(2));
  let smoothTimer: number | undefined;
  smooth.addEventListener('input', () => {
    smoothVal.textContent = Number(smooth.value).toFixed(2);
    clearTimeout(smoothTimer);
    smoothTimer = window.setTimeout(() => {
      st.options = { ...st.options, smoothing: Number(smooth.value) };
      optionsChanged();
    }, 120);
  });

  const outliers = h('input', { type: 'checkbox', checked: o.hideOutliers, id: 'opt-outliers' });
  outliers.addEventListener('change', () => {
    st.options = { ...st.options, hideOutliers: outliers.checked };
    optionsChanged();
  });

  append(
    toolbar,
    chooser,
    h('label', { class: 'field' }, 'X axis ', xSel),
    h('label', { class: 'check', for: 'opt-log' }, log, ' Log scale'),
    h('label', { class: 'field', for: 'opt-smooth' }, 'Smoothing ', smooth, ' ', smoothVal),
    h('label', { class: 'check', for: 'opt-outliers' }, outliers, ' Hide outliers'),
  );
  if (st.runs.length === 1) {
    const lay = h('select', { 'aria-label': 'Layout' }, h('option', { value: 'grid' }, 'Small multiples'), h('option', { value: 'overlay' }, 'Overlay'));
    lay.value = o.layout;
    lay.addEventListener('change', () => {
      st.options = { ...st.options, layout: lay.value as PlotOptions['layout'] };
      optionsChanged();
    });
    append(toolbar, h('label', { class: 'field' }, 'Layout ', lay));
  }
  append(
    toolbar,
    button('Reset zoom of every chart (Escape or double-click on a chart)', 'Reset zoom', () => st.charts.forEach(resetZoom)),
    button('Export the full-resolution history of the shown metrics as CSV', 'Export CSV', () => post({ type: 'exportCsv', keys: st.selected })),
    st.live ? h('span', { class: 'badge live', title: 'A run is still running: new points appear as they are logged' }, '● Live') : undefined,
  );
}

function renderLegend(): void {
  clear(legend);
  for (const r of st.runs) {
    const c = runColor(r.colorIndex);
    const sw = h('canvas', { class: 'swatch', width: 28, height: 10, 'aria-hidden': 'true', 'data-color': c.stroke, 'data-dash': c.dash.join(',') });
    const ctx = sw.getContext('2d');
    if (ctx) {
      ctx.strokeStyle = c.stroke;
      ctx.lineWidth = 2;
      ctx.setLineDash(c.dash);
      ctx.beginPath();
      ctx.moveTo(0, 5);
      ctx.lineTo(28, 5);
      ctx.stroke();
    }
    const link = h('a', { href: '#', class: 'run-link', title: `Open the details of run ${r.runId}` }, r.name);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'openRun', runId: r.runId });
    });
    legend.append(h('span', { class: 'legend-item', role: 'listitem' }, sw, link, h('span', { class: `status status-${r.status.toLowerCase()}` }, r.status.toLowerCase())));
  }
}

function renderParams(): void {
  clear(paramsEl);
  if (st.runs.length < 2 || !st.params.length) return;
  const rows = st.params.filter((p) => st.options.allParams || p.differs);
  const toggle = h('input', { type: 'checkbox', checked: st.options.allParams, id: 'opt-allparams' });
  toggle.addEventListener('change', () => {
    st.options = { ...st.options, allParams: toggle.checked };
    persist();
    post({ type: 'setOptions', options: st.options, selected: st.selected });
    renderParams();
  });
  const differing = st.params.filter((p) => p.differs).length;
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), ...st.runs.map((r) => h('th', { scope: 'col' }, r.name)));
  const body = rows.map((p) => h('tr', { class: p.differs ? 'differs' : '' }, h('th', { scope: 'row' }, p.key), ...p.values.map((v) => h('td', {}, v ?? '—'))));
  append(
    paramsEl,
    h('h2', {}, 'Parameters'),
    h('label', { class: 'check', for: 'opt-allparams' }, toggle, ` Show all ${st.params.length} parameters (${differing} differ)`),
    rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'grid-table' }, h('thead', {}, head), h('tbody', {}, ...body))) : h('p', { class: 'muted' }, 'Every run has the same parameters.'),
  );
}

// ------------------------------------------------------------------ charts

function linesFor(keys: string[]): Line[] {
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

function prepare(view: ChartView): void {
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

function yRange(view: ChartView): [number, number] | undefined {
  if (!st.options.hideOutliers) return undefined;
  const vals: number[] = [];
  for (const p of view.prepared) for (const v of p.shown) if (v !== null && Number.isFinite(v)) vals.push(st.options.logY ? Math.log10(v) : v);
  const r = robustRange(vals);
  if (!r) return undefined;
  return st.options.logY ? [Math.pow(10, r[0]), Math.pow(10, r[1])] : r;
}

function uplotData(view: ChartView): uPlot.AlignedData {
  const series: { x: Float64Array; y: (number | null)[] }[] = [];
  for (const p of view.prepared) {
    if (st.options.smoothing > 0) series.push({ x: p.x, y: p.raw.map((v) => (Number.isFinite(v) && !(st.options.logY && v <= 0) ? v : null)) });
    series.push({ x: p.x, y: p.shown });
  }
  return alignSeries(series) as unknown as uPlot.AlignedData;
}

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

function buildChart(view: ChartView): void {
  prepare(view);
  view.u?.destroy();
  clear(view.plotEl);
  const fg = cssVar('--vscode-descriptionForeground', cssVar('--vscode-foreground', '#888'));
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#8884'));
  const series: uPlot.Series[] = [{ label: view.xAxisUsed }];
  view.lines.forEach((l) => {
    const c = runColor(l.colorIndex);
    if (st.options.smoothing > 0) series.push({ label: `${l.label} (raw)`, stroke: c.stroke, width: 1, dash: c.dash, alpha: 0.25, points: { show: false } });
    series.push({ label: l.label, stroke: c.stroke, width: 1.75, dash: c.dash, points: { show: (_u, _si, i0, i1) => i1 - i0 < 60 }, spanGaps: false });
  });
  const fixedY = yRange(view);
  const axis = view.xAxisUsed;
  const opts: uPlot.Options = {
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
      x: { time: axis === 'wall' },
      y: { distr: st.options.logY ? 3 : 1, log: 10, ...(fixedY ? { range: () => fixedY } : st.options.logY ? {} : { range: safeRange }) },
    },
    axes: [
      {
        stroke: fg,
        font: axisFont(),
        label: xAxisTitle(axis),
        labelFont: axisFont(),
        labelSize: 22,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        ...(axis === 'step' ? { incrs: STEP_INCRS } : {}),
        ...(axis === 'wall' ? { incrs: WALL_INCRS, values: (_u: uPlot, vals: (number | null)[], _i: number, _space: number, incr: number) => vals.map((v) => (v === null || v === undefined ? '' : wallTickLabel(v, incr))) } : {}),
        ...(axis === 'relative' ? { values: (_u: uPlot, vals: (number | null)[]) => vals.map((v) => (v === null || v === undefined ? '' : formatSeconds(v))) } : {}),
      },
      {
        stroke: fg,
        font: axisFont(),
        label: view.keys.length > 1 ? 'Value' : view.keys[0],
        labelFont: axisFont(),
        labelSize: 22,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        size: (_u: uPlot, values: string[] | null) => (values?.length ? Math.max(40, 24 + 8 * Math.max(...values.map((v) => v.length))) : 40),
        values: (_u: uPlot, splits: (number | null)[], _i: number, _space: number, incr: number) =>
          st.options.logY ? splits.map((v) => (v === null || v === undefined ? '' : exactValue(Number(v.toPrecision(3))))) : tickLabels(splits, incr),
      },
    ],
    series,
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
  try {
    view.u = new uPlot(opts, uplotData(view), view.plotEl);
  } catch (e) {
    // one bad chart must not take the panel down: say so in its place
    view.u = undefined;
    view.plotEl.append(h('p', { class: 'notice error', role: 'alert' }, `This chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const xs = view.u.data[0];
  if (!view.zoomed && xs.length) view.fullX = [xs[0], xs[xs.length - 1]];
  const points = view.lines.reduce((n, l) => n + l.data.steps.length, 0);
  const total = view.lines.reduce((n, l) => n + l.data.total, 0);
  const sampled = view.lines.some((l) => l.data.sampled);
  view.caption.textContent = '';
  append(
    view.caption,
    h('span', { class: 'key' }, view.keys.join(', ')),
    h('span', { class: 'muted' }, ` · ${view.lines.length} ${view.keys.length > 1 ? 'metric' : 'run'}${view.lines.length === 1 ? '' : 's'} · ${sampled ? `${points} of ${total} points (sampled to the chart width)` : `${total} point${total === 1 ? "" : "s"}`}`),
    axis !== st.options.xAxis ? h('span', { class: 'muted' }, ' · no steps: plotted against time') : undefined,
  );
  renderChartKey(view);
  view.fig.setAttribute('aria-label', describe(view));
  if (view.table.open) fillTable(view);
}

/** What the chart's lines are (when more than one metric shares it) and what its NaN / ±∞ markers mean. */
function chartKeyEntries(view: ChartView): { label: string; line?: { stroke: string; dash: number[] }; marker?: 'NaN' | '+∞' | '−∞' }[] {
  const lines = view.keys.length > 1 ? view.lines.map((l) => ({ label: l.label, line: runColor(l.colorIndex) })) : [];
  const marks = nonFiniteLegend(view.prepared.flatMap((p) => p.markers.map((m) => m.v)));
  const meaning = { NaN: 'NaN (not a number)', '+∞': '+∞', '−∞': '−∞' };
  return [...lines, ...marks.map((m) => ({ label: meaning[m], marker: m }))];
}

/** Draws a line swatch or a marker glyph at (x, y) = its left centre. */
function drawKeyGlyph(ctx: CanvasRenderingContext2D, x: number, y: number, scale: number, e: ReturnType<typeof chartKeyEntries>[number], color: string): void {
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

function renderChartKey(view: ChartView): void {
  clear(view.key);
  const fg = cssVar('--vscode-foreground', '#888');
  for (const e of chartKeyEntries(view)) {
    const sw = h('canvas', { class: 'swatch', width: 28, height: 12, 'aria-hidden': 'true', 'data-color': e.line?.stroke });
    const ctx = sw.getContext('2d');
    if (ctx) drawKeyGlyph(ctx, 0, 6, 1, e, fg);
    view.key.append(h('span', { class: 'legend-item', role: 'listitem', 'data-marker': e.marker ?? '' }, sw, e.label));
  }
}

function describe(view: ChartView): string {
  const parts = view.prepared.map((p, i) => {
    const fin = p.raw.filter(Number.isFinite);
    const last = p.raw.length ? exactValue(p.raw[p.raw.length - 1]) : 'no data';
    return `${view.lines[i].label}: last ${last}${fin.length ? `, min ${exactValue(Math.min(...fin))}, max ${exactValue(Math.max(...fin))}` : ''}`;
  });
  return `Chart of ${view.keys.join(', ')}. ${parts.join('; ')}. Arrow keys pan, plus and minus zoom, Escape resets.`;
}

function updateReadout(view: ChartView, u: uPlot): void {
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

// ---------------------------------------------------------------- zoom and pan

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

function onZoom(view: ChartView, u: uPlot): void {
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

function resetZoom(view: ChartView): void {
  view.zoomed = false;
  let had = false;
  for (const k of view.keys) had = st.zoom.delete(k) || had;
  view.lines = linesFor(view.keys);
  if (had) buildChart(view);
  else if (view.u && view.fullX) view.u.setScale('x', { min: view.fullX[0], max: view.fullX[1] });
}

function zoomBy(view: ChartView, factor: number, shift = 0): void {
  const u = view.u;
  if (!u) return;
  const { min, max } = u.scales.x;
  if (min === undefined || max === undefined) return;
  const span = max - min;
  const mid = (min + max) / 2 + shift * span;
  const half = (span * factor) / 2;
  u.setScale('x', { min: mid - half, max: mid + half });
}

function startPan(view: ChartView, u: uPlot, e: MouseEvent): void {
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

function onKey(view: ChartView, e: KeyboardEvent): void {
  const actions: Record<string, () => void> = {
    ArrowLeft: () => zoomBy(view, 1, -0.1),
    ArrowRight: () => zoomBy(view, 1, 0.1),
    '+': () => zoomBy(view, 0.5),
    '=': () => zoomBy(view, 0.5),
    '-': () => zoomBy(view, 2),
    Escape: () => resetZoom(view),
    '0': () => resetZoom(view),
    Home: () => resetZoom(view),
  };
  const a = actions[e.key];
  if (a && e.target === view.fig) {
    e.preventDefault();
    a();
  }
}

// ---------------------------------------------------------------- table, export

function fillTable(view: ChartView): void {
  const body = view.table.querySelector('.table-body') as HTMLElement;
  clear(body);
  const rows: HTMLElement[] = [];
  view.prepared.forEach((p, i) => {
    for (let j = 0; j < p.x.length && rows.length < TABLE_ROWS; j++) {
      rows.push(h('tr', {}, h('td', {}, view.lines[i].label), h('td', {}, p.steps[j]), h('td', {}, new Date(p.ts[j]).toISOString()), h('td', {}, exactValue(p.raw[j]))));
    }
  });
  const n = view.prepared.reduce((s, p) => s + p.x.length, 0);
  append(
    body,
    h(
      'table',
      { class: 'grid-table' },
      h('caption', {}, `${view.keys.join(', ')}: ${Math.min(n, TABLE_ROWS)} of ${n} plotted points${n > TABLE_ROWS ? ' (export CSV for all)' : ''}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, view.keys.length > 1 ? 'Metric' : 'Run'), h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Time (UTC)'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', {}, ...rows),
    ),
  );
}

async function exportPng(view: ChartView): Promise<void> {
  const u = view.u;
  if (!u) return;
  const src = u.ctx.canvas;
  const pad = 12 * (window.devicePixelRatio || 1);
  const lineH = 18 * (window.devicePixelRatio || 1);
  const out = document.createElement('canvas');
  out.width = src.width + 2 * pad;
  const extra = chartKeyEntries(view).filter((e) => e.marker);
  out.height = src.height + 2 * pad + lineH * (1 + view.lines.length + extra.length);
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = cssVar('--vscode-editor-background', '#fff');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = cssVar('--vscode-foreground', '#000');
  ctx.font = `bold ${Math.round(lineH * 0.75)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  ctx.fillText(view.keys.join(', '), pad, pad + lineH * 0.75);
  ctx.drawImage(src, pad, pad + lineH);
  ctx.font = `${Math.round(lineH * 0.7)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  view.lines.forEach((l, i) => {
    const y = pad + lineH + src.height + lineH * (i + 0.8);
    const c = runColor(l.colorIndex);
    ctx.strokeStyle = c.stroke;
    ctx.lineWidth = 2;
    ctx.setLineDash(c.dash);
    ctx.beginPath();
    ctx.moveTo(pad, y - lineH * 0.25);
    ctx.lineTo(pad + 28, y - lineH * 0.25);
    ctx.stroke();
    ctx.fillStyle = cssVar('--vscode-foreground', '#000');
    ctx.fillText(l.label, pad + 36, y);
  });
  const scale = window.devicePixelRatio || 1;
  extra.forEach((e, i) => {
    const y = pad + lineH + src.height + lineH * (view.lines.length + i + 0.8);
    drawKeyGlyph(ctx, pad, y - lineH * 0.25, scale, e, cssVar('--vscode-foreground', '#000'));
    ctx.fillText(e.label, pad + 36, y);
  });
  const blob = await new Promise<Blob | null>((r) => out.toBlob(r, 'image/png'));
  if (!blob) return;
  post({ type: 'exportPng', name: view.keys.join('_'), data: new Uint8Array(await blob.arrayBuffer()) });
}

// ---------------------------------------------------------------- render

function makeView(keys: string[]): ChartView {
  const id = `chart-${keys.join('|')}`;
  const caption = h('figcaption', {});
  const plotEl = h('div', { class: 'plot' });
  const readout = h('div', { class: 'readout', 'aria-live': 'off' });
  const key = h('div', { class: 'chart-key', role: 'list', 'aria-label': 'Chart legend' });
  const table = h('details', { class: 'data' }, h('summary', {}, 'Data table'), h('div', { class: 'table-body' }));
  const fig = h('figure', { class: 'chart', tabindex: 0, role: 'group' });
  const view: ChartView = { id, keys, fig, plotEl, readout, key, caption, table, lines: [], prepared: [], zoomed: false, requestId: 0, xAxisUsed: 'step' };
  table.addEventListener('toggle', () => table.open && fillTable(view));
  const tools = h(
    'div',
    { class: 'chart-tools' },
    button(`Reset the zoom of ${keys.join(', ')}`, 'Reset', () => resetZoom(view)),
    button(`Save ${keys.join(', ')} as a PNG image`, 'PNG', () => void exportPng(view)),
    button(`Export the full history of ${keys.join(', ')} as CSV`, 'CSV', () => post({ type: 'exportCsv', keys })),
  );
  append(fig, h('div', { class: 'chart-head' }, caption, tools), plotEl, key, readout, table);
  fig.addEventListener('keydown', (e) => onKey(view, e));
  return view;
}

function render(): void {
  const t0 = performance.now();
  renderToolbar();
  renderLegend();
  renderParams();
  for (const c of st.charts) c.u?.destroy();
  st.charts = [];
  clear(chartsEl);
  const overlay = st.options.layout === 'overlay' && st.runs.length === 1;
  chartsEl.className = overlay ? 'charts overlay' : 'charts';
  const groups = overlay ? (st.selected.length ? [st.selected] : []) : st.selected.map((k) => [k]);
  for (const keys of groups) {
    const view = makeView(keys);
    chartsEl.append(view.fig);
    st.charts.push(view);
    view.lines = linesFor(keys);
    if (view.lines.length) buildChart(view);
    else view.caption.textContent = `${keys.join(', ')} · loading…`;
  }
  if (!groups.length) chartsEl.append(h('p', { class: 'muted' }, 'No metric selected. Choose metrics in the Metrics list above.'));
  reportDraw(t0);
}

function reportDraw(t0: number): void {
  if (st.drawReported) return;
  const waiting = st.selected.some((k) => !st.base.has(k) && st.keys.includes(k));
  if (waiting || !st.charts.length) return;
  st.drawReported = true;
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    const points = st.charts.reduce((n, c) => n + c.lines.reduce((m, l) => m + l.data.steps.length, 0), 0);
    app.dataset.drawMs = ms.toFixed(1);
    post({ type: 'drawn', ms, points, charts: st.charts.length });
  });
}

function rebuild(keys: string[]): void {
  const t0 = performance.now();
  for (const v of st.charts) {
    if (!v.keys.some((k) => keys.includes(k))) continue;
    v.lines = linesFor(v.keys);
    if (!v.lines.length) continue;
    const prev = v.u && v.zoomed ? { min: v.u.scales.x.min, max: v.u.scales.x.max } : undefined;
    buildChart(v);
    if (prev && prev.min !== undefined && prev.max !== undefined) {
      v.zoomed = true;
      v.u?.setScale('x', { min: prev.min, max: prev.max });
    }
  }
  reportDraw(t0);
}

function appendSeries(a: SeriesPayload, b: SeriesPayload): SeriesPayload {
  const cat = (x: Float64Array, y: Float64Array) => {
    const r = new Float64Array(x.length + y.length);
    r.set(x);
    r.set(y, x.length);
    return r;
  };
  return { ...a, steps: cat(a.steps, b.steps), values: cat(a.values, b.values), timestamps: cat(a.timestamps, b.timestamps), total: a.total + b.total };
}

function handle(msg: HostToWebview): void {
  switch (msg.type) {
    case 'plotInit': {
      st.connKey = msg.connKey;
      st.title = msg.title;
      st.runs = msg.runs;
      st.keys = msg.keys;
      st.selected = msg.selected;
      st.params = msg.params;
      st.options = msg.options;
      st.live = msg.live;
      st.base.clear();
      st.zoom.clear();
      st.drawReported = false;
      document.title = msg.title;
      app.setAttribute('aria-busy', 'false');
      persist();
      layout();
      render();
      return;
    }
    case 'series': {
      const map = new Map(msg.series.map((s) => [s.runId, s]));
      if (msg.requestId !== undefined) {
        const view = st.charts.find((c) => c.keys.includes(msg.key));
        if (!view || view.requestId !== msg.requestId || !view.zoomed) return;
        st.zoom.set(msg.key, map);
        rebuild([msg.key]);
        return;
      }
      st.base.set(msg.key, map);
      rebuild([msg.key]);
      if (!st.charts.some((c) => c.keys.includes(msg.key)) && st.selected.includes(msg.key)) render();
      return;
    }
    case 'append': {
      const map = st.base.get(msg.key) ?? new Map<string, SeriesPayload>();
      for (const s of msg.series) map.set(s.runId, map.has(s.runId) ? appendSeries(map.get(s.runId)!, s) : s);
      st.base.set(msg.key, map);
      const z = st.zoom.get(msg.key);
      if (z) for (const s of msg.series) if (z.has(s.runId)) z.set(s.runId, appendSeries(z.get(s.runId)!, s));
      rebuild([msg.key]);
      return;
    }
    case 'runStatus': {
      for (const u of msg.runs) {
        const r = runById(u.runId);
        if (r) {
          r.status = u.status;
          r.endTime = u.endTime;
        }
      }
      st.live = msg.live;
      renderLegend();
      renderToolbar();
      return;
    }
    case 'select': {
      const add = msg.keys.filter((k) => !st.selected.includes(k));
      if (!add.length) return;
      st.selected = [...st.selected, ...add];
      const missing = add.filter((k) => !st.base.has(k));
      if (missing.length) post({ type: 'requestSeries', keys: missing, width: sampleWidth() });
      optionsChanged();
      return;
    }
    case 'notice':
      notice.textContent = msg.message;
      notice.className = `notice ${msg.level}`;
      return;
    case 'runDetails':
    case 'artifacts':
      return;
  }
}

function layout(): void {
  clear(app);
  append(app, h('h1', { class: 'title' }, st.title), toolbar, legend, notice, chartsEl, paramsEl);
}

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => st.charts.forEach((c) => c.u?.setSize({ width: chartWidth(), height: CHART_HEIGHT })), 150);
});
onThemeChange(() => {
  if (st.runs.length) render();
});

onMessage(handle);
const saved = getState();
if (saved && saved.view === 'plots' && saved.options) st.options = saved.options;
post({ type: 'ready', width: sampleWidth() });

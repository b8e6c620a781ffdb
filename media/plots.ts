// Metric plots webview: uPlot charts (one per metric, a curve per run; or one overlay chart of a
// run's metrics), drawn from the downsampled Float64Array series the host posts. Zoom asks the
// host for a refined slice; NaN/±inf are gaps with markers; everything is keyboard operable and
// every chart has a data-table alternative.
// The parts live in media/plots/; this entry wires the host's messages to them.
import type { PlotsToWebview, SeriesPayload } from '../src/plots/protocol';
import { unhandled } from '../src/webviews/messages';
import { append, clear, h, onThemeChange } from './lib/dom';
import { buildChart } from './plots/chart';
import { linesFor } from './plots/chartData';
import { legend, paramsEl, renderLegend, renderParams, renderToolbar, toolbar } from './plots/controls';
import { app, CHART_HEIGHT, chartWidth, host, persist, post, runById, sampleWidth, st } from './plots/state';
import { makeView } from './plots/view';

const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const chartsEl = h('div', { class: 'charts' });

function optionsChanged(): void {
  persist();
  post({ type: 'setOptions', options: st.options, selected: st.selected });
  render();
}

function render(): void {
  const t0 = performance.now();
  renderToolbar(optionsChanged);
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

function onPlotInit(msg: Extract<PlotsToWebview, { type: 'plotInit' }>): void {
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
}

function onSeries(msg: Extract<PlotsToWebview, { type: 'series' }>): void {
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
}

function onAppend(msg: Extract<PlotsToWebview, { type: 'append' }>): void {
  const map = st.base.get(msg.key) ?? new Map<string, SeriesPayload>();
  for (const s of msg.series) map.set(s.runId, map.has(s.runId) ? appendSeries(map.get(s.runId)!, s) : s);
  st.base.set(msg.key, map);
  const z = st.zoom.get(msg.key);
  if (z) for (const s of msg.series) if (z.has(s.runId)) z.set(s.runId, appendSeries(z.get(s.runId)!, s));
  rebuild([msg.key]);
}

function onRunStatus(msg: Extract<PlotsToWebview, { type: 'runStatus' }>): void {
  for (const u of msg.runs) {
    const r = runById(u.runId);
    if (r) {
      r.status = u.status;
      r.endTime = u.endTime;
    }
  }
  st.live = msg.live;
  renderLegend();
  renderToolbar(optionsChanged);
}

function onSelect(msg: Extract<PlotsToWebview, { type: 'select' }>): void {
  const add = msg.keys.filter((k) => !st.selected.includes(k));
  if (!add.length) return;
  st.selected = [...st.selected, ...add];
  const missing = add.filter((k) => !st.base.has(k));
  if (missing.length) post({ type: 'requestSeries', keys: missing, width: sampleWidth() });
  optionsChanged();
}

function handle(msg: PlotsToWebview): void {
  switch (msg.type) {
    case 'plotInit':
      return onPlotInit(msg);
    case 'series':
      return onSeries(msg);
    case 'append':
      return onAppend(msg);
    case 'runStatus':
      return onRunStatus(msg);
    case 'select':
      return onSelect(msg);
    case 'notice':
      notice.textContent = msg.message;
      notice.className = `notice ${msg.level}`;
      return;
    default:
      unhandled(msg);
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

host.onMessage(handle);

const saved = host.getState();
if (saved && saved.view === 'plots' && saved.options) st.options = saved.options;
post({ type: 'ready', width: sampleWidth() });

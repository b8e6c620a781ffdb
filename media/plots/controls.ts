// Above and below the charts: the toolbar (metric chooser and plot options), the run legend, and
// the compare table of parameters.
import type { PlotOptions } from '../../src/plots/protocol';
import { append, button, clear, h } from '../lib/dom';
import { resetZoom } from './chart';
import { persist, post, runColor, sampleWidth, st } from './state';

export const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Chart options' });
export const legend = h('div', { class: 'legend', role: 'list', 'aria-label': 'Runs' });
export const paramsEl = h('section', { class: 'params', 'aria-label': 'Parameters' });

/** The "Metrics (n of m)" drop-down: a filter box and one checkbox per metric. */
function metricChooser(changed: () => void): HTMLElement {
  const chooser = h('details', { class: 'chooser' });
  const filter = h('input', { type: 'search', placeholder: 'Filter metrics', 'aria-label': 'Filter metrics' });
  const list = h('div', { class: 'chooser-list', role: 'group', 'aria-label': 'Metrics to show' });
  const summary = h('summary', {}, `Metrics (${st.selected.length} of ${st.keys.length})`);
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
        changed();
      });
      list.append(h('label', { class: 'check' }, cb, ' ', k));
    }
  };
  filter.addEventListener('input', fill);
  append(chooser, summary, h('div', { class: 'chooser-panel' }, filter, list));
  fill();
  return chooser;
}

/** A checkbox bound to one boolean plot option. */
function optionCheck(id: string, label: string, key: 'logY' | 'hideOutliers', changed: () => void): HTMLElement {
  const cb = h('input', { type: 'checkbox', checked: st.options[key], id });
  cb.addEventListener('change', () => {
    st.options = { ...st.options, [key]: cb.checked };
    changed();
  });
  return h('label', { class: 'check', for: id }, cb, label);
}

function smoothingSlider(changed: () => void): HTMLElement {
  const smooth = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, id: 'opt-smooth', 'aria-label': 'Smoothing (exponential moving average weight)' });
  smooth.value = String(st.options.smoothing);
  const smoothVal = h('output', { for: 'opt-smooth', class: 'val' }, st.options.smoothing.toFixed(2));
  let smoothTimer: number | undefined;
  smooth.addEventListener('input', () => {
    smoothVal.textContent = Number(smooth.value).toFixed(2);
    clearTimeout(smoothTimer);
    smoothTimer = window.setTimeout(() => {
      st.options = { ...st.options, smoothing: Number(smooth.value) };
      changed();
    }, 120);
  });
  return h('label', { class: 'field', for: 'opt-smooth' }, 'Smoothing ', smooth, ' ', smoothVal);
}

/** A drop-down bound to the x axis or the layout option. */
function optionSelect<K extends 'xAxis' | 'layout'>(label: string, key: K, choices: [PlotOptions[K], string][], changed: () => void): HTMLElement {
  const sel = h('select', { 'aria-label': label }, ...choices.map(([value, text]) => h('option', { value }, text)));
  sel.value = st.options[key];
  sel.addEventListener('change', () => {
    st.options = { ...st.options, [key]: sel.value as PlotOptions[K] };
    if (key === 'xAxis') st.zoom.clear();
    changed();
  });
  return h('label', { class: 'field' }, `${label} `, sel);
}

/** The toolbar; `changed` runs after the user changed an option or the metric selection. */
export function renderToolbar(changed: () => void): void {
  clear(toolbar);
  append(
    toolbar,
    metricChooser(changed),
    optionSelect('X axis', 'xAxis', [['step', 'Step'], ['wall', 'Wall time'], ['relative', 'Relative time']], changed),
    optionCheck('opt-log', ' Log scale', 'logY', changed),
    smoothingSlider(changed),
    optionCheck('opt-outliers', ' Hide outliers', 'hideOutliers', changed),
    st.runs.length === 1 ? optionSelect('Layout', 'layout', [['grid', 'Small multiples'], ['overlay', 'Overlay']], changed) : undefined,
    button('Reset zoom of every chart (Escape or double-click on a chart)', 'Reset zoom', () => st.charts.forEach(resetZoom)),
    button('Export the full-resolution history of the shown metrics as CSV', 'Export CSV', () => post({ type: 'exportCsv', keys: st.selected })),
    st.live ? h('span', { class: 'badge live', title: 'A run is still running: new points appear as they are logged' }, '● Live') : undefined,
  );
}

export function renderLegend(): void {
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

export function renderParams(): void {
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

// A chart's figure: caption, tools (reset, PNG, CSV), plot, key, readout and data table, and its
// keyboard: arrows pan, plus and minus zoom, Escape / 0 / Home reset.
import { append, button, h } from '../lib/dom';
import { resetZoom } from './chart';
import { fillTable } from './dataTable';
import { exportPng } from './exportPng';
import { type ChartView, post } from './state';
import { zoomBy } from './zoom';

export function makeView(keys: string[]): ChartView {
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

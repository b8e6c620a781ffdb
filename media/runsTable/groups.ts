// Group by a parameter, tag, status or user: a summary table above the grid with each value's run
// count and the chosen metric's mean / min / max (NaN and ±∞ counted apart, never dropped).
import { groupBy } from '../../src/runsTable/model';
import { formatMetricValue } from '../../src/core/format';
import { clear, h } from '../lib/dom';
import type { Table } from './table';

export interface Groups {
  el: HTMLElement;
  bySelect: HTMLSelectElement;
  metricSelect: HTMLSelectElement;
  /** The options follow the columns (after new rows). */
  renderControls(): void;
  render(): void;
}

export function installGroups(t: Table): Groups {
  const { st } = t;
  const el = h('div', { class: 'groups' });
  const bySelect = h('select', { 'aria-label': 'Group by' });
  const metricSelect = h('select', { 'aria-label': 'Metric summarised per group' });

  const renderControls = (): void => {
    const byOptions = st.columns.filter((c) => c.group === 'Parameters' || c.group === 'Tags' || c.id === 'a:status' || c.id === 'a:user');
    const metrics = st.columns.filter((c) => c.group === 'Metrics');
    clear(bySelect);
    bySelect.append(h('option', { value: '' }, 'Group by: none'), ...byOptions.map((c) => h('option', { value: c.id, selected: c.id === st.groupBy }, `Group by ${c.group === 'Attributes' ? '' : c.group.toLowerCase().replace(/s$/, '') + ' '}${c.label}`)));
    clear(metricSelect);
    metricSelect.append(...metrics.map((c) => h('option', { value: c.key, selected: c.key === st.groupMetric }, c.key)));
    metricSelect.hidden = !st.groupBy;
    if (!st.groupMetric && metrics.length) st.groupMetric = metrics[0].key;
  };

  const render = (): void => {
    clear(el);
    const by = st.columns.find((c) => c.id === st.groupBy);
    if (!by) return;
    const groups = groupBy(st.shown.map((s) => s.row), by, st.groupMetric || undefined);
    const fmt = (v?: number) => (v === undefined ? '—' : formatMetricValue(v));
    el.append(
      h(
        'table',
        { class: 'grid-table' },
        h('caption', { class: 'muted' }, `${groups.length} groups by ${by.label}${st.groupMetric ? ` · ${st.groupMetric}` : ''}`),
        h('thead', {}, h('tr', {}, ...[by.label, 'Runs', 'Mean', 'Min', 'Max', 'Non-finite'].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, ...groups.slice(0, 50).map((g) => h('tr', {}, h('th', { scope: 'row' }, g.value), h('td', {}, g.count), h('td', {}, fmt(g.mean)), h('td', {}, fmt(g.min)), h('td', {}, fmt(g.max)), h('td', {}, g.nonFinite || '')))),
      ),
    );
  };

  bySelect.addEventListener('change', () => {
    st.groupBy = bySelect.value;
    metricSelect.hidden = !st.groupBy;
    render();
  });
  metricSelect.addEventListener('change', () => {
    st.groupMetric = metricSelect.value;
    render();
  });
  return { el, bySelect, metricSelect, renderControls, render };
}

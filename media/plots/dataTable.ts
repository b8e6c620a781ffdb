// Each chart's data-table alternative: the plotted points as rows (the first 500).
import { exactValue } from '../../src/plots/plotMath';
import { append, clear, h } from '../lib/dom';
import { type ChartView, TABLE_ROWS } from './state';

export function fillTable(view: ChartView): void {
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

// Webview script of the read-only CSV/TSV table (src/artifacts/tableEditor.ts). Data arrives by
// postMessage after 'ready'; click a column header to sort (again: descending, third: original).
import { columnIsNumeric, sortRows } from '../src/artifacts/csv';
import type { TableData, TableFromWebview, TableState, TableToWebview } from '../src/artifacts/tableProtocol';
import { unhandled } from '../src/webviews/messages';
import { h } from './lib/dom';
import { connectHost } from './lib/host';

const host = connectHost<TableFromWebview, TableToWebview, TableState>();
const root = document.getElementById('root')!;
let data: TableData | undefined;
let state: TableState = host.getState() ?? {};


function render(): void {
  if (!data) return;
  const d = data;
  root.className = '';
  root.replaceChildren();
  const bar = h('div', { class: 'bar' });
  bar.append(h('span', { class: 'name' }, d.name), h('span', { class: 'count' }, `${d.rows.length.toLocaleString('en-US')} rows × ${d.header.length} columns`));
  if (d.note) bar.append(h('span', { class: 'note' }, d.note));
  root.append(bar);
  const wrap = h('div', { class: 'wrap' });
  const table = h('table');
  const thead = h('thead');
  const hr = h('tr');
  hr.append(h('th', { class: 'rownum' }, '#'));
  d.header.forEach((name, i) => {
    const th = h('th');
    th.tabIndex = 0;
    th.title = `Sort by ${name}`;
    if (columnIsNumeric(d.rows, i)) th.classList.add('num');
    const sorted = state.sortCol === i;
    th.setAttribute('aria-sort', sorted ? (state.descending ? 'descending' : 'ascending') : 'none');
    th.append(h('span', { class: 'label' }, name), h('span', { class: 'arrow' }, sorted ? (state.descending ? ' ▼' : ' ▲') : ''));
    const go = () => sortBy(i);
    th.addEventListener('click', go);
    th.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), go()));
    hr.append(th);
  });
  thead.append(hr);
  const numeric = d.header.map((_, i) => columnIsNumeric(d.rows, i));
  const order = state.sortCol === undefined ? d.rows.map((_, i) => i) : sortRows(d.rows, state.sortCol, !!state.descending);
  const tbody = h('tbody');
  const frag = document.createDocumentFragment();
  for (const i of order) {
    const tr = h('tr');
    tr.append(h('td', { class: 'rownum' }, String(i + 1)));
    d.rows[i].forEach((cell, c) => tr.append(h('td', { class: numeric[c] ? 'num' : undefined }, cell)));
    frag.append(tr);
  }
  tbody.append(frag);
  table.append(thead, tbody);
  wrap.append(table);
  root.append(wrap);
}

function sortBy(col: number): void {
  if (state.sortCol !== col) state = { sortCol: col, descending: false };
  else if (!state.descending) state = { sortCol: col, descending: true };
  else state = {};
  host.setState(state);
  render();
}

host.onMessage((m) => {
  switch (m.type) {
    case 'table':
      data = m.data;
      render();
      return;
    case 'error':
      root.className = 'error';
      root.textContent = m.message;
      return;
    default:
      unhandled(m);
  }
});
host.post({ type: 'ready' });

// Webview script of the read-only CSV/TSV table (src/artifacts/tableEditor.ts). Data arrives by
// postMessage after 'ready'; click a column header to sort (again: descending, third: original).
import { columnIsNumeric, sortRows } from '../src/artifacts/csv';
import type { TableData, TableFromWebview, TableToWebview } from '../src/artifacts/artifactProtocol';

interface VsCodeApi<S> {
  postMessage(m: TableFromWebview): void;
  getState(): S | undefined;
  setState(s: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

interface State {
  sortCol?: number;
  descending?: boolean;
}

const vscode = acquireVsCodeApi<State>();
const root = document.getElementById('root')!;
let data: TableData | undefined;
let state: State = vscode.getState() ?? {};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(): void {
  if (!data) return;
  const d = data;
  root.className = '';
  root.replaceChildren();
  const bar = el('div', 'bar');
  bar.append(el('span', 'name', d.name), el('span', 'count', `${d.rows.length.toLocaleString('en-US')} rows × ${d.header.length} columns`));
  if (d.note) bar.append(el('span', 'note', d.note));
  root.append(bar);
  const wrap = el('div', 'wrap');
  const table = el('table');
  const thead = el('thead');
  const hr = el('tr');
  hr.append(el('th', 'rownum', '#'));
  d.header.forEach((h, i) => {
    const th = el('th');
    th.tabIndex = 0;
    th.title = `Sort by ${h}`;
    if (columnIsNumeric(d.rows, i)) th.classList.add('num');
    const sorted = state.sortCol === i;
    th.setAttribute('aria-sort', sorted ? (state.descending ? 'descending' : 'ascending') : 'none');
    th.append(el('span', 'label', h), el('span', 'arrow', sorted ? (state.descending ? ' ▼' : ' ▲') : ''));
    const go = () => sortBy(i);
    th.addEventListener('click', go);
    th.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), go()));
    hr.append(th);
  });
  thead.append(hr);
  const numeric = d.header.map((_, i) => columnIsNumeric(d.rows, i));
  const order = state.sortCol === undefined ? d.rows.map((_, i) => i) : sortRows(d.rows, state.sortCol, !!state.descending);
  const tbody = el('tbody');
  const frag = document.createDocumentFragment();
  for (const i of order) {
    const tr = el('tr');
    tr.append(el('td', 'rownum', String(i + 1)));
    d.rows[i].forEach((cell, c) => tr.append(el('td', numeric[c] ? 'num' : undefined, cell)));
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
  vscode.setState(state);
  render();
}

window.addEventListener('message', (e: MessageEvent<TableToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'table':
      data = m.data;
      render();
      break;
    case 'error':
      root.className = 'error';
      root.textContent = m.message;
      break;
  }
});
vscode.postMessage({ type: 'ready' });

// Runs table webview: a hand-written virtualised grid (the DOM holds only the rows in view plus a
// margin) over every run of the experiment set, with nested runs, grouped columns, a column chooser,
// "only columns that differ", multi-column sort (MLflow's order for NaN and missing values), the
// MLflow filter (validated here and again by the host), selection actions and the sweep charts tab.
import type { HostToTable, RunsPage, SortKey, TableState, TableToHost } from '../src/runsTable/protocol';
import { arrange, columnsOf, formatCell, groupBy, sameEverywhere, sortRows, storeOrderBy, toCsv, type Column, type ShownRow, type TableRow, decodePage } from '../src/runsTable/model';
import { validateRunFilter } from '../src/tracking/search/runFilter';
import { runStyle } from '../src/plots/plotMath';
import { formatMetricValue } from '../src/core/format';
import { createCharts } from './runsTable/charts';
import { append, button, clear, h } from './lib/dom';
import { connectHost } from './lib/host';

const host = connectHost<TableToHost, HostToTable, TableState>();

const ROW_H = 24;
/** Rows drawn above and below the visible ones. */
const MARGIN = 10;
const PINNED = ['a:status', 'a:name'];

const st = {
  connKey: '',
  experimentIds: [] as string[],
  title: '',
  filter: '',
  recent: [] as string[],
  rows: [] as TableRow[],
  /** A refresh being read (the old rows stay on screen until it is complete). */
  pending: undefined as TableRow[] | undefined,
  complete: false,
  columns: [] as Column[],
  hidden: new Set<string>(),
  onlyDiffer: false,
  same: new Set<string>(),
  sort: [] as SortKey[],
  /** The sort the store was asked for (when not every run was loaded). */
  storeSort: '',
  expanded: new Set<string>(),
  expandAll: false,
  shown: [] as ShownRow[],
  /** Selected run ids, in the order they were selected (their colours in Compare). */
  selected: [] as string[],
  anchor: -1,
  active: 0,
  activeCol: 1,
  widths: new Map<string, number>(),
  tab: 'table' as 'table' | 'charts',
  groupBy: '',
  groupMetric: '',
  firstDrawn: false,
};

// ------------------------------------------------------------------ layout

const app = document.getElementById('app') as HTMLElement;
const titleEl = h('h1', { class: 'title' });
const filterInput = h('input', { type: 'text', class: 'filter', placeholder: "Filter: metrics.val_loss < 0.5 and params.model = 'resnet'", 'aria-label': 'Filter runs (MLflow search syntax)', list: 'recent-filters', spellcheck: false });
const recentList = h('datalist', { id: 'recent-filters' });
const filterError = h('div', { class: 'filter-error', role: 'alert' });
const countEl = h('span', { class: 'count muted', role: 'status', 'aria-live': 'polite' });
const differBox = h('input', { type: 'checkbox', id: 'only-differ' });
const chooserBtn = button('Choose columns', 'Columns…', () => toggleChooser());
chooserBtn.setAttribute('aria-haspopup', 'dialog');
const chooser = h('div', { class: 'chooser', role: 'dialog', 'aria-label': 'Columns', hidden: true });
const expandBtn = button('Expand all nested runs', 'Expand all', () => {
  st.expandAll = !st.expandAll;
  if (!st.expandAll) st.expanded.clear();
  expandBtn.textContent = st.expandAll ? 'Collapse all' : 'Expand all';
  rebuild();
});
const groupSel = h('select', { 'aria-label': 'Group by' });
const groupMetricSel = h('select', { 'aria-label': 'Metric summarised per group' });
const groupEl = h('div', { class: 'groups' });
const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const selBar = h('div', { class: 'selbar', role: 'toolbar', 'aria-label': 'Selected runs' });
const tabs = h('div', { class: 'tabs', role: 'tablist' });
const tableTab = h('button', { type: 'button', role: 'tab', class: 'tab', id: 'tab-table', 'aria-controls': 'panel-table' }, 'Table');
const chartsTab = h('button', { type: 'button', role: 'tab', class: 'tab', id: 'tab-charts', 'aria-controls': 'panel-charts' }, 'Charts');
const grid = h('div', { class: 'grid', role: 'grid', tabindex: 0, 'aria-label': 'Runs', 'aria-multiselectable': 'true' });
const head = h('div', { class: 'head', role: 'rowgroup' });
const body = h('div', { class: 'body', role: 'rowgroup' });
const tablePanel = h('section', { id: 'panel-table', role: 'tabpanel', 'aria-labelledby': 'tab-table' }, groupEl, grid);
const chartsPanel = h('section', { id: 'panel-charts', role: 'tabpanel', 'aria-labelledby': 'tab-charts', hidden: true });
grid.append(head, body);

const charts = createCharts(chartsPanel, {
  selectRuns: (ids) => {
    st.selected = ids;
    renderSelection();
    redraw();
  },
});

// ------------------------------------------------------------------ columns

function visibleColumns(): Column[] {
  return st.columns.filter((c) => !st.hidden.has(c.id) && !(st.onlyDiffer && st.same.has(c.id)));
}

function width(c: Column): number {
  return st.widths.get(c.id) ?? (c.id === 'a:status' ? 34 : c.id === 'a:name' ? 200 : c.id === 'a:start' ? 165 : c.id === 'a:source' ? 160 : 110);
}

let cols: Column[] = [];
let offsets: number[] = [];
let totalWidth = 0;

function layoutColumns(): void {
  const pinned = PINNED.map((id) => st.columns.find((c) => c.id === id)).filter((c): c is Column => !!c && !st.hidden.has(c.id));
  cols = [...pinned, ...visibleColumns().filter((c) => !PINNED.includes(c.id))];
  offsets = [];
  let x = 0;
  for (const c of cols) {
    offsets.push(x);
    x += width(c);
  }
  totalWidth = x;
  st.activeCol = Math.min(st.activeCol, cols.length - 1);
  grid.setAttribute('aria-colcount', String(cols.length));
}

function statusIcon(s: string): { text: string; cls: string } {
  switch (s) {
    case 'RUNNING':
      return { text: '●', cls: 'running' };
    case 'FINISHED':
      return { text: '✓', cls: 'finished' };
    case 'FAILED':
      return { text: '✕', cls: 'failed' };
    case 'KILLED':
      return { text: '■', cls: 'killed' };
    default:
      return { text: '◷', cls: 'scheduled' };
  }
}

// ------------------------------------------------------------------ header

function renderHead(): void {
  clear(head);
  const groups = h('div', { class: 'hrow groups-row', role: 'row', 'aria-rowindex': 1 });
  const labels = h('div', { class: 'hrow', role: 'row', 'aria-rowindex': 2 });
  groups.style.width = labels.style.width = `${totalWidth}px`;
  let i = 0;
  while (i < cols.length) {
    let j = i;
    while (j < cols.length && cols[j].group === cols[i].group && PINNED.includes(cols[j].id) === PINNED.includes(cols[i].id)) j++;
    const w = offsets[j - 1] + width(cols[j - 1]) - offsets[i];
    const g = h('div', { class: `hcell group${PINNED.includes(cols[i].id) ? ' pinned' : ''}`, role: 'columnheader', 'aria-colspan': j - i, 'aria-colindex': i + 1 }, PINNED.includes(cols[i].id) ? '' : cols[i].group);
    g.style.width = `${w}px`;
    if (PINNED.includes(cols[i].id)) g.style.left = `${offsets[i]}px`;
    groups.append(g);
    i = j;
  }
  cols.forEach((c, k) => {
    const sortIdx = st.sort.findIndex((s) => s.column === c.id);
    const s = st.sort[sortIdx];
    const arrow = s ? (s.ascending ? ' ▲' : ' ▼') + (st.sort.length > 1 ? String(sortIdx + 1) : '') : '';
    const cell = h(
      'div',
      {
        class: `hcell${PINNED.includes(c.id) ? ' pinned' : ''}${c.group === 'Metrics' || c.numeric ? ' num' : ''}`,
        role: 'columnheader',
        'aria-colindex': k + 1,
        'aria-sort': s ? (s.ascending ? 'ascending' : 'descending') : 'none',
        title: `${c.group}: ${c.key} — click to sort, Shift+click to add to the sort`,
        'data-col': c.id,
        onclick: (e: Event) => sortBy(c.id, (e as MouseEvent).shiftKey),
      },
      c.id === 'a:status' ? h('span', { class: 'sr-only' }, 'Status') : h('span', { class: 'label' }, c.label),
      arrow ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow) : undefined,
      h('span', { class: 'resize', 'aria-hidden': 'true', onmousedown: (e: Event) => startResize(e as MouseEvent, c) }),
    );
    cell.style.width = `${width(c)}px`;
    if (PINNED.includes(c.id)) cell.style.left = `${offsets[k]}px`;
    labels.append(cell);
  });
  head.append(groups, labels);
}

function startResize(e: MouseEvent, c: Column): void {
  e.preventDefault();
  e.stopPropagation();
  const x0 = e.clientX;
  const w0 = width(c);
  const move = (m: MouseEvent) => {
    st.widths.set(c.id, Math.max(30, w0 + m.clientX - x0));
    layoutColumns();
    renderHead();
    redraw(true);
  };
  const up = () => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
}

// ------------------------------------------------------------------ body (virtualised)

/** Row elements in use, keyed by their index in st.shown. */
let drawn = new Map<number, HTMLElement>();
let frame = 0;

function redraw(all = false): void {
  if (all) {
    for (const el of drawn.values()) el.remove();
    drawn = new Map();
  }
  if (!frame) frame = requestAnimationFrame(drawRows);
}

function drawRows(): void {
  frame = 0;
  const n = st.shown.length;
  // only write what changed: each write would make the next read lay the page out again
  const height = `${n * ROW_H}px`;
  const width = `${totalWidth}px`;
  if (body.style.height !== height) body.style.height = height;
  if (body.style.width !== width) body.style.width = width;
  const top = Math.max(0, grid.scrollTop - head.offsetHeight);
  const first = Math.max(0, Math.floor(top / ROW_H) - MARGIN);
  const last = Math.min(n, Math.ceil((top + grid.clientHeight) / ROW_H) + MARGIN);
  const keep = new Map<number, HTMLElement>();
  const free: HTMLElement[] = [];
  for (const [i, el] of drawn) {
    if (i >= first && i < last && el.dataset.run === st.shown[i]?.row.id) keep.set(i, el);
    else free.push(el);
  }
  for (let i = first; i < last; i++) {
    let el = keep.get(i);
    if (!el) {
      el = free.pop() ?? h('div', { role: 'row', class: 'row' });
      fillRow(el, i);
      if (!el.parentNode) body.append(el);
      keep.set(i, el);
    }
  }
  for (const el of free) el.remove();
  drawn = keep;
}

function decorate(el: HTMLElement, i: number): void {
  const r = st.shown[i].row;
  const sel = st.selected.indexOf(r.id);
  el.classList.toggle('selected', sel >= 0);
  el.classList.toggle('active', i === st.active);
  el.setAttribute('aria-selected', String(sel >= 0));
  const active = i === st.active ? cols[st.activeCol] : undefined;
  for (const cell of el.children as HTMLCollectionOf<HTMLElement>) {
    const on = active !== undefined && cell.dataset.col === active.id;
    cell.classList.toggle('focus', on);
    if (on) cell.id = 'active-cell';
    else if (cell.id) cell.removeAttribute('id');
  }
  const sw = el.querySelector<HTMLElement>('.swatch');
  if (sw) {
    if (sel >= 0) sw.style.background = `var(${runStyle(sel).cssVar})`;
    sw.hidden = sel < 0;
  }
}

function fillRow(el: HTMLElement, i: number): void {
  const { row: r, depth, children } = st.shown[i];
  el.dataset.run = r.id;
  el.dataset.index = String(i);
  el.style.top = `${i * ROW_H}px`;
  el.style.width = `${totalWidth}px`;
  el.setAttribute('aria-rowindex', String(i + 3));
  el.setAttribute('aria-level', String(depth + 1));
  if (children) el.setAttribute('aria-expanded', String(st.expandAll || st.expanded.has(r.id)));
  else el.removeAttribute('aria-expanded');
  el.classList.toggle('deleted', r.deleted);
  clear(el);
  cols.forEach((c, k) => {
    const cell = document.createElement('div');
    cell.className = `cell${PINNED.includes(c.id) ? ' pinned' : ''}${c.group === 'Metrics' || c.numeric ? ' num' : ''}`;
    cell.setAttribute('role', k === 1 && c.id === 'a:name' ? 'rowheader' : 'gridcell');
    cell.setAttribute('aria-colindex', String(k + 1));
    cell.dataset.col = c.id;
    cell.style.width = `${width(c)}px`;
    if (PINNED.includes(c.id)) cell.style.left = `${offsets[k]}px`;
    if (c.id === 'a:status') {
      const s = statusIcon(r.status);
      cell.append(h('span', { class: `status-icon ${s.cls}`, title: r.status.toLowerCase() }, s.text), h('span', { class: 'sr-only' }, r.status.toLowerCase()));
    } else if (c.id === 'a:name') {
      cell.style.paddingLeft = `${4 + depth * 16}px`;
      if (children) {
        const open = st.expandAll || st.expanded.has(r.id);
        cell.append(h('span', { class: 'twisty', 'data-toggle': r.id, title: open ? 'Collapse' : `Show ${children} nested run${children === 1 ? '' : 's'}` }, open ? '▾' : '▸'));
      } else cell.append(h('span', { class: 'twisty' }));
      append(cell, h('span', { class: 'swatch', hidden: true }), h('span', { class: 'name' }, r.name), children ? h('span', { class: 'muted kids' }, ` (${children})`) : undefined, r.deleted ? h('span', { class: 'muted' }, ' (deleted)') : undefined);
      cell.title = `${r.name}\n${r.id}`;
    } else {
      const text = formatCell(r, c);
      cell.textContent = text;
      if (text.length > 12) cell.title = text;
      if (c.group === 'Metrics') {
        const v = r.metrics.get(c.key);
        if (v !== undefined && !Number.isFinite(v)) cell.classList.add('nonfinite');
      }
    }
    el.append(cell);
  });
  decorate(el, i);
}

grid.addEventListener('scroll', () => redraw());

body.addEventListener('click', (e) => {
  const t = e.target as HTMLElement;
  const rowEl = t.closest<HTMLElement>('.row');
  if (!rowEl) return;
  const i = Number(rowEl.dataset.index);
  const toggle = t.closest<HTMLElement>('[data-toggle]');
  if (toggle) {
    toggleExpanded(i);
    return;
  }
  const cell = t.closest<HTMLElement>('.cell');
  const col = cols.findIndex((c) => c.id === cell?.dataset.col);
  if (col >= 0) st.activeCol = col;
  clickSelect(i, e.shiftKey, e.ctrlKey || e.metaKey);
  grid.focus();
});

body.addEventListener('dblclick', (e) => {
  const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
  if (rowEl?.dataset.run) host.post({ type: 'openRun', runId: rowEl.dataset.run });
});

// ------------------------------------------------------------------ selection & keyboard

function clickSelect(i: number, range: boolean, toggle: boolean): void {
  const id = st.shown[i]?.row.id;
  if (!id) return;
  if (range && st.anchor >= 0) {
    const [a, b] = [Math.min(st.anchor, i), Math.max(st.anchor, i)];
    const ids = st.shown.slice(a, b + 1).map((s) => s.row.id);
    st.selected = [...st.selected.filter((x) => !ids.includes(x)), ...ids];
  } else if (toggle) {
    st.selected = st.selected.includes(id) ? st.selected.filter((x) => x !== id) : [...st.selected, id];
    st.anchor = i;
  } else {
    st.selected = [id];
    st.anchor = i;
  }
  st.active = i;
  renderSelection();
  redrawDecorations();
}

function redrawDecorations(): void {
  for (const [i, el] of drawn) decorate(el, i);
  grid.setAttribute('aria-activedescendant', 'active-cell');
}

function toggleExpanded(i: number, open?: boolean): void {
  const s = st.shown[i];
  if (!s?.children) return;
  const isOpen = st.expandAll || st.expanded.has(s.row.id);
  const want = open ?? !isOpen;
  if (want === isOpen) return;
  if (st.expandAll && !want) {
    st.expandAll = false;
    for (const x of st.shown) if (x.children) st.expanded.add(x.row.id);
    expandBtn.textContent = 'Expand all';
  }
  if (want) st.expanded.add(s.row.id);
  else st.expanded.delete(s.row.id);
  rebuild(false);
}

function moveActive(to: number, extend: boolean): void {
  const n = st.shown.length;
  if (!n) return;
  const i = Math.max(0, Math.min(n - 1, to));
  st.active = i;
  if (extend) clickSelect(i, true, false);
  const top = i * ROW_H;
  const viewTop = grid.scrollTop;
  const viewH = grid.clientHeight - head.offsetHeight;
  if (top < viewTop) grid.scrollTop = top;
  else if (top + ROW_H > viewTop + viewH) grid.scrollTop = top + ROW_H - viewH;
  redrawDecorations();
  redraw();
}

grid.addEventListener('keydown', (e) => {
  const page = Math.max(1, Math.floor((grid.clientHeight - head.offsetHeight) / ROW_H) - 1);
  const row = st.shown[st.active];
  switch (e.key) {
    case 'ArrowDown':
      moveActive(st.active + 1, e.shiftKey);
      break;
    case 'ArrowUp':
      moveActive(st.active - 1, e.shiftKey);
      break;
    case 'PageDown':
      moveActive(st.active + page, e.shiftKey);
      break;
    case 'PageUp':
      moveActive(st.active - page, e.shiftKey);
      break;
    case 'Home':
      moveActive(0, e.shiftKey);
      break;
    case 'End':
      moveActive(st.shown.length - 1, e.shiftKey);
      break;
    case 'ArrowRight':
      if (row?.children && cols[st.activeCol]?.id === 'a:name' && !(st.expandAll || st.expanded.has(row.row.id))) toggleExpanded(st.active, true);
      else {
        st.activeCol = Math.min(cols.length - 1, st.activeCol + 1);
        scrollColumnIntoView();
        redrawDecorations();
      }
      break;
    case 'ArrowLeft':
      if (row?.children && cols[st.activeCol]?.id === 'a:name' && (st.expandAll || st.expanded.has(row.row.id))) toggleExpanded(st.active, false);
      else {
        st.activeCol = Math.max(0, st.activeCol - 1);
        scrollColumnIntoView();
        redrawDecorations();
      }
      break;
    case ' ':
      if (row) clickSelect(st.active, e.shiftKey, true);
      break;
    case 'Enter':
      if (row) host.post({ type: 'openRun', runId: row.row.id });
      break;
    case 'a':
      if (!(e.ctrlKey || e.metaKey)) return;
      st.selected = st.shown.map((s) => s.row.id);
      renderSelection();
      redrawDecorations();
      break;
    case 'Escape':
      st.selected = [];
      renderSelection();
      redrawDecorations();
      break;
    default:
      return;
  }
  e.preventDefault();
});

function scrollColumnIntoView(): void {
  const k = st.activeCol;
  if (PINNED.includes(cols[k]?.id)) return;
  const pinnedW = cols.filter((c) => PINNED.includes(c.id)).reduce((s, c) => s + width(c), 0);
  const left = offsets[k];
  const right = left + width(cols[k]);
  if (left - pinnedW < grid.scrollLeft) grid.scrollLeft = left - pinnedW;
  else if (right > grid.scrollLeft + grid.clientWidth) grid.scrollLeft = right - grid.clientWidth;
}

function selectedRows(): TableRow[] {
  const byId = new Map(st.rows.map((r) => [r.id, r]));
  return st.selected.map((id) => byId.get(id)).filter((r): r is TableRow => !!r);
}

function renderSelection(): void {
  clear(selBar);
  const n = st.selected.length;
  const ids = () => selectedRows().map((r) => r.id);
  append(
    selBar,
    h('span', { class: 'muted' }, n ? `${n} selected` : 'Select runs (click, Shift/Ctrl+click, Space) to compare them'),
    button('Compare the selected runs (the same plot as the tree’s Compare)', 'Compare', () => host.post({ type: 'compare', runIds: ids() }), { disabled: n < 2 }),
    button('Plot the metrics of the selected runs', 'Plot Metrics', () => host.post({ type: 'plot', runIds: ids() }), { disabled: n < 1 }),
    button('Open the details of the selected run', 'Run Details', () => host.post({ type: 'openRun', runId: ids()[0] }), { disabled: n !== 1 }),
    button('Copy the IDs of the selected runs', 'Copy IDs', () => host.post({ type: 'copyIds', runIds: ids() }), { disabled: n < 1 }),
    button('Export the shown columns of the selected runs (or of every shown run) as CSV', 'Export CSV', exportCsv),
    n ? button('Clear the selection', 'Clear', () => {
      st.selected = [];
      renderSelection();
      redrawDecorations();
    }) : undefined,
  );
  charts.setSelection(st.selected);
}

function exportCsv(): void {
  const rows = st.selected.length ? selectedRows() : st.shown.map((s) => s.row);
  host.post({ type: 'exportCsv', csv: toCsv(rows, cols), rows: rows.length });
}

// ------------------------------------------------------------------ sort, differ, filter

function sortBy(column: string, add: boolean): void {
  const i = st.sort.findIndex((s) => s.column === column);
  const cur = st.sort[i];
  const next: SortKey | undefined = !cur ? { column, ascending: true } : cur.ascending ? { column, ascending: false } : undefined;
  if (add) {
    st.sort = i >= 0 ? st.sort.flatMap((s, k) => (k === i ? (next ? [next] : []) : [s])) : [...st.sort, next!];
  } else st.sort = next ? [next] : [];
  persist();
  askStoreIfNeeded();
  const t0 = performance.now();
  rebuild(false);
  host.post({ type: 'drawn', what: 'sort', ms: performance.now() - t0, rows: st.shown.length });
}

/** Not every run is here yet: the store sorts, so the first rows are the right ones. */
function askStoreIfNeeded(): void {
  if (st.complete) return;
  const orderBy = storeOrderBy(st.sort);
  if (!orderBy) return;
  const key = orderBy.join(',');
  if (key === st.storeSort) return;
  st.storeSort = key;
  host.post({ type: 'query', filter: st.filter, orderBy });
}

function setOnlyDiffer(on: boolean): void {
  const t0 = performance.now();
  st.onlyDiffer = on;
  differBox.checked = on;
  if (on) st.same = sameEverywhere(st.rows, st.columns);
  layoutColumns();
  renderHead();
  redraw(true);
  host.post({ type: 'drawn', what: 'differ', ms: performance.now() - t0, rows: cols.length });
  persist();
}

function applyFilter(): void {
  const f = filterInput.value.trim();
  const problem = f ? validateRunFilter(f) : undefined;
  filterError.textContent = problem ?? '';
  filterInput.setAttribute('aria-invalid', String(!!problem));
  if (problem) return;
  st.filter = f;
  st.storeSort = '';
  persist();
  host.post({ type: 'query', filter: f, orderBy: st.complete ? [] : storeOrderBy(st.sort) ?? [] });
}

filterInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') applyFilter();
  if (e.key === 'Escape') {
    filterInput.value = st.filter;
    filterError.textContent = '';
  }
});
filterInput.addEventListener('input', () => {
  const v = filterInput.value.trim();
  const problem = v ? validateRunFilter(v) : undefined;
  filterError.textContent = problem ? problem : '';
});
differBox.addEventListener('change', () => setOnlyDiffer(differBox.checked));

// ------------------------------------------------------------------ column chooser

function toggleChooser(show = chooser.hidden): void {
  chooser.hidden = !show;
  chooserBtn.setAttribute('aria-expanded', String(show));
  if (show) renderChooser();
}

function renderChooser(query = ''): void {
  clear(chooser);
  const search = h('input', { type: 'search', placeholder: 'Search columns', 'aria-label': 'Search columns', value: query });
  search.addEventListener('input', () => {
    renderChooser(search.value);
  });
  const list = h('div', { class: 'chooser-list' });
  const q = query.toLowerCase();
  for (const g of ['Attributes', 'Parameters', 'Metrics', 'Tags'] as const) {
    const inGroup = st.columns.filter((c) => c.group === g && (!q || c.label.toLowerCase().includes(q)));
    if (!inGroup.length) continue;
    const all = inGroup.every((c) => !st.hidden.has(c.id));
    list.append(
      h('div', { class: 'chooser-group' }, h('strong', {}, `${g} (${inGroup.length})`), button(`${all ? 'Hide' : 'Show'} every ${g.toLowerCase()} column`, all ? 'Hide all' : 'Show all', () => {
        for (const c of inGroup) (all ? st.hidden.add(c.id) : st.hidden.delete(c.id));
        columnsChanged();
        renderChooser(search.value);
      }, { class: 'btn small' })),
    );
    for (const c of inGroup) {
      const box = h('input', { type: 'checkbox', checked: !st.hidden.has(c.id) });
      box.addEventListener('change', () => {
        if (box.checked) st.hidden.delete(c.id);
        else st.hidden.add(c.id);
        columnsChanged();
      });
      list.append(h('label', { class: 'chooser-item' }, box, ' ', c.label, st.onlyDiffer && st.same.has(c.id) ? h('span', { class: 'muted' }, ' (same in every run)') : undefined));
    }
  }
  chooser.append(search, list, h('div', { class: 'chooser-foot' }, button('Close the column chooser', 'Done', () => toggleChooser(false))));
  if (document.activeElement === document.body || query) search.focus();
}

function columnsChanged(): void {
  layoutColumns();
  renderHead();
  redraw(true);
  persist();
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !chooser.hidden) toggleChooser(false);
});

// ------------------------------------------------------------------ groups

function renderGroupControls(): void {
  const byOptions = st.columns.filter((c) => c.group === 'Parameters' || c.group === 'Tags' || c.id === 'a:status' || c.id === 'a:user');
  const metrics = st.columns.filter((c) => c.group === 'Metrics');
  clear(groupSel);
  groupSel.append(h('option', { value: '' }, 'Group by: none'), ...byOptions.map((c) => h('option', { value: c.id, selected: c.id === st.groupBy }, `Group by ${c.group === 'Attributes' ? '' : c.group.toLowerCase().replace(/s$/, '') + ' '}${c.label}`)));
  clear(groupMetricSel);
  groupMetricSel.append(...metrics.map((c) => h('option', { value: c.key, selected: c.key === st.groupMetric }, c.key)));
  groupMetricSel.hidden = !st.groupBy;
  if (!st.groupMetric && metrics.length) st.groupMetric = metrics[0].key;
}

function renderGroups(): void {
  clear(groupEl);
  const by = st.columns.find((c) => c.id === st.groupBy);
  if (!by) return;
  const rows = st.shown.map((s) => s.row);
  const groups = groupBy(rows, by, st.groupMetric || undefined);
  const fmt = (v?: number) => (v === undefined ? '—' : formatMetricValue(v));
  groupEl.append(
    h(
      'table',
      { class: 'grid-table' },
      h('caption', { class: 'muted' }, `${groups.length} groups by ${by.label}${st.groupMetric ? ` · ${st.groupMetric}` : ''}`),
      h('thead', {}, h('tr', {}, ...[by.label, 'Runs', 'Mean', 'Min', 'Max', 'Non-finite'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...groups.slice(0, 50).map((g) => h('tr', {}, h('th', { scope: 'row' }, g.value), h('td', {}, g.count), h('td', {}, fmt(g.mean)), h('td', {}, fmt(g.min)), h('td', {}, fmt(g.max)), h('td', {}, g.nonFinite || '')))),
    ),
  );
}

groupSel.addEventListener('change', () => {
  st.groupBy = groupSel.value;
  groupMetricSel.hidden = !st.groupBy;
  renderGroups();
});
groupMetricSel.addEventListener('change', () => {
  st.groupMetric = groupMetricSel.value;
  renderGroups();
});

// ------------------------------------------------------------------ data

function rebuild(columnsToo = true): void {
  if (columnsToo) {
    st.columns = columnsOf(st.rows);
    if (st.onlyDiffer) st.same = sameEverywhere(st.rows, st.columns);
    layoutColumns();
    renderGroupControls();
  }
  const activeId = st.shown[st.active]?.row.id;
  st.shown = arrange(sortRows(st.rows, st.sort, st.columns), st.expanded, st.expandAll);
  if (activeId) {
    const i = st.shown.findIndex((s) => s.row.id === activeId);
    if (i >= 0) st.active = i;
  }
  st.active = Math.min(st.active, Math.max(0, st.shown.length - 1));
  grid.setAttribute('aria-rowcount', String(st.shown.length + 2));
  renderHead();
  redraw(true);
  renderCount();
  if (st.groupBy) renderGroups();
  if (st.tab === 'charts') charts.setData(st.rows, st.columns);
}

function renderCount(): void {
  const roots = st.shown.filter((s) => s.depth === 0).length;
  const nested = st.rows.length - roots;
  countEl.textContent = `${st.rows.length.toLocaleString()} run${st.rows.length === 1 ? '' : 's'}${nested > 0 ? ` (${nested.toLocaleString()} nested)` : ''}${st.complete ? '' : ' · loading…'}${st.filter ? ' · filtered' : ''}`;
}

function addPage(page: RunsPage, reset: boolean, refresh: boolean, complete: boolean, loadMs: number): void {
  const rows = decodePage(page);
  if (refresh) {
    st.pending = reset ? rows : [...(st.pending ?? []), ...rows];
    if (!complete) return;
    st.rows = st.pending;
    st.pending = undefined;
  } else if (reset) st.rows = rows;
  else {
    const have = new Set(st.rows.map((r) => r.id));
    st.rows = [...st.rows, ...rows.filter((r) => !have.has(r.id))];
  }
  st.complete = complete;
  const ids = new Set(st.rows.map((r) => r.id));
  st.selected = st.selected.filter((id) => ids.has(id));
  const t0 = performance.now();
  rebuild();
  renderSelection();
  if (!st.firstDrawn && st.rows.length) {
    st.firstDrawn = true;
    requestAnimationFrame(() => host.post({ type: 'drawn', what: 'firstRows', ms: loadMs + performance.now() - t0, rows: st.rows.length }));
  }
  if (complete) requestAnimationFrame(() => host.post({ type: 'drawn', what: 'allRows', ms: loadMs + performance.now() - t0, rows: st.rows.length }));
}

function persist(): void {
  const state: TableState = { view: 'runsTable', connKey: st.connKey, experimentIds: st.experimentIds, filter: st.filter || undefined, sort: st.sort, hidden: [...st.hidden], onlyDiffer: st.onlyDiffer, tab: st.tab };
  if (!state.filter) delete state.filter;
  host.setState(state);
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => host.post({ type: 'saveState', state }), 400);
}
let saveTimer = 0;

function showTab(tab: 'table' | 'charts'): void {
  st.tab = tab;
  tableTab.setAttribute('aria-selected', String(tab === 'table'));
  chartsTab.setAttribute('aria-selected', String(tab === 'charts'));
  tableTab.tabIndex = tab === 'table' ? 0 : -1;
  chartsTab.tabIndex = tab === 'charts' ? 0 : -1;
  tablePanel.hidden = tab !== 'table';
  chartsPanel.hidden = tab !== 'charts';
  if (tab === 'charts') {
    charts.setData(st.rows, st.columns);
    charts.setSelection(st.selected);
  } else redraw(true);
  persist();
}
tableTab.addEventListener('click', () => showTab('table'));
chartsTab.addEventListener('click', () => showTab('charts'));
tabs.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const next = st.tab === 'table' ? 'charts' : 'table';
    showTab(next);
    (next === 'table' ? tableTab : chartsTab).focus();
  }
});

// ------------------------------------------------------------------ messages

host.onMessage((msg) => {
  switch (msg.type) {
    case 'init': {
      st.connKey = msg.connKey;
      st.experimentIds = msg.experiments.map((e) => e.id);
      st.title = msg.title;
      st.filter = msg.filter ?? '';
      st.recent = msg.recentFilters;
      const s = { ...msg.state, ...host.getState() };
      if (typeof s.filter === 'string') st.filter = s.filter;
      if (Array.isArray(s.sort)) st.sort = s.sort;
      if (Array.isArray(s.hidden)) st.hidden = new Set(s.hidden);
      st.onlyDiffer = !!s.onlyDiffer;
      differBox.checked = st.onlyDiffer;
      titleEl.textContent = msg.title;
      filterInput.value = st.filter;
      clear(recentList);
      recentList.append(...st.recent.map((f) => h('option', { value: f })));
      app.removeAttribute('aria-busy');
      if (s.filter !== undefined && (s.filter ?? '') !== (msg.filter ?? '')) host.post({ type: 'query', filter: st.filter, orderBy: [] });
      showTab(s.tab === 'charts' ? 'charts' : 'table');
      return;
    }
    case 'rows':
      addPage(msg.page, msg.reset, msg.refresh, msg.complete, msg.loadMs);
      return;
    case 'filterError':
      filterError.textContent = msg.message;
      filterInput.setAttribute('aria-invalid', 'true');
      return;
    case 'notice':
      notice.textContent = msg.message;
      notice.className = `notice ${msg.level}`;
      return;
    default: {
      const never: never = msg;
      return never;
    }
  }
});

// ------------------------------------------------------------------ start

clear(app);
app.append(
  h('header', { class: 'top' }, titleEl, countEl),
  h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Table options' },
    h('div', { class: 'filter-wrap' }, filterInput, recentList, button('Apply the filter', 'Filter', applyFilter)),
    chooserBtn,
    h('label', { class: 'check' }, differBox, ' Only columns that differ'),
    expandBtn,
    groupSel,
    groupMetricSel,
  ),
  filterError,
  chooser,
  notice,
  tabs,
  selBar,
  tablePanel,
  chartsPanel,
);
tabs.append(tableTab, chartsTab);
renderSelection();
layoutColumns();
host.post({ type: 'ready' });

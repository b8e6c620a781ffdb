// Runs table webview: a hand-written virtualised grid (the DOM holds only the rows in view plus a
// margin) over every run of the experiment set, with nested runs, grouped columns, a column chooser,
// "only columns that differ", multi-column sort (MLflow's order for NaN and missing values), the
// MLflow filter (validated here and again by the host), selection actions and the sweep charts tab.
// This entry builds the page and wires the modules under runsTable/ through one Table object.
import { parseColumnMemory, type HostToTable, type TableState, type TableToHost } from '../src/runsTable/protocol';
import { createCharts } from './runsTable/charts';
import { installMenus } from './runsTable/cellMenu';
import { installChooser } from './runsTable/chooser';
import { installHeaderDrag } from './runsTable/columns';
import { installData } from './runsTable/data';
import { installGrid } from './runsTable/grid';
import { installGroups } from './runsTable/groups';
import { installHeader } from './runsTable/header';
import { installKeyboard } from './runsTable/keyboard';
import { installSelection } from './runsTable/selection';
import { createTable } from './runsTable/table';
import { installToolbar } from './runsTable/toolbar';
import { button, clear, h } from './lib/dom';
import { connectHost } from './lib/host';

const host = connectHost<TableToHost, HostToTable, TableState>();
const t = createTable(host);
const { st } = t;

const app = document.getElementById('app') as HTMLElement;
const titleEl = h('h1', { class: 'title' });
const countEl = h('span', { class: 'count muted', role: 'status', 'aria-live': 'polite' });
const notice = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });
const selBar = h('div', { class: 'selbar', role: 'toolbar', 'aria-label': 'Selected runs' });
const tabs = h('div', { class: 'tabs', role: 'tablist' });
const tableTab = h('button', { type: 'button', role: 'tab', class: 'tab', id: 'tab-table', 'aria-controls': 'panel-table' }, 'Table');
const chartsTab = h('button', { type: 'button', role: 'tab', class: 'tab', id: 'tab-charts', 'aria-controls': 'panel-charts' }, 'Charts');
const chartsPanel = h('section', { id: 'panel-charts', role: 'tabpanel', 'aria-labelledby': 'tab-charts', hidden: true });

const charts = createCharts(chartsPanel, { selectRuns: (ids) => t.selectRuns(ids) });
installHeader(t);
installGrid(t);
installKeyboard(t);
installHeaderDrag(t);
installMenus(t);
installSelection(t, selBar, (ids) => charts.setSelection(ids));
const bar = installToolbar(t);
const chooser = installChooser(t);
const groups = installGroups(t);
const tablePanel = h('section', { id: 'panel-table', role: 'tabpanel', 'aria-labelledby': 'tab-table' }, groups.el, t.grid);
const addPage = installData(t, {
  countEl,
  columnsRebuilt: () => groups.renderControls(),
  rowsRebuilt: () => {
    if (st.groupBy) groups.render();
    if (st.tab === 'charts') charts.setData(st.rows, st.columns);
  },
});

t.columnsChanged = () => {
  t.layoutColumns();
  t.renderHead();
  t.redraw(true);
  t.persist();
};

let saveTimer = 0;
t.persist = () => {
  const state: TableState = { view: 'runsTable', connKey: st.connKey, experimentIds: st.experimentIds, sort: st.sort, hidden: [...st.hidden], onlyDiffer: st.onlyDiffer, tab: st.tab, pinned: [...st.pinned], widths: Object.fromEntries(st.widths) };
  if (st.filter) state.filter = st.filter;
  if (st.order.length) state.order = st.order;
  host.setState(state);
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => host.post({ type: 'saveState', state }), 400);
};

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
  } else t.redraw(true);
  t.persist();
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

function init(msg: Extract<HostToTable, { type: 'init' }>): void {
  st.connKey = msg.connKey;
  st.experimentIds = msg.experiments.map((e) => e.id);
  st.title = msg.title;
  st.filter = msg.filter ?? '';
  st.recent = msg.recentFilters;
  const s = { ...msg.state, ...host.getState() };
  if (typeof s.filter === 'string') st.filter = s.filter;
  // what was kept is checked field by field: a bad one is dropped, not the rest
  const m = parseColumnMemory(s) ?? {};
  if (m.sort) st.sort = m.sort;
  if (m.hidden) st.hidden = new Set(m.hidden);
  if (m.order) st.order = m.order;
  if (m.pinned) st.pinned = new Set(m.pinned);
  if (m.widths) st.widths = new Map(Object.entries(m.widths));
  st.onlyDiffer = !!m.onlyDiffer;
  bar.differBox.checked = st.onlyDiffer;
  titleEl.textContent = msg.title;
  bar.filterInput.value = st.filter;
  clear(bar.recentList);
  bar.recentList.append(...st.recent.map((f) => h('option', { value: f })));
  app.removeAttribute('aria-busy');
  if (s.filter !== undefined && (s.filter ?? '') !== (msg.filter ?? '')) host.post({ type: 'query', filter: st.filter, orderBy: [] });
  showTab(s.tab === 'charts' ? 'charts' : 'table');
}

host.onMessage((msg) => {
  switch (msg.type) {
    case 'init':
      return init(msg);
    case 'rows':
      return addPage(msg.page, msg.reset, msg.refresh, msg.complete, msg.loadMs);
    case 'filterError':
      bar.filterError.textContent = msg.message;
      bar.filterInput.setAttribute('aria-invalid', 'true');
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

clear(app);
app.append(
  h('header', { class: 'top' }, titleEl, countEl),
  h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Table options' },
    h('div', { class: 'filter-wrap' }, bar.filterInput, bar.recentList, button('Apply the filter', 'Filter', () => bar.applyFilter())),
    chooser.button,
    h('label', { class: 'check' }, bar.differBox, ' Only columns that differ'),
    bar.expandBtn,
    groups.bySelect,
    groups.metricSelect,
  ),
  bar.filterError,
  chooser.panel,
  notice,
  tabs,
  selBar,
  tablePanel,
  chartsPanel,
);
tabs.append(tableTab, chartsTab);
t.renderSelection();
t.layoutColumns();
host.post({ type: 'ready' });

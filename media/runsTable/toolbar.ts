// The runs table's toolbar: the MLflow filter (checked as typed with the same validator as the tree's
// filter, and again by the host), "Only columns that differ", Expand/Collapse all nested runs, and
// sorting (a header click; asked of the store while not every run is loaded).
import type { SortKey } from '../../src/runsTable/protocol';
import { sameEverywhere, storeOrderBy } from '../../src/runsTable/model';
import { validateRunFilter } from '../../src/tracking/search/runFilter';
import { andClause } from '../../src/tracking/search/print';
import { button, h } from '../lib/dom';
import type { Table } from './table';

export interface Toolbar {
  filterInput: HTMLInputElement;
  recentList: HTMLDataListElement;
  filterError: HTMLElement;
  differBox: HTMLInputElement;
  expandBtn: HTMLButtonElement;
  applyFilter(): void;
}

export function installToolbar(t: Table): Toolbar {
  const { st, host } = t;
  const filterInput = h('input', { type: 'text', class: 'filter', placeholder: "Filter: metrics.val_loss < 0.5 and params.model = 'resnet'", 'aria-label': 'Filter runs (MLflow search syntax)', list: 'recent-filters', spellcheck: false });
  const recentList = h('datalist', { id: 'recent-filters' });
  const filterError = h('div', { class: 'filter-error', role: 'alert' });
  const differBox = h('input', { type: 'checkbox', id: 'only-differ' });
  const expandBtn = button('Expand all nested runs', 'Expand all', () => {
    st.expandAll = !st.expandAll;
    if (!st.expandAll) st.expanded.clear();
    expandBtn.textContent = st.expandAll ? 'Collapse all' : 'Expand all';
    t.rebuild();
  });

  t.toggleExpanded = (i, open) => {
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
    t.rebuild(false);
  };

  /** Not every run is here yet: the store sorts, so the first rows are the right ones. */
  const askStoreIfNeeded = (): void => {
    if (st.complete) return;
    const orderBy = storeOrderBy(st.sort);
    if (!orderBy) return;
    const key = orderBy.join(',');
    if (key === st.storeSort) return;
    st.storeSort = key;
    host.post({ type: 'query', filter: st.filter, orderBy });
  };

  t.sortBy = (column, add) => {
    const i = st.sort.findIndex((s) => s.column === column);
    const cur = st.sort[i];
    const next: SortKey | undefined = !cur ? { column, ascending: true } : cur.ascending ? { column, ascending: false } : undefined;
    if (add) st.sort = i >= 0 ? st.sort.flatMap((s, k) => (k === i ? (next ? [next] : []) : [s])) : [...st.sort, next!];
    else st.sort = next ? [next] : [];
    t.persist();
    askStoreIfNeeded();
    const t0 = performance.now();
    t.rebuild(false);
    host.post({ type: 'drawn', what: 'sort', ms: performance.now() - t0, rows: st.shown.length });
  };

  const setOnlyDiffer = (on: boolean): void => {
    const t0 = performance.now();
    st.onlyDiffer = on;
    differBox.checked = on;
    if (on) st.same = sameEverywhere(st.rows, st.columns);
    t.layoutColumns();
    t.renderHead();
    t.redraw(true);
    host.post({ type: 'drawn', what: 'differ', ms: performance.now() - t0, rows: t.lay.cols.length });
    t.persist();
  };

  const showProblem = (f: string): string | undefined => {
    const problem = f ? validateRunFilter(f) : undefined;
    filterError.textContent = problem ?? '';
    filterInput.setAttribute('aria-invalid', String(!!problem));
    return problem;
  };

  const applyFilter = (): void => {
    const f = filterInput.value.trim();
    if (showProblem(f)) return;
    st.filter = f;
    st.storeSort = '';
    t.persist();
    host.post({ type: 'query', filter: f, orderBy: st.complete ? [] : (storeOrderBy(st.sort) ?? []) });
  };

  t.filterWith = (clause) => {
    filterInput.value = andClause(st.filter, clause);
    applyFilter();
  };

  filterInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') applyFilter();
    if (e.key === 'Escape') {
      filterInput.value = st.filter;
      filterError.textContent = '';
    }
  });
  filterInput.addEventListener('input', () => {
    const v = filterInput.value.trim();
    filterError.textContent = (v ? validateRunFilter(v) : undefined) ?? '';
  });
  differBox.addEventListener('change', () => setOnlyDiffer(differBox.checked));
  return { filterInput, recentList, filterError, differBox, expandBtn, applyFilter };
}

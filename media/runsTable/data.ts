// The runs table's data: pages from the host decoded and merged (a refresh replaces the rows only
// once it is complete, so the view never empties), then columns, order and arrangement rebuilt.
import type { RunsPage } from '../../src/runsTable/protocol';
import { arrange, columnsOf, decodePage, sameEverywhere, sortRows } from '../../src/runsTable/model';
import type { Table } from './table';

export interface DataHooks {
  countEl: HTMLElement;
  /** Columns changed: group-by options follow. */
  columnsRebuilt(): void;
  /** Rows re-arranged: the group summary and the charts follow. */
  rowsRebuilt(): void;
}

export function installData(t: Table, hooks: DataHooks): (page: RunsPage, reset: boolean, refresh: boolean, complete: boolean, loadMs: number) => void {
  const { st, grid, host } = t;

  const renderCount = (): void => {
    const roots = st.shown.filter((s) => s.depth === 0).length;
    const nested = st.rows.length - roots;
    hooks.countEl.textContent = `${st.rows.length.toLocaleString()} run${st.rows.length === 1 ? '' : 's'}${nested > 0 ? ` (${nested.toLocaleString()} nested)` : ''}${st.complete ? '' : ' · loading…'}${st.filter ? ' · filtered' : ''}`;
  };

  t.rebuild = (columnsToo = true) => {
    if (columnsToo) {
      st.columns = columnsOf(st.rows);
      if (st.onlyDiffer) st.same = sameEverywhere(st.rows, st.columns);
      t.layoutColumns();
      hooks.columnsRebuilt();
    }
    const activeId = st.shown[st.active]?.row.id;
    st.shown = arrange(sortRows(st.rows, st.sort, st.columns), st.expanded, st.expandAll);
    if (activeId) {
      const i = st.shown.findIndex((s) => s.row.id === activeId);
      if (i >= 0) st.active = i;
    }
    st.active = Math.min(st.active, Math.max(0, st.shown.length - 1));
    grid.setAttribute('aria-rowcount', String(st.shown.length + 2));
    t.renderHead();
    t.redraw(true);
    renderCount();
    hooks.rowsRebuilt();
  };

  const merge = (rows: ReturnType<typeof decodePage>, reset: boolean, refresh: boolean, complete: boolean): boolean => {
    if (refresh) {
      st.pending = reset ? rows : [...(st.pending ?? []), ...rows];
      if (!complete) return false;
      st.rows = st.pending;
      st.pending = undefined;
    } else if (reset) st.rows = rows;
    else {
      const have = new Set(st.rows.map((r) => r.id));
      st.rows = [...st.rows, ...rows.filter((r) => !have.has(r.id))];
    }
    return true;
  };

  return (page, reset, refresh, complete, loadMs) => {
    if (!merge(decodePage(page), reset, refresh, complete)) return;
    st.complete = complete;
    const ids = new Set(st.rows.map((r) => r.id));
    st.selected = st.selected.filter((id) => ids.has(id));
    const t0 = performance.now();
    t.rebuild();
    t.renderSelection();
    if (!st.firstDrawn && st.rows.length) {
      st.firstDrawn = true;
      requestAnimationFrame(() => host.post({ type: 'drawn', what: 'firstRows', ms: loadMs + performance.now() - t0, rows: st.rows.length }));
    }
    if (complete) requestAnimationFrame(() => host.post({ type: 'drawn', what: 'allRows', ms: loadMs + performance.now() - t0, rows: st.rows.length }));
  };
}

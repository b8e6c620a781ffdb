// Context menus of the runs grid: a cell's menu (right-click, or Shift+F10 / the Menu key on the
// active cell) offers quick filters on its value — added to the table's filter as MLflow clauses —
// and the column's actions; a header's menu offers the column's actions.
import { quickFilters } from '../../src/runsTable/quickFilters';
import { columnMenu } from './columns';
import { showMenu, type MenuEntries } from './menu';
import type { Table } from './table';

function cellEntries(t: Table, i: number, k: number): MenuEntries {
  const s = t.st.shown[i];
  const c = t.lay.cols[k];
  if (!s || !c) return [];
  const filters = quickFilters(s.row, c).map((q) => ({ label: q.label, title: q.clause ?? q.why, disabled: !q.clause, run: () => q.clause && t.filterWith(q.clause) }));
  return [...filters, undefined, ...columnMenu(t, c)];
}

export function installMenus(t: Table): void {
  const { st, grid, body, head } = t;
  body.addEventListener('contextmenu', (e) => {
    const target = t.targetOf(e);
    const i = Number(target?.closest<HTMLElement>('.row')?.dataset.index);
    const k = t.lay.cols.findIndex((c) => c.id === target?.closest<HTMLElement>('.cell')?.dataset.col);
    if (!Number.isInteger(i) || k < 0) return;
    e.preventDefault();
    st.active = i;
    st.activeCol = k;
    if (!st.selected.includes(st.shown[i].row.id)) t.clickSelect(i, false, false);
    t.redrawDecorations();
    grid.focus();
    showMenu(e.clientX, e.clientY, cellEntries(t, i, k), 'Cell actions');
  });
  grid.addEventListener('keydown', (e) => {
    if (!(e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))) return;
    e.preventDefault();
    e.stopPropagation();
    const r = document.getElementById('active-cell')?.getBoundingClientRect() ?? grid.getBoundingClientRect();
    showMenu(r.left + 8, r.bottom, cellEntries(t, st.active, st.activeCol), 'Cell actions');
  });
  head.addEventListener('contextmenu', (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('.hcell[data-col]')?.dataset.col;
    const c = t.lay.cols.find((x) => x.id === id);
    if (!c) return;
    e.preventDefault();
    showMenu(e.clientX, e.clientY, columnMenu(t, c), `Column ${c.label}`);
  });
}

// The runs table's selection: click, Shift+click (range) and Ctrl/Cmd+click (toggle), and the
// selection bar whose actions act on the selected runs (Compare, Plot Metrics, Run Details, Copy IDs,
// Export CSV of the shown columns, Delete / Restore through the tree's commands).
import { toCsv, type TableRow } from '../../src/runsTable/model';
import { append, button, clear, h } from '../lib/dom';
import type { Table } from './table';

export function installSelection(t: Table, selBar: HTMLElement, onChange: (ids: string[]) => void): void {
  const { st, host } = t;

  t.clickSelect = (i, range, toggle) => {
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
    t.renderSelection();
    t.redrawDecorations();
  };

  t.selectRuns = (ids) => {
    st.selected = ids;
    t.renderSelection();
    t.redraw();
  };

  const selectedRows = (): TableRow[] => {
    const byId = new Map(st.rows.map((r) => [r.id, r]));
    return st.selected.map((id) => byId.get(id)).filter((r): r is TableRow => !!r);
  };

  const exportCsv = (): void => {
    const rows = st.selected.length ? selectedRows() : st.shown.map((s) => s.row);
    host.post({ type: 'exportCsv', csv: toCsv(rows, t.lay.cols), rows: rows.length });
  };

  t.renderSelection = () => {
    clear(selBar);
    const n = st.selected.length;
    const rows = selectedRows();
    const ids = () => rows.map((r) => r.id);
    const live = rows.filter((r) => !r.deleted).map((r) => r.id);
    const deleted = rows.filter((r) => r.deleted).map((r) => r.id);
    append(
      selBar,
      h('span', { class: 'muted' }, n ? `${n} selected` : 'Select runs (click, Shift/Ctrl+click, Space) to compare them'),
      button('Compare the selected runs (the same plot as the tree’s Compare)', 'Compare', () => host.post({ type: 'compare', runIds: ids() }), { disabled: n < 2 }),
      button('Plot the metrics of the selected runs', 'Plot Metrics', () => host.post({ type: 'plot', runIds: ids() }), { disabled: n < 1 }),
      button('Open the details of the selected run', 'Run Details', () => host.post({ type: 'openRun', runId: ids()[0] }), { disabled: n !== 1 }),
      button('Copy the IDs of the selected runs', 'Copy IDs', () => host.post({ type: 'copyIds', runIds: ids() }), { disabled: n < 1 }),
      button('Export the shown columns of the selected runs (or of every shown run) as CSV', 'Export CSV', exportCsv),
      button(`Delete the ${live.length === 1 ? 'selected run' : `${live.length} selected runs`} (asks first; restorable until garbage collection)`, live.length > 1 ? `Delete ${live.length} Runs…` : 'Delete Run…', () => host.post({ type: 'deleteRuns', runIds: live }), { disabled: !live.length }),
      deleted.length ? button(`Restore the ${deleted.length === 1 ? 'selected deleted run' : `${deleted.length} selected deleted runs`}`, deleted.length > 1 ? `Restore ${deleted.length} Runs` : 'Restore Run', () => host.post({ type: 'restoreRuns', runIds: deleted })) : undefined,
      n
        ? button('Clear the selection', 'Clear', () => {
            st.selected = [];
            t.renderSelection();
            t.redrawDecorations();
          })
        : undefined,
    );
    onChange(st.selected);
  };
}

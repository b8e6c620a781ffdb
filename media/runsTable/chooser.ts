// The column chooser: every column by group with a search box, a check box each and Show/Hide all
// per group; notes the columns "Only columns that differ" hides.
import type { Column } from '../../src/runsTable/model';
import { button, clear, h } from '../lib/dom';
import type { Table } from './table';

export interface Chooser {
  button: HTMLButtonElement;
  panel: HTMLElement;
}

const GROUPS = ['Attributes', 'Parameters', 'Metrics', 'Tags'] as const;

export function installChooser(t: Table): Chooser {
  const { st } = t;
  const chooserBtn = button('Choose columns', 'Columns…', () => toggle());
  chooserBtn.setAttribute('aria-haspopup', 'dialog');
  const panel = h('div', { class: 'chooser', role: 'dialog', 'aria-label': 'Columns', hidden: true });

  const toggle = (show = panel.hidden): void => {
    panel.hidden = !show;
    chooserBtn.setAttribute('aria-expanded', String(show));
    if (show) render();
  };

  const groupHeader = (g: string, inGroup: Column[], rerender: () => void): HTMLElement => {
    const all = inGroup.every((c) => !st.hidden.has(c.id));
    const flip = () => {
      for (const c of inGroup) {
        if (all) st.hidden.add(c.id);
        else st.hidden.delete(c.id);
      }
      t.columnsChanged();
      rerender();
    };
    return h('div', { class: 'chooser-group' }, h('strong', {}, `${g} (${inGroup.length})`), button(`${all ? 'Hide' : 'Show'} every ${g.toLowerCase()} column`, all ? 'Hide all' : 'Show all', flip, { class: 'btn small' }));
  };

  const item = (c: Column): HTMLElement => {
    const box = h('input', { type: 'checkbox', checked: !st.hidden.has(c.id) });
    box.addEventListener('change', () => {
      if (box.checked) st.hidden.delete(c.id);
      else st.hidden.add(c.id);
      t.columnsChanged();
    });
    return h('label', { class: 'chooser-item' }, box, ' ', c.label, st.onlyDiffer && st.same.has(c.id) ? h('span', { class: 'muted' }, ' (same in every run)') : undefined);
  };

  const render = (query = ''): void => {
    clear(panel);
    const search = h('input', { type: 'search', placeholder: 'Search columns', 'aria-label': 'Search columns', value: query });
    search.addEventListener('input', () => render(search.value));
    const list = h('div', { class: 'chooser-list' });
    const q = query.toLowerCase();
    for (const g of GROUPS) {
      const inGroup = st.columns.filter((c) => c.group === g && (!q || c.label.toLowerCase().includes(q)));
      if (!inGroup.length) continue;
      list.append(groupHeader(g, inGroup, () => render(search.value)), ...inGroup.map(item));
    }
    panel.append(search, list, h('div', { class: 'chooser-foot' }, button('Close the column chooser', 'Done', () => toggle(false))));
    if (document.activeElement === document.body || query) search.focus();
  };

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) toggle(false);
  });
  return { button: chooserBtn, panel };
}

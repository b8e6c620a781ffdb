// The runs table webview's shared parts: its state, the column layout in use, the grid's elements
// and the actions each module installs (grid.ts, header.ts, keyboard.ts, selection.ts, toolbar.ts…),
// so modules call each other through one object instead of importing each other.
import type { HostToTable, SortKey, TableState, TableToHost } from '../../src/runsTable/protocol';
import type { Column, ShownRow, TableRow } from '../../src/runsTable/model';
import { DEFAULT_PINNED } from '../../src/runsTable/columnLayout';
import type { WebviewHost } from '../lib/host';
import { h } from '../lib/dom';

export type Host = WebviewHost<TableToHost, HostToTable, TableState>;

export const ROW_H = 24;

export interface UiState {
  connKey: string;
  experimentIds: string[];
  title: string;
  filter: string;
  recent: string[];
  rows: TableRow[];
  /** A refresh being read (the old rows stay on screen until it is complete). */
  pending: TableRow[] | undefined;
  complete: boolean;
  columns: Column[];
  hidden: Set<string>;
  onlyDiffer: boolean;
  same: Set<string>;
  sort: SortKey[];
  /** The sort the store was asked for (when not every run was loaded). */
  storeSort: string;
  expanded: Set<string>;
  expandAll: boolean;
  shown: ShownRow[];
  /** Selected run ids, in the order they were selected (their colours in Compare). */
  selected: string[];
  anchor: number;
  active: number;
  activeCol: number;
  widths: Map<string, number>;
  /** Column ids in the order the user arranged them (columns not listed keep their natural place). */
  order: string[];
  /** Columns that stay at the left while scrolling sideways. */
  pinned: Set<string>;
  tab: 'table' | 'charts';
  groupBy: string;
  groupMetric: string;
  firstDrawn: boolean;
}

/** The columns drawn, left to right, with their x offsets. */
export interface Layout {
  cols: Column[];
  offsets: number[];
  totalWidth: number;
}

export interface Table {
  st: UiState;
  host: Host;
  lay: Layout;
  grid: HTMLElement;
  head: HTMLElement;
  body: HTMLElement;
  width(c: Column): number;
  isPinned(id: string): boolean;
  layoutColumns(): void;
  renderHead(): void;
  redraw(all?: boolean): void;
  redrawDecorations(): void;
  /** The element under a pointer event in DOM rows brought up to date with the canvas (grid.ts). */
  targetOf(e: MouseEvent): HTMLElement | null;
  rebuild(columnsToo?: boolean): void;
  renderSelection(): void;
  clickSelect(i: number, range: boolean, toggle: boolean): void;
  toggleExpanded(i: number, open?: boolean): void;
  sortBy(column: string, add: boolean): void;
  columnsChanged(): void;
  persist(): void;
  selectRuns(ids: string[]): void;
  /** ANDs a clause to the applied filter and applies it as if typed. */
  filterWith(clause: string): void;
}

const unset = (): never => {
  throw new Error('runs table: an action was used before its module installed it');
};

export function createTable(host: Host): Table {
  const grid = h('div', { class: 'grid', role: 'grid', tabindex: 0, 'aria-label': 'Runs', 'aria-multiselectable': 'true' });
  const head = h('div', { class: 'head', role: 'rowgroup' });
  const body = h('div', { class: 'body', role: 'rowgroup' });
  grid.append(head, body);
  const st: UiState = {
    connKey: '',
    experimentIds: [],
    title: '',
    filter: '',
    recent: [],
    rows: [],
    pending: undefined,
    complete: false,
    columns: [],
    hidden: new Set(),
    onlyDiffer: false,
    same: new Set(),
    sort: [],
    storeSort: '',
    expanded: new Set(),
    expandAll: false,
    shown: [],
    selected: [],
    anchor: -1,
    active: 0,
    activeCol: 1,
    widths: new Map(),
    order: [],
    pinned: new Set(DEFAULT_PINNED),
    tab: 'table',
    groupBy: '',
    groupMetric: '',
    firstDrawn: false,
  };
  return {
    st,
    host,
    lay: { cols: [], offsets: [], totalWidth: 0 },
    grid,
    head,
    body,
    width: unset,
    isPinned: (id) => st.pinned.has(id),
    layoutColumns: unset,
    renderHead: unset,
    redraw: unset,
    redrawDecorations: unset,
    targetOf: unset,
    rebuild: unset,
    renderSelection: unset,
    clickSelect: unset,
    toggleExpanded: unset,
    sortBy: unset,
    columnsChanged: unset,
    persist: unset,
    selectRuns: unset,
    filterWith: unset,
  };
}

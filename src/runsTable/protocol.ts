// The runs table panel's own messages (host ↔ webview), validated on arrival at the host. Metric
// values travel as Float64Arrays (binary: NaN and ±Infinity survive; JSON would make them null) with
// a presence mask, so a missing metric and a NaN metric stay different. No `vscode` import.
import type { NoticeMessage } from '../webviews/messages';
import { bool, fields, isObject, messageParser, num, oneOf, shape, str, strs, type Check } from '../webviews/validate';

export const RUNS_TABLE_VIEW = 'mlflow.runsTable';

/** One run as the table shows it (strings only; metrics travel in the page's typed arrays). */
export interface TableRunWire {
  id: string;
  experimentId: string;
  name: string;
  status: string;
  start?: number;
  end?: number;
  user: string;
  source: string;
  parent?: string;
  deleted: boolean;
  models: number;
  datasets: string;
  params: [string, string][];
  tags: [string, string][];
}

export interface RunsPage {
  runs: TableRunWire[];
  metricKeys: string[];
  /** runs.length × metricKeys.length, row-major. */
  metricValues: Float64Array;
  /** 1 where the run has that metric. */
  metricPresent: Uint8Array;
}

export interface TableQuery {
  filter?: string;
  orderBy?: string[];
}

export interface SortKey {
  column: string;
  ascending: boolean;
}

/** What the webview keeps (getState) and the serializer restores from. */
export interface TableState {
  view: 'runsTable';
  connKey: string;
  experimentIds: string[];
  filter?: string;
  sort: SortKey[];
  hidden: string[];
  onlyDiffer: boolean;
  tab: 'table' | 'charts';
  /** Column ids in the user's order (absent: the natural order). */
  order?: string[];
  /** Columns kept at the left (absent: status and name). */
  pinned?: string[];
  /** Column widths in CSS pixels, by column id. */
  widths?: Record<string, number>;
}

/** What is remembered per experiment set (workspace state) for the next time its table opens. */
export type ColumnMemory = Pick<TableState, 'hidden' | 'onlyDiffer' | 'sort' | 'order' | 'pinned' | 'widths'>;

export type HostToTable =
  | { type: 'init'; title: string; connKey: string; experiments: { id: string; name: string }[]; filter?: string; recentFilters: string[]; canSortInStore: boolean; state?: Partial<TableState> }
  /**
   * Runs in store order; `reset` starts a new result set. `refresh`: the same query read again (store
   * change, live runs): the webview keeps showing the old set until this one is complete.
   */
  | { type: 'rows'; reset: boolean; refresh: boolean; page: RunsPage; complete: boolean; loadMs: number }
  | { type: 'filterError'; filter: string; message: string }
  | NoticeMessage;

export type TableToHost =
  | { type: 'ready' }
  /** Apply a filter (validated again here) and, when the table does not hold every run, the store order. */
  | { type: 'query'; filter: string; orderBy: string[] }
  | { type: 'openRun'; runId: string }
  | { type: 'compare'; runIds: string[] }
  | { type: 'plot'; runIds: string[] }
  | { type: 'copyIds'; runIds: string[] }
  | { type: 'exportCsv'; csv: string; rows: number }
  /** Through the tree's Delete Run / Restore Run commands (same confirmation, same store errors). */
  | { type: 'deleteRuns'; runIds: string[] }
  | { type: 'restoreRuns'; runIds: string[] }
  | { type: 'saveState'; state: TableState }
  | { type: 'drawn'; what: string; ms: number; rows: number };

const ids: Check = (v) => Array.isArray(v) && v.length <= 100_000 && v.every(str);
const sortKey = shape({ column: str, ascending: bool });
const columnId: Check = (v) => typeof v === 'string' && v.length <= 1000 && /^[apmt]:./s.test(v);
const columnIds: Check = (v) => Array.isArray(v) && v.length <= 10_000 && v.every(columnId);
const widths: Check = (v) => isObject(v) && Object.keys(v).length <= 10_000 && Object.entries(v).every(([k, w]) => columnId(k) && num(w) && (w as number) >= 20 && (w as number) <= 4000);
const sorts: Check = (s) => Array.isArray(s) && s.length <= 20 && s.every(sortKey);
const OPTIONAL: Record<string, Check> = { filter: str, order: columnIds, pinned: columnIds, widths };
const state: Check = (v) =>
  isObject(v) &&
  fields(
    v,
    {
      view: oneOf('runsTable'),
      connKey: str,
      experimentIds: strs,
      sort: sorts,
      hidden: strs,
      onlyDiffer: bool,
      tab: oneOf('table', 'charts'),
    },
    Object.keys(OPTIONAL),
  ) &&
  Object.entries(OPTIONAL).every(([k, check]) => v[k] === undefined || check(v[k]));

/** The message as a TableToHost, or undefined when its shape is unknown (the panel base logs and drops it). */
export const parseTableMessage = messageParser<TableToHost>({
  ready: {},
  query: { filter: str, orderBy: (v) => strs(v) && (v as string[]).length <= 20 },
  openRun: { runId: str },
  compare: { runIds: ids },
  plot: { runIds: ids },
  copyIds: { runIds: ids },
  deleteRuns: { runIds: ids },
  restoreRuns: { runIds: ids },
  exportCsv: { csv: (v) => typeof v === 'string' && v.length <= 200 * 1024 * 1024, rows: num },
  saveState: { state },
  drawn: { what: str, ms: num, rows: num },
});

/** The persisted state, or undefined when it is not the runs table's. */
export function parseTableState(raw: unknown): TableState | undefined {
  if (!isObject(raw) || raw.view !== 'runsTable' || !str(raw.connKey) || !strs(raw.experimentIds) || !(raw.experimentIds as string[]).length) return undefined;
  return state(raw) ? (raw as unknown as TableState) : { view: 'runsTable', connKey: raw.connKey as string, experimentIds: raw.experimentIds as string[], sort: [], hidden: [], onlyDiffer: false, tab: 'table' };
}

/** The remembered columns read back from workspace state: each field kept only when valid (a bad one is dropped, not the rest). */
export function parseColumnMemory(raw: unknown): Partial<ColumnMemory> | undefined {
  if (!isObject(raw)) return undefined;
  const checks: Record<keyof ColumnMemory, Check> = { hidden: strs, onlyDiffer: bool, sort: sorts, order: columnIds, pinned: columnIds, widths };
  const out: Record<string, unknown> = {};
  for (const [k, check] of Object.entries(checks)) if (raw[k] !== undefined && check(raw[k])) out[k] = raw[k];
  return out;
}

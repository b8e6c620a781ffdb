// Pure: the runs table's data model, shared by the webview (media/runsTable.ts) and the tests —
// rows decoded from pages, the column union, "only columns that differ", the sort comparator
// (MLflow's order: present values, then NaN, then missing, in both directions), nesting, grouping
// and CSV. No `vscode`, no Node APIs.
import { formatDuration, formatMetricValue, formatTimestamp } from '../core/format';
import { compareSortValues, type SortValue } from '../tracking/search/orderBy';
import { filterKey } from '../tracking/search/print';
import { csvField, csvNumber } from '../plots/metricCsv';
import type { RunsPage, SortKey, TableRunWire } from './protocol';

/** A wire row (protocol.ts) with its keys in maps for lookups, plus the latest metrics. */
export interface TableRow extends Omit<TableRunWire, 'params' | 'tags'> {
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: Map<string, number>;
}

export type ColumnGroup = 'Attributes' | 'Parameters' | 'Metrics' | 'Tags';

export interface Column {
  /** a:<attr>, p:<param>, m:<metric>, t:<tag> */
  id: string;
  group: ColumnGroup;
  key: string;
  label: string;
  /** Values compare as numbers (metrics, times; params whose every value is a number). */
  numeric: boolean;
}

export const ATTRIBUTE_COLUMNS: readonly Column[] = [
  { id: 'a:status', group: 'Attributes', key: 'status', label: 'Status', numeric: false },
  { id: 'a:name', group: 'Attributes', key: 'name', label: 'Run Name', numeric: false },
  { id: 'a:start', group: 'Attributes', key: 'start', label: 'Created', numeric: true },
  { id: 'a:duration', group: 'Attributes', key: 'duration', label: 'Duration', numeric: true },
  { id: 'a:user', group: 'Attributes', key: 'user', label: 'User', numeric: false },
  { id: 'a:source', group: 'Attributes', key: 'source', label: 'Source', numeric: false },
  { id: 'a:models', group: 'Attributes', key: 'models', label: 'Models', numeric: true },
  { id: 'a:datasets', group: 'Attributes', key: 'datasets', label: 'Datasets', numeric: false },
];

const GROUP_OF = { p: 'Parameters', m: 'Metrics', t: 'Tags' } as const;

export function decodePage(page: RunsPage): TableRow[] {
  const k = page.metricKeys.length;
  return page.runs.map((r, i) => {
    const metrics = new Map<string, number>();
    for (let j = 0; j < k; j++) if (page.metricPresent[i * k + j]) metrics.set(page.metricKeys[j], page.metricValues[i * k + j]);
    return {
      id: r.id,
      experimentId: r.experimentId,
      name: r.name,
      status: r.status,
      start: r.start,
      end: r.end,
      user: r.user,
      source: r.source,
      parent: r.parent,
      deleted: r.deleted,
      models: r.models,
      datasets: r.datasets,
      params: new Map(r.params),
      tags: new Map(r.tags),
      metrics,
    };
  });
}

const isNumberText = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** Attributes, then every parameter, metric and tag key any row has (each group A→Z). */
export function columnsOf(rows: readonly TableRow[]): Column[] {
  const params = new Map<string, boolean>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of rows) {
    for (const [k, v] of r.params) params.set(k, (params.get(k) ?? true) && isNumberText(v));
    for (const k of r.metrics.keys()) metrics.add(k);
    for (const k of r.tags.keys()) tags.add(k);
  }
  const byKey = (a: string, b: string) => a.localeCompare(b);
  return [
    ...ATTRIBUTE_COLUMNS,
    ...[...params.keys()].sort(byKey).map((key): Column => ({ id: `p:${key}`, group: 'Parameters', key, label: key, numeric: params.get(key)! })),
    ...[...metrics].sort(byKey).map((key): Column => ({ id: `m:${key}`, group: 'Metrics', key, label: key, numeric: true })),
    ...[...tags].sort(byKey).map((key): Column => ({ id: `t:${key}`, group: 'Tags', key, label: key, numeric: false })),
  ];
}

export function columnFromId(id: string): Column | undefined {
  const a = ATTRIBUTE_COLUMNS.find((c) => c.id === id);
  if (a) return a;
  const p = id.slice(0, 2);
  const key = id.slice(2);
  if (!key || (p !== 'p:' && p !== 'm:' && p !== 't:')) return undefined;
  return { id, group: GROUP_OF[p[0] as 'p' | 'm' | 't'], key, label: key, numeric: p === 'm:' };
}

export function duration(r: TableRow): number | undefined {
  return r.start !== undefined && r.end !== undefined ? r.end - r.start : undefined;
}

/** The value a cell sorts by: a number (maybe NaN or ±Infinity), a string, or undefined (missing). */
export function cellValue(r: TableRow, c: Column): SortValue {
  switch (c.id[0]) {
    case 'm':
      return r.metrics.get(c.key);
    case 'p': {
      const v = r.params.get(c.key);
      return v !== undefined && c.numeric ? Number(v) : v;
    }
    case 't':
      return r.tags.get(c.key);
  }
  switch (c.key) {
    case 'status':
      return r.status;
    case 'name':
      return r.name;
    case 'start':
      return r.start;
    case 'duration':
      return duration(r);
    case 'user':
      return r.user || undefined;
    case 'source':
      return r.source || undefined;
    case 'models':
      return r.models;
    case 'datasets':
      return r.datasets || undefined;
  }
  return undefined;
}

export function formatCell(r: TableRow, c: Column): string {
  if (c.id[0] === 'm') {
    const v = r.metrics.get(c.key);
    return v === undefined ? '' : formatMetricValue(v);
  }
  if (c.id[0] === 'p') return r.params.get(c.key) ?? '';
  if (c.id[0] === 't') return r.tags.get(c.key) ?? '';
  switch (c.key) {
    case 'start':
      return r.start === undefined ? '' : formatTimestamp(r.start);
    case 'duration': {
      const d = duration(r);
      return d === undefined ? (r.status === 'RUNNING' ? 'running' : '') : formatDuration(d);
    }
    case 'models':
      return r.models ? String(r.models) : '';
  }
  const v = cellValue(r, c);
  return v === undefined ? '' : String(v);
}

/**
 * Parameter and tag columns whose value (absence included) is the same in every row: what
 * "Only columns that differ" hides. Attributes and metrics always stay.
 */
export function sameEverywhere(rows: readonly TableRow[], columns: readonly Column[]): Set<string> {
  const same = new Set<string>();
  if (rows.length < 2) return same;
  for (const c of columns) {
    if (c.group !== 'Parameters' && c.group !== 'Tags') continue;
    const map = c.group === 'Parameters' ? 'params' : 'tags';
    const first = rows[0][map].get(c.key);
    let differs = false;
    for (let i = 1; i < rows.length; i++) {
      if (rows[i][map].get(c.key) !== first) {
        differs = true;
        break;
      }
    }
    if (!differs) same.add(c.id);
  }
  return same;
}

function sortSpecs(sort: readonly SortKey[], columns: readonly Column[]): { c: Column; ascending: boolean }[] {
  return sort.flatMap((s) => {
    const c = columns.find((x) => x.id === s.column) ?? columnFromId(s.column);
    return c ? [{ c, ascending: s.ascending }] : [];
  });
}

interface Keyed {
  row: TableRow;
  keys: SortValue[];
}

function compareKeyed(a: Keyed, b: Keyed, dirs: readonly boolean[]): number {
  for (let i = 0; i < dirs.length; i++) {
    const c = compareSortValues(a.keys[i], b.keys[i], dirs[i]);
    if (c) return c;
  }
  // MLflow's own tie-break: newest first, then run id
  return compareSortValues(a.row.start, b.row.start, false) || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0);
}

/** Comparator over the sort keys (first decides, then the next…); ties: start time newest first, then run id. */
export function rowComparator(sort: readonly SortKey[], columns: readonly Column[]): (a: TableRow, b: TableRow) => number {
  const specs = sortSpecs(sort, columns);
  const dirs = specs.map((s) => s.ascending);
  const keyed = (row: TableRow): Keyed => ({ row, keys: specs.map((s) => cellValue(row, s.c)) });
  return (a, b) => (a === b ? 0 : compareKeyed(keyed(a), keyed(b), dirs));
}

/** The rows in sort order (the same order as rowComparator), each row's keys read once. */
export function sortRows(rows: readonly TableRow[], sort: readonly SortKey[], columns: readonly Column[]): TableRow[] {
  const specs = sortSpecs(sort, columns);
  const dirs = specs.map((s) => s.ascending);
  const keyed = rows.map((row): Keyed => ({ row, keys: specs.map((s) => cellValue(row, s.c)) }));
  keyed.sort((a, b) => compareKeyed(a, b, dirs));
  return keyed.map((k) => k.row);
}

/** The sort as MLflow `order_by` clauses, or undefined when a key is one the store cannot order by. */
export function storeOrderBy(sort: readonly SortKey[]): string[] | undefined {
  const out: string[] = [];
  const attr: Record<string, string> = { 'a:status': 'attributes.status', 'a:name': 'attributes.run_name', 'a:start': 'attributes.start_time', 'a:user': 'attributes.user_id', 'a:source': 'tags.`mlflow.source.name`' };
  for (const s of sort) {
    const dir = s.ascending ? 'ASC' : 'DESC';
    if (attr[s.column]) {
      out.push(`${attr[s.column]} ${dir}`);
      continue;
    }
    const entity = ({ 'm:': 'metrics', 'p:': 'params', 't:': 'tags' } as const)[s.column.slice(0, 2)];
    // order_by reads backticked or bare keys only: a key holding a backtick is sorted here, not by the store
    const key = filterKey(s.column.slice(2));
    if (!entity || key === undefined || key.startsWith('"')) return undefined;
    out.push(`${entity}.${key} ${dir}`);
  }
  return out;
}

export interface ShownRow {
  row: TableRow;
  depth: number;
  /** Number of child runs (0: a leaf). */
  children: number;
}

/**
 * Rows in sort order arranged as the nested-run tree: roots in that order, each expanded parent
 * followed by its children (in that order). A run whose parent is not among the rows is a root.
 */
export function arrange(sorted: readonly TableRow[], expanded: ReadonlySet<string>, expandAll = false): ShownRow[] {
  const rows = sorted;
  const ids = new Set(rows.map((r) => r.id));
  const kids = new Map<string, TableRow[]>();
  const roots: TableRow[] = [];
  for (const r of sorted) {
    if (r.parent && r.parent !== r.id && ids.has(r.parent)) {
      const l = kids.get(r.parent);
      if (l) l.push(r);
      else kids.set(r.parent, [r]);
    } else roots.push(r);
  }
  const out: ShownRow[] = [];
  const seen = new Set<string>();
  const visit = (r: TableRow, depth: number) => {
    if (seen.has(r.id)) return; // a parent cycle (corrupt tags) ends here
    seen.add(r.id);
    const ch = kids.get(r.id) ?? [];
    out.push({ row: r, depth, children: ch.length });
    if (ch.length && (expandAll || expanded.has(r.id))) for (const c of ch) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  // runs only reachable through a cycle become roots
  if (expandAll) for (const r of sorted) if (!seen.has(r.id)) visit(r, 0);
  return out;
}

export interface GroupSummary {
  value: string;
  count: number;
  /** Over the finite values of the metric; undefined when the group has none. */
  mean?: number;
  min?: number;
  max?: number;
  /** Runs of the group whose metric is NaN or ±Infinity (left out of mean/min/max, never dropped silently). */
  nonFinite: number;
}

/** Rows grouped by a column's displayed value (missing: "(none)"), with a metric's count, mean, min, max. */
export function groupBy(rows: readonly TableRow[], by: Column, metric?: string): GroupSummary[] {
  const groups = new Map<string, { count: number; sum: number; n: number; min: number; max: number; nonFinite: number }>();
  for (const r of rows) {
    const value = formatCell(r, by) || '(none)';
    let g = groups.get(value);
    if (!g) groups.set(value, (g = { count: 0, sum: 0, n: 0, min: Infinity, max: -Infinity, nonFinite: 0 }));
    g.count++;
    const v = metric === undefined ? undefined : r.metrics.get(metric);
    if (v === undefined) continue;
    if (!Number.isFinite(v)) {
      g.nonFinite++;
      continue;
    }
    g.n++;
    g.sum += v;
    g.min = Math.min(g.min, v);
    g.max = Math.max(g.max, v);
  }
  return [...groups.entries()]
    .map(([value, g]) => ({ value, count: g.count, nonFinite: g.nonFinite, ...(g.n ? { mean: g.sum / g.n, min: g.min, max: g.max } : {}) }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** CSV of the given rows and columns: a run_id column first, metrics at full precision (NaN, Infinity, -Infinity spelled out). */
export function toCsv(rows: readonly TableRow[], columns: readonly Column[]): string {
  const head = ['run_id', ...columns.map((c) => (c.group === 'Attributes' ? c.label : `${c.group.toLowerCase()}.${c.key}`))];
  const lines = [head.map(csvField).join(',')];
  for (const r of rows) {
    const cells = columns.map((c) => {
      if (c.id[0] === 'm') {
        const v = r.metrics.get(c.key);
        return v === undefined ? '' : csvNumber(v);
      }
      if (c.id === 'a:start') return r.start === undefined ? '' : new Date(r.start).toISOString();
      if (c.id === 'a:duration') return duration(r)?.toString() ?? '';
      return formatCell(r, c);
    });
    lines.push([r.id, ...cells].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

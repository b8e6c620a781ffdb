// Runs and metric histories from MLflow's SQL schema (runs, params, tags, latest_metrics, metrics,
// datasets/inputs/input_tags).
import type { SqlValue } from './engine';
import { notFound } from '../errors';
import { MetricColumnsBuilder, type MetricColumns } from '../metricColumns';
import { checkMaxResults, decodeOffsetToken } from '../paging';
import type { DatasetInput, Metric, Page, Run, SearchRunsQuery, ViewType } from '../types';
import { chunks, type Db, placeholders, type Row } from './database';
import { metricFromRow, metricValue, num, RUN_COLS, runInfoFromRow, selectList, str } from './rows';
import { parseFilter } from '../search/parser';
import { RUN_SEARCH_KEYS, runIdentifier } from '../search/runFilter';
import { SQLITE_RUN_FILTER, compileRunFilter, compileRunOrderBy, filterNeeds } from './search';
import { leadingTimeOrder, pageCandidates, sqlRunOrder } from './runOrder';
import { pyOffsetToken } from './tokens';

/** Which keys of a kind to load: every key, only these, or none. */
export type KeySel = 'all' | readonly string[] | undefined;

export interface RunDataSel {
  params?: KeySel;
  tags?: KeySel;
  metrics?: KeySel;
  datasets?: boolean;
  modelInputs?: boolean;
  modelOutputs?: boolean;
}

/** The runs a data query is about: explicit ids, or a sub-select of run_uuids. */
export type RunScope = { ids: readonly string[] } | { sub: string; params: SqlValue[] };

export function emptyRun(info: Run['info']): Run {
  return { info, data: { metrics: [], params: [], tags: [] }, inputs: { datasetInputs: [], modelInputs: [] }, outputs: { modelOutputs: [] } };
}

/** Normalizes what the search module's filterNeeds says (boolean, or a list/set of keys). */
export function toKeySel(v: unknown): KeySel {
  if (v === true) return 'all';
  if (v === false || v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? v.map(String) : undefined;
  if (v instanceof Set) return v.size ? [...v].map(String) : undefined;
  return 'all';
}

function eachScoped(db: Db, scope: RunScope, sqlHead: string, runCol: string, extra: { sql: string; params: SqlValue[] }, tail: string, fn: (r: SqlValue[]) => void): void {
  if ('sub' in scope) {
    db.each(`${sqlHead} WHERE ${runCol} IN (${scope.sub})${extra.sql} ${tail}`, [...scope.params, ...extra.params], fn);
    return;
  }
  // the ids as one JSON array: one value bound instead of one per run (each a string copied into the
  // WASM engine), one statement for any number of runs, and the same plan (the run_uuid index)
  db.each(`${sqlHead} WHERE ${runCol} IN (SELECT value FROM json_each(?))${extra.sql} ${tail}`, [JSON.stringify(scope.ids), ...extra.params], fn);
}

function keyFilter(col: string, sel: KeySel): { sql: string; params: SqlValue[] } {
  if (sel === 'all' || sel === undefined) return { sql: '', params: [] };
  return { sql: ` AND ${col} IN (${placeholders(sel.length)})`, params: [...sel] };
}

/**
 * Fills the selected parts of `runs` (keyed by run id), each list in the order MLflow returns it: row
 * order within a run. params/tags/latest_metrics are read through their run_uuid index, which yields
 * each run's rows in rowid order without an ORDER BY (a sort would cost more than the query).
 */
export function loadRunData(db: Db, runs: Map<string, Run>, scope: RunScope, sel: RunDataSel): void {
  // The same few keys repeat on every run: one string per key instead of one per row (a 5,000-run
  // listing holds ~100,000 of them).
  const keys = new Map<string, string>();
  const intern = (v: SqlValue): string => {
    const k = String(v);
    const hit = keys.get(k);
    if (hit !== undefined) return hit;
    keys.set(k, k);
    return k;
  };
  if (sel.params && db.hasTable('params')) {
    eachScoped(db, scope, 'SELECT run_uuid, key, value FROM params', 'run_uuid', keyFilter('key', sel.params), '', (r) => {
      runs.get(r[0] as string)?.data.params.push({ key: intern(r[1]), value: str(r[2]) ?? '' });
    });
  }
  if (sel.tags && db.hasTable('tags')) {
    eachScoped(db, scope, 'SELECT run_uuid, key, value FROM tags', 'run_uuid', keyFilter('key', sel.tags), '', (r) => {
      runs.get(r[0] as string)?.data.tags.push({ key: intern(r[1]), value: str(r[2]) ?? '' });
    });
  }
  if (sel.metrics && db.hasTable('latest_metrics')) {
    eachScoped(
      db,
      scope,
      'SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics',
      'run_uuid',
      keyFilter('key', sel.metrics),
      '',
      (r) => {
        runs.get(r[0] as string)?.data.metrics.push(metricFromRow(r, 1));
      },
    );
  }
  if (sel.datasets && !db.isEmpty('inputs') && db.hasTable('datasets')) loadDatasetInputs(db, runs, scope);
  const hasModelIo = db.hasTable('logged_models') && !db.isEmpty('inputs');
  if (hasModelIo && sel.modelOutputs) {
    const step = db.hasColumn('inputs', 'step') ? 'step' : '0';
    eachScoped(
      db,
      scope,
      `SELECT source_id, destination_id, ${step} FROM inputs`,
      'source_id',
      { sql: " AND source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT'", params: [] },
      'ORDER BY rowid',
      (r) => {
        runs.get(r[0] as string)?.outputs.modelOutputs.push({ modelId: String(r[1]), step: num(r[2]) ?? 0 });
      },
    );
  }
  if (hasModelIo && sel.modelInputs) {
    eachScoped(
      db,
      scope,
      'SELECT source_id, destination_id FROM inputs',
      'source_id',
      { sql: " AND source_type = 'RUN_INPUT' AND destination_type = 'MODEL_INPUT'", params: [] },
      'ORDER BY rowid',
      (r) => {
        runs.get(r[0] as string)?.inputs.modelInputs.push({ modelId: String(r[1]) });
      },
    );
  }
}

function loadDatasetInputs(db: Db, runs: Map<string, Run>, scope: RunScope): void {
  const byInput = new Map<string, DatasetInput>();
  eachScoped(
    db,
    scope,
    'SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile ' +
      'FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id',
    'i.destination_id',
    { sql: " AND i.source_type = 'DATASET' AND i.destination_type = 'RUN'", params: [] },
    'ORDER BY i.rowid',
    (r) => {
      const run = runs.get(r[0] as string);
      if (!run) return;
      const di: DatasetInput = {
        tags: [],
        dataset: { name: str(r[2]) ?? '', digest: str(r[3]) ?? '', sourceType: str(r[4]) ?? '', source: str(r[5]) ?? '' },
      };
      const schema = str(r[6]);
      if (schema !== undefined) di.dataset.schema = schema;
      const profile = str(r[7]);
      if (profile !== undefined) di.dataset.profile = profile;
      run.inputs.datasetInputs.push(di);
      byInput.set(String(r[1]), di);
    },
  );
  if (byInput.size === 0 || !db.hasTable('input_tags')) return;
  for (const part of chunks([...byInput.keys()])) {
    db.each(`SELECT input_uuid, name, value FROM input_tags WHERE input_uuid IN (${placeholders(part.length)}) ORDER BY rowid`, part, (r) => {
      byInput.get(String(r[0]))?.tags.push({ key: String(r[1]), value: str(r[2]) ?? '' });
    });
  }
}

const FULL: RunDataSel = { params: 'all', tags: 'all', metrics: 'all', datasets: true, modelInputs: true, modelOutputs: true };

export function getRun(db: Db, runId: string, uri: string): Run {
  const rows = db.rows(`SELECT ${selectList(db, 'runs', 'r', RUN_COLS)} FROM runs r WHERE r.run_uuid = ?`, [runId]);
  if (!rows.length) throw notFound(`Run with id=${runId}`, uri);
  const run = emptyRun(runInfoFromRow(rows[0]));
  loadRunData(db, new Map([[run.info.runId, run]]), { ids: [run.info.runId] }, FULL);
  return run;
}

function stagesFor(viewType: ViewType | undefined): string[] {
  switch (viewType ?? 'ACTIVE_ONLY') {
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
    default:
      return ['active'];
  }
}

const NUMERIC_SQL_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * SQL conditions on `r` that every run matching `filter` meets, for the clauses that map one to one
 * onto the schema's indexes (as MLflow's SQLAlchemy store joins them): a metric compared with a number
 * (latest_metrics, primary key (key, run_uuid); NaN is stored as 0, which is what the SQL store
 * compares), a param or tag equal to a string (primary key (key, run_uuid)). They only narrow the
 * candidates: the compiled filter still decides, so clauses left out cost time, never correctness.
 */
export function sqlNarrowing(db: Db, filter: string | undefined): { sql: string; params: SqlValue[]; known: { params: Map<string, string>; tags: Map<string, string> } } {
  let sql = '';
  const params: SqlValue[] = [];
  // param/tag values every candidate is known to have (key, run_uuid is their primary key): no need to read them
  const known = { params: new Map<string, string>(), tags: new Map<string, string>() };
  if (!filter) return { sql, params, known };
  for (const c of parseFilter(filter)) {
    const { entity, key } = runIdentifier(c.lhs.segments, RUN_SEARCH_KEYS);
    if (entity === 'metric' && c.rhs.kind === 'number' && NUMERIC_SQL_OPS.has(c.op) && db.hasTable('latest_metrics')) {
      sql += ` AND EXISTS (SELECT 1 FROM latest_metrics m WHERE m.key = ? AND m.run_uuid = r.run_uuid AND m.value ${c.op} ?)`;
      params.push(key, c.rhs.value);
    } else if ((entity === 'parameter' || entity === 'tag') && c.op === '=' && c.rhs.kind === 'string' && db.hasTable(entity === 'tag' ? 'tags' : 'params')) {
      sql += ` AND EXISTS (SELECT 1 FROM ${entity === 'tag' ? 'tags' : 'params'} x WHERE x.key = ? AND x.run_uuid = r.run_uuid AND x.value = ?)`;
      params.push(key, c.rhs.text);
      known[entity === 'tag' ? 'tags' : 'params'].set(key, c.rhs.text);
    }
  }
  return { sql, params, known };
}

const PAGE_DATA: RunDataSel = { params: 'all', tags: 'all', metrics: 'all', datasets: true, modelOutputs: true };

/**
 * MLflow's search_runs. Default/attribute ordering without a filter: ORDER BY/LIMIT in SQL and data
 * for the page only. Otherwise: every candidate's info plus only the data the filter/order needs, then
 * the compiled filter and order in memory, then full data for the page. Like the SQL store, a page that
 * is exactly full carries a next token (the following page may be empty).
 */
export function searchRuns(db: Db, q: SearchRunsQuery): Page<Run> {
  const maxResults = checkMaxResults(q.maxResults, 1000, 50000);
  const offset = decodeOffsetToken(q.pageToken);
  const filter = q.filter?.trim() ? q.filter : undefined;
  const matches = compileRunFilter(filter, SQLITE_RUN_FILTER);
  const order = compileRunOrderBy(q.orderBy);
  const needs = filterNeeds(filter, q.orderBy) as unknown as Record<string, unknown>;
  const expIds = q.experimentIds.map(String);
  if (!expIds.length) return { items: [] };
  const stages = stagesFor(q.runViewType);
  const where = `r.experiment_id IN (${placeholders(expIds.length)}) AND r.lifecycle_stage IN (${placeholders(stages.length)})`;
  const whereParams: SqlValue[] = [...expIds, ...stages];
  const cols = selectList(db, 'runs', 'r', RUN_COLS);

  let page: Run[];
  const sqlOrder = filter ? undefined : sqlRunOrder(q.orderBy);
  if (sqlOrder !== undefined) {
    // runs has no index for this order (neither has MLflow's schema): every run is sorted. The sort
    // carries only the keys and the rowid; the page's rows are read afterwards (a sort that carried
    // every column cost the WASM engine about twice as much)
    const lead = leadingTimeOrder(q.orderBy);
    const candidates = lead ? pageCandidates(db, lead, where, whereParams, offset + maxResults) : undefined;
    const rows =
      candidates !== undefined
        ? db.rows(`SELECT ${cols} FROM runs r WHERE r.rowid IN (SELECT value FROM json_each(?)) ORDER BY ${sqlOrder} LIMIT ? OFFSET ?`, [candidates, maxResults, offset])
        : db.rows(`SELECT ${cols} FROM runs r WHERE r.rowid IN (SELECT r.rowid FROM runs r WHERE ${where} ORDER BY ${sqlOrder} LIMIT ? OFFSET ?) ORDER BY ${sqlOrder}`, [
            ...whereParams,
            maxResults,
            offset,
          ]);
    page = rows.map((r) => emptyRun(runInfoFromRow(r)));
  } else {
    const narrow = sqlNarrowing(db, filter);
    const candidates = `${where}${narrow.sql}`;
    const candidateParams = [...whereParams, ...narrow.params];
    const all: Run[] = [];
    const byId = new Map<string, Run>();
    db.each(`SELECT ${cols} FROM runs r WHERE ${candidates}`, candidateParams, (r) => {
      const run = emptyRun(runInfoFromRow(r));
      all.push(run);
      byId.set(run.info.runId, run);
    });
    // keys whose value the narrowing fixed are set on every candidate instead of read
    const unknownKeys = (sel: KeySel, fixed: Map<string, string>): KeySel => {
      if (sel === 'all' || sel === undefined || fixed.size === 0) return sel;
      const rest = sel.filter((k) => !fixed.has(k));
      return rest.length ? rest : undefined;
    };
    // only the keys the filter and order name (filterNeeds lists them)
    const keys = (needs.keys ?? {}) as Record<string, unknown>;
    const keysOf = (what: 'params' | 'tags' | 'metrics'): KeySel => (needs[what] === true && Array.isArray(keys[what]) ? toKeySel(keys[what]) : toKeySel(needs[what]));
    const paramSel = keysOf('params');
    const tagSel = keysOf('tags');
    const sel: RunDataSel = {
      params: unknownKeys(paramSel, narrow.known.params),
      tags: unknownKeys(tagSel, narrow.known.tags),
      metrics: keysOf('metrics'),
      datasets: toKeySel(needs.datasets) !== undefined,
    };
    for (const [selected, fixed, field] of [[paramSel, narrow.known.params, 'params'], [tagSel, narrow.known.tags, 'tags']] as const) {
      if (!Array.isArray(selected)) continue;
      const pairs = [...fixed].filter(([k]) => selected.includes(k));
      for (const run of all) for (const [key, value] of pairs) run.data[field].push({ key, value });
    }
    if (all.length && (sel.params || sel.tags || sel.metrics || sel.datasets)) {
      // narrowed candidates by id: a sub-select would evaluate the narrowing again per table
      const scope: RunScope = narrow.sql ? { ids: [...byId.keys()] } : { sub: `SELECT r.run_uuid FROM runs r WHERE ${where}`, params: whereParams };
      loadRunData(db, byId, scope, sel);
    }
    const kept = filter ? all.filter(matches) : all;
    kept.sort(order);
    page = kept.slice(offset, offset + maxResults).map((r) => emptyRun(r.info));
  }
  if (page.length) {
    const byId = new Map(page.map((r) => [r.info.runId, r]));
    // a page holding every candidate: one scan per table beats hundreds of IN (...) probes
    const everything = offset === 0 && page.length < maxResults && !filter && page.length > 900;
    loadRunData(db, byId, everything ? { sub: `SELECT r.run_uuid FROM runs r WHERE ${where}`, params: whereParams } : { ids: [...byId.keys()] }, PAGE_DATA);
  }
  return page.length === maxResults ? { items: page, nextPageToken: pyOffsetToken(offset + maxResults) } : { items: page };
}

/**
 * `metrics` rows of one run and key. Left to itself SQLite answers `run_uuid = ? AND key = ?` from the
 * primary key (key, timestamp, …), which covers the query but walks that key's points of EVERY run
 * (4 million rows for `loss` in a 5,000-run store: 0.5 s for an 800-point history); `+key` makes it use
 * index_metrics_run_uuid, which reads only the run's own rows.
 */
function metricRowsOf(db: Db): string {
  return db.hasIndex('index_metrics_run_uuid') ? 'FROM metrics WHERE run_uuid = ? AND +key = ?' : 'FROM metrics WHERE run_uuid = ? AND key = ?';
}

/**
 * The rows of `sql` in ORDER BY `cols` (column indexes, ascending, numeric columns). A run's points
 * come from its index in the order they were logged, which is almost always time order already: an
 * O(n) check replaces SQLite's sort of 100,000 points (a third of a history's cost); a stable sort
 * handles the rest.
 */
function orderedRows(db: Db, sql: string, params: SqlValue[], cols: readonly number[]): Row[] {
  const rows = db.rows(sql, params);
  const cmp = (a: Row, b: Row): number => {
    for (const c of cols) {
      const d = Number(a[c]) - Number(b[c]);
      if (d !== 0) return d;
    }
    return 0;
  };
  for (let i = 1; i < rows.length; i++) {
    if (cmp(rows[i - 1], rows[i]) > 0) return rows.sort(cmp);
  }
  return rows;
}

// Histories can have 100k+ points: the key is not selected (decoding it per row is the dearest part),
// and each row becomes its point at once (no row arrays kept beside the points for the order check).
const pointOf = (key: string, r: SqlValue[]): Metric => ({ key, value: metricValue(r[0], r[3]), timestamp: num(r[1]) ?? 0, step: num(r[2]) ?? 0 });

/** The stored value SQL orders by: NaN is stored as 0 (MLflow's SqlAlchemyStore), ±inf as ±DBL_MAX (same order). */
const storedOrder = (v: number): number => (Number.isNaN(v) ? 0 : v);
const byTimeStepValue = (a: Metric, b: Metric): number => a.timestamp - b.timestamp || a.step - b.step || storedOrder(a.value) - storedOrder(b.value);
const byStepTime = (a: Metric, b: Metric): number => a.step - b.step || a.timestamp - b.timestamp;

/** The points of `sql` in `cmp`'s order: almost always their logged order already (an O(n) check), else a stable sort. */
function orderedPoints(db: Db, sql: string, params: SqlValue[], key: string, cmp: (a: Metric, b: Metric) => number): Metric[] {
  const points: Metric[] = [];
  db.each(sql, params, (r) => points.push(pointOf(key, r)));
  for (let i = 1; i < points.length; i++) {
    if (cmp(points[i - 1], points[i]) > 0) return points.sort(cmp);
  }
  return points;
}

export function getMetricHistory(db: Db, runId: string, key: string): Metric[] {
  // ORDER BY timestamp, step, value
  return orderedPoints(db, `SELECT value, timestamp, step, is_nan ${metricRowsOf(db)}`, [runId, key], key, byTimeStepValue);
}

/**
 * The points of getMetricHistory as columns sorted by (step, timestamp, value) — what a stable
 * (step, timestamp) sort of getMetricHistory's (timestamp, step, value) order gives — without an
 * object per point.
 */
export function getMetricColumns(db: Db, runId: string, key: string): MetricColumns {
  const columns = new MetricColumnsBuilder();
  // ORDER BY step, timestamp, value
  for (const r of orderedRows(db, `SELECT value, timestamp, step, is_nan ${metricRowsOf(db)}`, [runId, key], [2, 1, 0])) {
    columns.push(num(r[2]) ?? 0, metricValue(r[0], r[3]), num(r[1]) ?? 0);
  }
  return columns.finish();
}

export function getMetricHistoryInSteps(db: Db, runId: string, key: string, startStep?: number, endStep?: number): Metric[] {
  let sql = `SELECT value, timestamp, step, is_nan ${metricRowsOf(db)}`;
  const params: SqlValue[] = [runId, key];
  if (startStep !== undefined) {
    sql += ' AND step >= ?';
    params.push(startStep);
  }
  if (endStep !== undefined) {
    sql += ' AND step <= ?';
    params.push(endStep);
  }
  // ORDER BY step, timestamp
  return orderedPoints(db, sql, params, key, byStepTime);
}

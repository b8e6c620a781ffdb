// The order of a page of runs in SQL: MLflow's ORDER BY for attribute clauses, and for a page ordered
// first by a time column the few runs that can be on it (so that SQLite sorts those, not every run).
import type { Db, Row, SqlValue } from './database';

const ORDER_COLUMNS: Record<string, string> = {
  start_time: 'start_time',
  created: 'start_time',
  Created: 'start_time',
  end_time: 'end_time',
  run_name: 'name',
  'run name': 'name',
  'Run name': 'name',
  'Run Name': 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  run_id: 'run_uuid',
};

/** ORDER BY for attribute-only order_by clauses (MLflow: NULLs last, then start_time DESC, run_uuid), else undefined. */
export function sqlRunOrder(orderBy: readonly string[] | undefined): string | undefined {
  const terms: string[] = [];
  let hasStart = false;
  for (const clause of orderBy ?? []) {
    const m = /^\s*(?:(?:attributes|attribute|attr|run)\.)?(?:`([^`]+)`|"([^"]+)"|([A-Za-z_]+))\s*(?:\s(ASC|DESC))?\s*$/i.exec(clause);
    if (!m) return undefined;
    const col = ORDER_COLUMNS[m[1] ?? m[2] ?? m[3]];
    if (!col) return undefined;
    if (col === 'start_time') hasStart = true;
    const dir = (m[4] ?? 'ASC').toUpperCase();
    terms.push(`(r.${col} IS NULL)`, `r.${col} ${dir}`);
  }
  if (!hasStart) terms.push('r.start_time DESC');
  terms.push('r.run_uuid');
  return terms.join(', ');
}

/** The column and direction the first page is ordered by first, when it is a time (integer) column, else undefined. */
export function leadingTimeOrder(orderBy: readonly string[] | undefined): { col: string; desc: boolean } | undefined {
  const first = sqlRunOrder(orderBy)?.split(', ').find((t) => !t.endsWith(' IS NULL)'));
  const m = first && /^r\.(start_time|end_time) (ASC|DESC)$/.exec(first);
  return m ? { col: m[1], desc: m[2] === 'DESC' } : undefined;
}

/** A JSON array of integers of up to 15 digits (SQLite writes a real with a '.' or an exponent, text quoted). */
const INTEGERS = /^\[-?(?:0|[1-9]\d{0,14})(?:,-?(?:0|[1-9]\d{0,14}))*\]$/;

/**
 * The rowids of the runs that can be on a page ordered first by a time column: those at or past the
 * k-th value in that order (ties included), as a JSON array for json_each. SQLite then sorts ~k runs
 * instead of all of them (its sort inserts every run into a B-tree: three times the cost of the scan
 * in the WASM engine). Both columns come back as one JSON array each: one row handed over instead of
 * 5,000. Undefined (sort them all) when fewer than k runs have a value (runs without one sort last)
 * or a value is not an integer (integers below 10^15 are exact in JS).
 */
export function pageCandidates(db: Db, order: { col: string; desc: boolean }, where: string, params: SqlValue[], k: number): string | undefined {
  let row: Row | undefined;
  try {
    [row] = db.rows(`SELECT json_group_array(r.rowid), json_group_array(r.${order.col}) FROM runs r WHERE ${where} AND r.${order.col} IS NOT NULL`, params);
  } catch (e) {
    if (/JSON cannot hold BLOB/i.test(String((e as Error)?.message))) return undefined; // a blob time: SQLite sorts it
    throw e;
  }
  if (typeof row?.[0] !== 'string' || typeof row[1] !== 'string' || !INTEGERS.test(row[0]) || !INTEGERS.test(row[1])) return undefined;
  const rowids = JSON.parse(row[0]) as number[];
  const values = JSON.parse(row[1]) as number[];
  const n = values.length;
  if (n < k || rowids.length !== n) return undefined;
  const sorted = Float64Array.from(values).sort();
  const bound = order.desc ? sorted[n - k] : sorted[k - 1];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) if (order.desc ? values[i] >= bound : values[i] <= bound) ids.push(rowids[i]);
  return JSON.stringify(ids);
}

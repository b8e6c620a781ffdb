// Raw reads of a SQLite store through node:sqlite, for tests that check what is stored (not what the
// store under test says). Only where node:sqlite exists (Node 22.13+; the extension host's Node 24).
import { nodeSqlite } from '../../src/tracking/sqlite/nodeSqliteEngine';

export type Rows = unknown[][];

export function sqliteRows(file: string, sql: string, params: (string | number)[] = []): Rows {
  const db = new (nodeSqlite()!.DatabaseSync)(file);
  try {
    const st = db.prepare(sql);
    st.setReturnArrays!(true);
    return st.all(...params) as Rows;
  } finally {
    db.close();
  }
}

/** What a run edit can change: the run row's name/lifecycle and the run's tags (in row order). */
export function runState(file: string, runId: string): { name: unknown; stage: unknown; deleted: boolean; tags: string[] } {
  const [r] = sqliteRows(file, 'SELECT name, lifecycle_stage, deleted_time FROM runs WHERE run_uuid = ?', [runId]);
  const tags = sqliteRows(file, 'SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY rowid', [runId]).map((t) => `${t[0]}=${t[1]}`);
  return { name: r[0], stage: r[1], deleted: r[2] !== null, tags };
}

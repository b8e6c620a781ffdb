// node:sqlite (Node's built-in SQLite) as a SqlEngine: one connection on the user's file, SQLite's
// own file locks and WAL reading, a short busy timeout (the caller retries without blocking the
// extension host for long).
import type { Row, SqlEngine, SqlValue } from './engine';

// The slice of node:sqlite's API used here (@types/node is pinned to Node 20, which has no node:sqlite).
interface StatementSync {
  all(...params: SqlValue[]): unknown[];
  run(...params: SqlValue[]): { changes: number | bigint };
  setReturnArrays?(enabled: boolean): void;
}
interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqlite {
  DatabaseSync: new (path: string, options?: { open?: boolean; readOnly?: boolean }) => DatabaseSync;
}

let loaded: NodeSqlite | null | undefined;

/**
 * node:sqlite, or undefined when this runtime has none we can use: Node < 22.13 has none without
 * --experimental-sqlite, and before 22.16 statements cannot return rows as arrays (rows as objects
 * lose duplicate and reorder numeric column names), so those runtimes read through sql.js.
 */
export function nodeSqlite(): NodeSqlite | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('node:sqlite') as NodeSqlite;
      const probe = new mod.DatabaseSync(':memory:');
      try {
        loaded = typeof probe.prepare('SELECT 1').setReturnArrays === 'function' ? mod : null;
      } finally {
        probe.close();
      }
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** Milliseconds SQLite itself waits for a lock before answering SQLITE_BUSY (the caller then retries asynchronously). */
export const BUSY_TIMEOUT_MS = 200;

export class NodeSqliteEngine implements SqlEngine {
  readonly name = 'node:sqlite' as const;
  readonly live = true;
  private readonly statements = new Map<string, StatementSync>();

  private constructor(private readonly db: DatabaseSync) {}

  /** Opens `file` (which must exist: the caller checks, SQLite would create it). Throws node:sqlite's errors. */
  static open(file: string): NodeSqliteEngine {
    const mod = nodeSqlite();
    if (!mod) throw new Error('node:sqlite is not available in this runtime');
    const db = new mod.DatabaseSync(file);
    try {
      // Same LIKE semantics as MLflow (it sets this pragma on every session).
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA case_sensitive_like = true;`);
      return new NodeSqliteEngine(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private statement(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 256) this.statements.clear();
      st = this.db.prepare(sql);
      st.setReturnArrays!(true);
      this.statements.set(sql, st);
    }
    return st;
  }

  all(sql: string, params: readonly SqlValue[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void {
    for (const r of this.all(sql, params)) fn(r);
  }

  run(sql: string, params: readonly SqlValue[]): number {
    return Number(this.statement(sql).run(...params).changes);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

// node:sqlite (Node's built-in SQLite) as a SqlEngine: one connection on the user's file, SQLite's
// own file locks and WAL reading, a short busy timeout (the caller retries without blocking the
// extension host for long).
import * as fs from 'node:fs';
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

/** node:sqlite, or undefined when this runtime has none (Node < 22.13 has it only behind --experimental-sqlite). */
export function nodeSqlite(): NodeSqlite | undefined {
  if (loaded === undefined) {
    try {
      loaded = require('node:sqlite') as NodeSqlite;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** Whether statements can hand rows over as arrays (Node 24; Node 22 gives objects keyed by column name). */
function arraysSupported(db: DatabaseSync): boolean {
  return typeof db.prepare('SELECT 1').setReturnArrays === 'function';
}

/** Milliseconds SQLite itself waits for a lock before answering SQLITE_BUSY (the caller then retries asynchronously). */
export const BUSY_TIMEOUT_MS = 200;

export class NodeSqliteEngine implements SqlEngine {
  readonly name = 'node:sqlite' as const;
  readonly live = true;
  private readonly statements = new Map<string, StatementSync>();

  private constructor(
    private readonly file: string,
    /** The file's identity when opened: a file replaced by another (a new inode) needs a new connection. */
    private readonly identity: string,
    private readonly db: DatabaseSync,
    /**
     * Rows arrive as objects (Node 22): their values are taken in key order, which is the column order
     * as long as a query's column names are unique and not integers; every query of this backend keeps
     * to that (selectList aliases its NULLs), and the conformance suite runs in this mode too.
     */
    private readonly objectRows: boolean,
  ) {}

  /** Opens `file` (which must exist: the caller checks, SQLite would create it). Throws node:sqlite's errors. */
  static open(file: string, options: { objectRows?: boolean } = {}): NodeSqliteEngine {
    const mod = nodeSqlite();
    if (!mod) throw new Error('node:sqlite is not available in this runtime');
    const before = fs.statSync(file);
    const db = new mod.DatabaseSync(file);
    try {
      // Same LIKE semantics as MLflow (it sets this pragma on every session).
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA case_sensitive_like = true;`);
      return new NodeSqliteEngine(file, `${before.dev}:${before.ino}`, db, options.objectRows === true || !arraysSupported(db));
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
      if (!this.objectRows) st.setReturnArrays!(true);
      this.statements.set(sql, st);
    }
    return st;
  }

  all(sql: string, params: readonly SqlValue[]): Row[] {
    const rows = this.statement(sql).all(...params);
    return this.objectRows ? (rows as Record<string, SqlValue>[]).map((r) => Object.values(r)) : (rows as Row[]);
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

  /** SQLite checks its own cache at each transaction (change counter, WAL index): only a replaced file needs a new connection. */
  reusable(): boolean {
    try {
      const st = fs.statSync(this.file);
      return `${st.dev}:${st.ino}` === this.identity;
    } catch {
      return false;
    }
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

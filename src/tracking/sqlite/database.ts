// An MLflow SQLite database through one of the engines (node:sqlite in place, or sql.js over pages read on demand):
// schema knowledge, read transactions (one consistent snapshot per store call), write transactions
// that take SQLite's write lock up front, and the file signature change detection compares.
import * as fs from 'node:fs';
import { TrackingError } from '../errors';
import { type EngineChoice, isBusy, isNotADatabase, type Row, SCHEMA_TABLES_SQL, type SqlEngine, type SqlValue } from './engine';
import { enginePool } from './enginePool';
import { NodeSqliteEngine, nodeSqlite } from './nodeSqliteEngine';
import { FileChanged } from './pagedFile';
import { SqlJsEngine } from './sqlJsEngine';

export type { Row, SqlValue } from './engine';
export { loadSqlJs } from './sqlJsEngine';
export { applyWal } from './walFrames';

/** The engine 'auto' picks in this runtime. */
export function autoEngine(): 'node:sqlite' | 'sql.js' {
  return nodeSqlite() ? 'node:sqlite' : 'sql.js';
}

/** Every engine this runtime can use (conformance tests run on each). */
export function availableEngines(): ('node:sqlite' | 'sql.js')[] {
  return nodeSqlite() ? ['node:sqlite', 'sql.js'] : ['sql.js'];
}

export interface FileSignature {
  db: string;
  wal: string;
}

function sig(st: fs.Stats | undefined): string {
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : '-';
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The database's and its -wal's stat, compared before each call. Synchronous: two stat(2) of a local
 * file cost microseconds, while a promise-based stat per call cost about 0.5 ms of the first page's
 * CPU (and the engines read the file synchronously anyway).
 */
export function fileSignature(dbPath: string): FileSignature {
  return { db: sig(statOrUndefined(dbPath)), wal: sig(statOrUndefined(dbPath + '-wal')) };
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature): boolean {
  return a !== undefined && a.db === b.db && a.wal === b.wal;
}

/** Which idle engines (enginePool.ts) may serve an open with these options. */
function poolKey(dbPath: string, name: string, wasmPath?: string, objectRows?: boolean): string {
  return JSON.stringify([name, dbPath, wasmPath ?? '', objectRows === true]);
}

async function openEngine(key: string, name: 'node:sqlite' | 'sql.js', dbPath: string, uri: string, wasmPath?: string, objectRows?: boolean): Promise<SqlEngine> {
  const idle = enginePool.take(key);
  if (idle) return idle;
  if (name === 'sql.js') return SqlJsEngine.open(dbPath, uri, wasmPath);
  // node:sqlite would create a missing file: look first
  try {
    if (!(await fs.promises.stat(dbPath)).isFile()) throw Object.assign(new Error(`${dbPath} is not a file`), { code: 'EISDIR' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TrackingError(code === 'ENOENT' ? 'notFound' : 'unreachable', `Cannot read the SQLite database ${dbPath}: ${(e as Error).message}`, { uri, cause: e });
  }
  return NodeSqliteEngine.open(dbPath, { objectRows });
}

/** A database with cached prepared statements and schema knowledge. */
export class Db {
  private tableCache: Set<string> | undefined;
  private indexCache: Set<string> | undefined;
  private readonly columnCache = new Map<string, Set<string>>();
  private readonly emptyCache = new Map<string, boolean>();
  private inTransaction = false;

  constructor(
    readonly engine: SqlEngine,
    /** Where the engine goes when this database is closed (enginePool.ts); none: it is closed. */
    private readonly poolKey?: string,
  ) {}

  static async open(dbPath: string, uri: string, options: { engine?: EngineChoice; wasmPath?: string; objectRows?: boolean } = {}): Promise<Db> {
    // a lock-free engine whose first read met another process's commit: open it again
    const deadline = Date.now() + 5000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await Db.openOnce(dbPath, uri, options);
      } catch (e) {
        if (!(e instanceof FileChanged) || Date.now() >= deadline) throw e;
        await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** attempt, 250)));
      }
    }
  }

  private static async openOnce(dbPath: string, uri: string, options: { engine?: EngineChoice; wasmPath?: string; objectRows?: boolean }): Promise<Db> {
    let engine: SqlEngine;
    const choice = options.engine ?? 'auto';
    const name = choice === 'auto' ? autoEngine() : choice;
    const key = poolKey(dbPath, name, options.wasmPath, options.objectRows);
    try {
      engine = await openEngine(key, name, dbPath, uri, options.wasmPath, options.objectRows);
    } catch (e) {
      if (e instanceof TrackingError || isBusy(e)) throw e;
      throw new TrackingError('invalidData', `${dbPath} is not a readable SQLite database: ${(e as Error).message}`, { uri, cause: e });
    }
    try {
      const db = new Db(engine, key);
      const ok = db.read(() => db.hasTable('experiments') && db.hasTable('runs'));
      if (!ok) throw new TrackingError('invalidData', `${dbPath} is a SQLite database but not an MLflow tracking store (no experiments/runs tables).`, { uri });
      return db;
    } catch (e) {
      engine.close();
      if (e instanceof TrackingError || e instanceof FileChanged) throw e;
      if (!isNotADatabase(e) && /locked|busy/i.test(String((e as Error).message))) {
        throw new TrackingError('unreachable', `${dbPath} stayed locked by another process: ${(e as Error).message}`, { uri, cause: e, hint: 'Try again in a moment.' });
      }
      throw new TrackingError('invalidData', `${dbPath} is not a readable SQLite database: ${(e as Error).message}`, { uri, cause: e });
    }
  }

  get tables(): Set<string> {
    if (!this.tableCache) this.tableCache = new Set(this.rows(SCHEMA_TABLES_SQL).map((r) => String(r[0])));
    return this.tableCache;
  }

  hasIndex(name: string): boolean {
    if (!this.indexCache) this.indexCache = new Set(this.rows("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => String(r[0])));
    return this.indexCache.has(name);
  }

  /** Forget what was learnt about the schema and empty tables (the file changed). */
  invalidate(): void {
    this.tableCache = undefined;
    this.indexCache = undefined;
    this.columnCache.clear();
    this.emptyCache.clear();
  }

  hasTable(name: string): boolean {
    return this.tables.has(name);
  }

  columns(table: string): Set<string> {
    let c = this.columnCache.get(table);
    if (!c) {
      c = this.hasTable(table) ? new Set(this.rows(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).map((r) => String(r[1]))) : new Set();
      this.columnCache.set(table, c);
    }
    return c;
  }

  /** True when the table is missing or has no rows (checked once per snapshot). */
  isEmpty(table: string): boolean {
    let e = this.emptyCache.get(table);
    if (e === undefined) {
      e = !this.hasTable(table) || this.rows(`SELECT 1 FROM "${table.replace(/"/g, '""')}" LIMIT 1`).length === 0;
      this.emptyCache.set(table, e);
    }
    return e;
  }

  hasColumn(table: string, column: string): boolean {
    return this.columns(table).has(column);
  }

  /** Runs `sql` and calls `fn` with each row (an array that may be reused: copy what you keep). */
  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void {
    this.engine.each(sql, params, fn);
  }

  rows(sql: string, params: readonly SqlValue[] = []): Row[] {
    return this.engine.all(sql, params);
  }

  /** A statement that changes rows (inside write()); returns how many it changed. */
  run(sql: string, params: readonly SqlValue[] = []): number {
    return this.engine.run(sql, params);
  }

  /**
   * `fn`'s statements in one read transaction: one consistent snapshot even while another process
   * commits (a snapshot engine is consistent by construction). Throws SQLITE_BUSY errors for the
   * caller to retry.
   */
  read<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    if (this.engine.live) return this.transaction('BEGIN', fn);
    this.inTransaction = true;
    try {
      return this.engine.read ? this.engine.read(fn) : fn();
    } finally {
      this.inTransaction = false;
    }
  }

  /** `fn`'s statements in one write transaction that takes the write lock first (BEGIN IMMEDIATE). */
  write<T>(fn: () => T): T {
    if (this.engine.writeBlocker) throw new Error(this.engine.writeBlocker);
    return this.transaction('BEGIN IMMEDIATE', fn);
  }

  private transaction<T>(begin: string, fn: () => T): T {
    this.engine.exec(begin);
    this.inTransaction = true;
    try {
      const out = fn();
      this.engine.exec('COMMIT');
      return out;
    } catch (e) {
      try {
        this.engine.exec('ROLLBACK');
      } catch {
        // no transaction left to roll back (SQLite rolled back itself)
      }
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  /** Done with the database: its engine goes to the pool for the next open of the same file. */
  close(): void {
    if (this.poolKey === undefined || this.inTransaction) this.engine.close();
    else enginePool.give(this.poolKey, this.engine);
  }
}

/** `?,?,…` for n values. */
export function placeholders(n: number): string {
  return n <= 0 ? '' : '?' + ',?'.repeat(n - 1);
}

/** Splits `values` for IN (...) lists under SQLite's variable limit. */
export function chunks<T>(values: readonly T[], size = 900): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

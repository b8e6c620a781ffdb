// sql.js (SQLite in WASM) as a SqlEngine, for hosts without node:sqlite (VS Code ≤ 1.100, Node 20).
// SQLite in WASM reads its database from Emscripten's in-memory file system; here that file's bytes are
// an object that reads them from the user's file when SQLite asks (pagedFile.ts): opening reads one
// page, a query reads the pages it touches, whatever the file weighs. The engine takes no file locks,
// so it never writes, and each read is checked afterwards for a concurrent writer (then retried on a
// fresh open, which is cheap).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic } from 'sql.js';
import { TrackingError } from '../errors';
import { type Row, SCHEMA_TABLES_SQL, type SqlEngine, type SqlValue } from './engine';
import { FileChanged, PagedFile } from './pagedFile';
import { type SqliteExports, SqlJsStatements } from './sqlJsStatements';

const sqlJsCache = new Map<string, Promise<SqlJsStatic>>();

export function defaultWasmPath(): string {
  try {
    return path.join(path.dirname(require.resolve('sql.js')), 'sql-wasm.wasm');
  } catch {
    return path.join(__dirname, 'sql-wasm.wasm');
  }
}

/** sql.js is initialised once per wasm file; later opens reuse the compiled module. */
export function loadSqlJs(wasmPath = defaultWasmPath()): Promise<SqlJsStatic> {
  let p = sqlJsCache.get(wasmPath);
  if (!p) {
    p = (async () => {
      const wasmBinary = await fs.promises.readFile(wasmPath);
      const init = require('sql.js') as (config?: Record<string, unknown>) => Promise<SqlJsStatic>;
      return init({ wasmBinary: new Uint8Array(wasmBinary.buffer, wasmBinary.byteOffset, wasmBinary.byteLength) });
    })();
    p.catch(() => sqlJsCache.delete(wasmPath));
    sqlJsCache.set(wasmPath, p);
  }
  return p;
}

function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^\d+$/.test(key);
}

/**
 * What sql.js's `new Database(bytes)` is given: Emscripten's MEMFS keeps `bytes.slice(0, length)` as the
 * file's contents, and serves SQLite's reads with `contents.subarray(from, to)` (reads of ≤ 8 bytes
 * index it instead). This stands in for those bytes and reads them from `file` on demand; any write
 * into it fails (the engine is read-only).
 */
function bytesOnDemand(file: PagedFile): Uint8Array {
  const size = file.size;
  const target = {
    length: size,
    byteLength: size,
    byteOffset: 0,
    buffer: undefined,
    subarray: (from = 0, to = size) => file.read(from, Math.max(0, Math.min(to, size) - from)),
    slice: (from = 0, to = size): unknown => (from === 0 && to >= size ? proxy : Uint8Array.prototype.slice.call(file.read(from, Math.max(0, Math.min(to, size) - from)))),
    set: () => {
      throw new Error('the SQLite fallback engine never writes the database');
    },
  };
  const proxy: object = new Proxy(target, {
    // MEMFS asks for `subarray` once per read, and indexes single bytes of reads of ≤ 8 bytes
    get: (t, key) => (typeof key === 'string' && isIndex(key) ? (Number(key) < size ? file.read(Number(key), 1)[0] : undefined) : t[key as keyof typeof t]),
  });
  return proxy as Uint8Array;
}

/** What users of hosts without node:sqlite are told when they try to change a SQLite store. */
export const SQLJS_WRITE_BLOCKER =
  "this VS Code's extension host has no node:sqlite (it needs Node 22.13 or newer: VS Code 1.101 or newer), and the WASM engine used instead cannot take SQLite's file locks, so writing could overwrite what a training process writes";

/** How long opening waits for another process's commit to finish before saying the file stays locked. */
const OPEN_WAIT_MS = 5000;

export class SqlJsEngine implements SqlEngine {
  readonly name = 'sql.js' as const;
  readonly live = false;
  readonly writeBlocker = SQLJS_WRITE_BLOCKER;
  private readonly statements: SqlJsStatements;
  private changed = false;

  private constructor(
    SQL: SqlJsStatic,
    private readonly db: SqlJsDatabase,
    readonly file: PagedFile,
  ) {
    this.statements = new SqlJsStatements(SQL as unknown as SqliteExports, (db as unknown as { db: number }).db);
  }

  static async open(dbPath: string, uri: string, wasmPath?: string): Promise<SqlJsEngine> {
    const SQL = await loadSqlJs(wasmPath);
    const deadline = Date.now() + OPEN_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      let file: PagedFile | undefined;
      let raw: SqlJsDatabase | undefined;
      let engine: SqlJsEngine | undefined;
      try {
        file = PagedFile.open(dbPath);
        raw = new SQL.Database(bytesOnDemand(file));
        engine = new SqlJsEngine(SQL, raw, file);
        const db = raw;
        const opened = engine;
        // Both read the schema, so both are checked for a concurrent writer (a torn schema is retried,
        // not reported). query_only: nothing this connection runs may write; a larger page cache than
        // SQLite's 2 MB default, since every page missed is a read from the file. Then the schema's
        // table list, which Db asks for next: one statement prepared, the schema parsed once.
        opened.read(() => {
          db.run('PRAGMA query_only = 1; PRAGMA cache_size = -32768; PRAGMA case_sensitive_like = true;');
          opened.all(SCHEMA_TABLES_SQL, []);
        });
        return opened;
      } catch (e) {
        if (engine) engine.close();
        else {
          raw?.close();
          file?.close();
        }
        if (e instanceof FileChanged && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** attempt, 250)));
          continue;
        }
        if (e instanceof FileChanged) {
          throw new TrackingError('unreachable', `The SQLite database ${dbPath} stayed locked by another process for ${OPEN_WAIT_MS / 1000} s.`, {
            uri,
            cause: e,
            hint: 'A long write (a migration, a big import) may be running; try again when it is done.',
          });
        }
        const code = (e as NodeJS.ErrnoException).code;
        if (typeof code === 'string') {
          throw new TrackingError(code === 'ENOENT' ? 'notFound' : 'unreachable', `Cannot read the SQLite database ${dbPath}: ${(e as Error).message}`, { uri, cause: e });
        }
        throw e;
      }
    }
  }

  /** SQLite's own test before it reuses its page cache (PagedFile.unchanged): nothing committed since this snapshot was opened. */
  reusable(): boolean {
    return !this.changed && this.file.unchanged();
  }

  /** True once a read found the file changed: this engine's snapshot is gone, open a new one. */
  get stale(): boolean {
    return this.changed;
  }

  /**
   * `fn`'s reads, then a check that no other process wrote meanwhile (else FileChanged, which callers
   * retry on a fresh engine). A read torn by a concurrent write may fail in any way: the check decides.
   */
  read<T>(fn: () => T): T {
    let out: T;
    try {
      out = this.transaction(fn);
    } catch (e) {
      this.verify();
      throw e;
    }
    this.verify();
    return out;
  }

  /**
   * `fn`'s statements in one read transaction: SQLite then checks the file (its header's change
   * counter, a hot journal) once, not before each statement.
   */
  private transaction<T>(fn: () => T): T {
    const none = () => undefined;
    this.statements.each('BEGIN', [], none);
    try {
      return fn();
    } finally {
      this.statements.each('COMMIT', [], none);
    }
  }

  private verify(): void {
    try {
      this.file.verify();
    } catch (e) {
      this.changed = true;
      throw e;
    }
  }

  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void {
    this.statements.each(sql, params, fn);
  }

  all(sql: string, params: readonly SqlValue[]): Row[] {
    const out: Row[] = [];
    this.each(sql, params, (r) => out.push(r));
    return out;
  }

  run(): number {
    throw new Error(`the SQLite fallback engine never writes: ${SQLJS_WRITE_BLOCKER}`);
  }

  exec(sql: string): void {
    this.db.run(sql);
  }

  close(): void {
    this.statements.dispose();
    try {
      this.db.close();
    } finally {
      this.file.close();
    }
  }
}

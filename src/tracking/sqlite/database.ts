// Loading sql.js (WASM) and opening a read-only in-memory snapshot of an MLflow SQLite file.
// The user's file is only ever read: we copy its bytes (plus committed pages of a `-wal` file)
// into sql.js's memory and never export or write anything back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { TrackingError } from '../errors';

export type Row = SqlValue[];

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
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const init = require('sql.js') as (config?: Record<string, unknown>) => Promise<SqlJsStatic>;
      return init({ wasmBinary: new Uint8Array(wasmBinary.buffer, wasmBinary.byteOffset, wasmBinary.byteLength) });
    })();
    p.catch(() => sqlJsCache.delete(wasmPath));
    sqlJsCache.set(wasmPath, p);
  }
  return p;
}

// ---- WAL: fold committed frames of `<db>-wal` into our copy (read-only; SQLite would do the same on read) ----

function walChecksum(data: Uint8Array, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let s1 = s[0];
  let s2 = s[1];
  for (let i = start; i < end; i += 8) {
    const x0 = dv.getUint32(i, !bigEndian);
    const x1 = dv.getUint32(i + 4, !bigEndian);
    s1 = (s1 + x0 + s2) >>> 0;
    s2 = (s2 + x1 + s1) >>> 0;
  }
  return [s1, s2];
}

/**
 * The database image a reader would see: main file plus every committed transaction in the WAL.
 * `inPlace`: `db` is ours to change, so when the WAL does not grow the database its pages are
 * written into `db` (no second copy of the whole database while both are alive).
 */
export function applyWal(db: Uint8Array, wal: Uint8Array, inPlace = false): Uint8Array {
  if (wal.length < 32) return db;
  const dv = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return db;
  const bigEndian = magic === 0x377f0683;
  const pageSize = dv.getUint32(8) === 1 ? 65536 : dv.getUint32(8);
  const salt1 = dv.getUint32(16);
  const salt2 = dv.getUint32(20);
  let ck = walChecksum(wal, 0, 24, bigEndian, [0, 0]);
  if (ck[0] !== dv.getUint32(24) || ck[1] !== dv.getUint32(28)) return db;
  const committed = new Map<number, number>(); // page number -> frame offset
  let pending = new Map<number, number>();
  let dbPages = 0;
  const frameSize = 24 + pageSize;
  for (let off = 32; off + frameSize <= wal.length; off += frameSize) {
    if (dv.getUint32(off + 8) !== salt1 || dv.getUint32(off + 12) !== salt2) break;
    ck = walChecksum(wal, off, off + 8, bigEndian, ck);
    ck = walChecksum(wal, off + 24, off + frameSize, bigEndian, ck);
    if (ck[0] !== dv.getUint32(off + 16) || ck[1] !== dv.getUint32(off + 20)) break;
    pending.set(dv.getUint32(off), off + 24);
    const commitSize = dv.getUint32(off + 4);
    if (commitSize !== 0) {
      for (const [pg, o] of pending) committed.set(pg, o);
      pending = new Map();
      dbPages = commitSize;
    }
  }
  if (committed.size === 0) return db;
  const size = dbPages * pageSize;
  let out: Uint8Array;
  if (inPlace && size <= db.length) {
    out = db.subarray(0, size);
  } else {
    out = new Uint8Array(size);
    out.set(db.subarray(0, Math.min(db.length, out.length)));
  }
  for (const [pg, o] of committed) if (pg <= dbPages) out.set(wal.subarray(o, o + pageSize), (pg - 1) * pageSize);
  return out;
}

export interface FileSignature {
  db: string;
  wal: string;
}

function sig(st: fs.Stats | undefined): string {
  return st ? `${st.mtimeMs}:${st.size}:${st.ino}` : '-';
}

async function statOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(p);
  } catch {
    return undefined;
  }
}

export async function fileSignature(dbPath: string): Promise<FileSignature> {
  const [a, b] = await Promise.all([statOrUndefined(dbPath), statOrUndefined(dbPath + '-wal')]);
  return { db: sig(a), wal: sig(b) };
}

export function sameSignature(a: FileSignature | undefined, b: FileSignature): boolean {
  return a !== undefined && a.db === b.db && a.wal === b.wal;
}

/** Bytes a reader would see, never touching the file beyond reading it. */
export async function readSnapshot(dbPath: string, uri: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(dbPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TrackingError(code === 'ENOENT' ? 'notFound' : 'unreachable', `Cannot read the SQLite database ${dbPath}: ${(e as Error).message}`, {
      uri,
      cause: e,
    });
  }
  let wal: Uint8Array | undefined;
  try {
    wal = await fs.promises.readFile(dbPath + '-wal');
  } catch {
    wal = undefined;
  }
  if (wal && wal.length > 0) bytes = applyWal(bytes, wal, true);
  // A WAL-mode header (bytes 18/19 = 2) would make SQLite look for -wal/-shm files in sql.js's
  // in-memory file system; our copy already holds the committed pages, so mark it rollback-journal.
  if (bytes.length >= 100 && (bytes[18] === 2 || bytes[19] === 2)) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return bytes;
}

/**
 * sql.js copies the bytes it is given into its in-memory file system (Emscripten MEMFS stores
 * `data.slice()`); a view whose slice() of the whole range returns itself lets MEMFS keep our buffer
 * instead, saving a copy of the whole database (time and memory). Any other slice still copies.
 */
function ownedView(bytes: Uint8Array): Uint8Array {
  const v = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  Object.defineProperty(v, 'slice', {
    value: (start?: number, end?: number) =>
      (start ?? 0) === 0 && (end ?? v.length) === v.length ? v : Uint8Array.prototype.slice.call(v, start, end),
  });
  return v;
}

/** A sql.js database with cached prepared statements and schema knowledge. */
export class Db {
  private readonly statements = new Map<string, Statement>();
  private readonly columnCache = new Map<string, Set<string>>();
  readonly tables: Set<string>;

  constructor(private readonly db: SqlJsDatabase) {
    this.tables = new Set(this.rows("SELECT name FROM sqlite_master WHERE type IN ('table','view')").map((r) => String(r[0])));
  }

  static async open(dbPath: string, uri: string, wasmPath?: string): Promise<Db> {
    const [SQL, bytes] = await Promise.all([loadSqlJs(wasmPath), readSnapshot(dbPath, uri)]);
    let raw: SqlJsDatabase;
    try {
      raw = new SQL.Database(ownedView(bytes));
    } catch (e) {
      throw new TrackingError('invalidData', `${dbPath} is not a readable SQLite database: ${(e as Error).message}`, { uri, cause: e });
    }
    try {
      // Same LIKE semantics as MLflow (it sets this pragma on every session).
      raw.run('PRAGMA case_sensitive_like = true');
      const db = new Db(raw);
      if (!db.hasTable('experiments') || !db.hasTable('runs')) {
        throw new TrackingError('invalidData', `${dbPath} is a SQLite database but not an MLflow tracking store (no experiments/runs tables).`, { uri });
      }
      return db;
    } catch (e) {
      raw.close();
      if (e instanceof TrackingError) throw e;
      throw new TrackingError('invalidData', `${dbPath} is not a readable SQLite database: ${(e as Error).message}`, { uri, cause: e });
    }
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

  private readonly emptyCache = new Map<string, boolean>();

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

  private statement(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= 256) this.freeStatements();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /** Runs `sql` and calls `fn` with each row (an array reused per call: copy what you keep). */
  each(sql: string, params: SqlValue[], fn: (row: Row) => void): void {
    const st = this.statement(sql);
    try {
      st.bind(params);
      while (st.step()) fn(st.get());
    } finally {
      st.reset();
    }
  }

  rows(sql: string, params: SqlValue[] = []): Row[] {
    const out: Row[] = [];
    this.each(sql, params, (r) => out.push(r));
    return out;
  }

  private freeStatements(): void {
    for (const st of this.statements.values()) {
      try {
        st.free();
      } catch {
        // already freed
      }
    }
    this.statements.clear();
  }

  close(): void {
    this.freeStatements();
    this.db.close();
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

// sql.js (SQLite in WASM) as a SqlEngine, for hosts without node:sqlite: a read-only in-memory
// snapshot of the file (plus committed pages of a `-wal` file). The user's file is only ever read; the
// whole file is read before the first query, so opening costs time and memory in proportion to its size.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database as SqlJsDatabase, SqlJsStatic, Statement } from 'sql.js';
import { TrackingError } from '../errors';
import type { Row, SqlEngine, SqlValue } from './engine';

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

/** The largest file the sql.js engine reads into memory (WASM memory and the host's heap are the limit). */
export const SQLJS_MAX_BYTES = 2 ** 30;

/** What users of hosts without node:sqlite are told when they try to change a SQLite store. */
export const SQLJS_WRITE_BLOCKER =
  "this VS Code's extension host has no node:sqlite (it needs Node 22.13 or newer: VS Code 1.101 or newer), so the store is read from a snapshot that must never be written back";

export class SqlJsEngine implements SqlEngine {
  readonly name = 'sql.js' as const;
  readonly live = false;
  readonly writeBlocker = SQLJS_WRITE_BLOCKER;
  private readonly statements = new Map<string, Statement>();

  private constructor(private readonly db: SqlJsDatabase) {}

  static async open(dbPath: string, uri: string, wasmPath?: string): Promise<SqlJsEngine> {
    const size = await fs.promises.stat(dbPath).then((st) => st.size, () => 0);
    if (size > SQLJS_MAX_BYTES) {
      throw new TrackingError('unsupported', `${dbPath} is ${(size / 2 ** 30).toFixed(1)} GB: this VS Code's extension host has no node:sqlite (Node 22.13 or newer), and without it a SQLite store is read whole into memory, which works up to ${SQLJS_MAX_BYTES / 2 ** 30} GB.`, {
        uri,
        hint: 'Update VS Code, or serve the store with `mlflow server --backend-store-uri sqlite:///…` and connect to that server.',
      });
    }
    const [SQL, bytes] = await Promise.all([loadSqlJs(wasmPath), readSnapshot(dbPath, uri)]);
    const raw = new SQL.Database(ownedView(bytes));
    try {
      raw.run('PRAGMA case_sensitive_like = true');
    } catch (e) {
      raw.close();
      throw e;
    }
    return new SqlJsEngine(raw);
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

  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void {
    const st = this.statement(sql);
    try {
      st.bind(params as never);
      while (st.step()) fn(st.get());
    } finally {
      st.reset();
    }
  }

  all(sql: string, params: readonly SqlValue[]): Row[] {
    const out: Row[] = [];
    this.each(sql, params, (r) => out.push(r));
    return out;
  }

  run(): number {
    throw new Error(`sql.js never writes: ${SQLJS_WRITE_BLOCKER}`);
  }

  exec(sql: string): void {
    this.db.run(sql);
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

// Prepared statements of a sql.js database driven through SQLite's C API as sql.js's WASM module exports
// it (`_sqlite3_step`, `_sqlite3_column_*` …), not through sql.js's Statement: its get() goes through
// cwrap'd wrappers and decodes each text byte by byte, which cost the first page of runs more than
// SQLite's own work (1,000 param rows: 3.5 ms of 5). Values come back as sql.js's would: integers and
// reals as numbers, text as strings, blobs as Uint8Array, NULL as null.
import type { Row, SqlValue } from './engine';

/** The part of sql.js's module (SqlJsStatic) used here: its memory and SQLite's exported C functions. */
export interface SqliteExports {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _sqlite3_prepare_v2(db: number, sql: number, nByte: number, ppStmt: number, pzTail: number): number;
  _sqlite3_step(st: number): number;
  _sqlite3_reset(st: number): number;
  _sqlite3_clear_bindings(st: number): number;
  _sqlite3_finalize(st: number): number;
  _sqlite3_errmsg(db: number): number;
  _sqlite3_bind_text(st: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_bind_blob(st: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_bind_double(st: number, i: number, v: number): number;
  _sqlite3_bind_int(st: number, i: number, v: number): number;
  _sqlite3_column_count(st: number): number;
  _sqlite3_column_type(st: number, i: number): number;
  _sqlite3_column_double(st: number, i: number): number;
  _sqlite3_column_text(st: number, i: number): number;
  _sqlite3_column_blob(st: number, i: number): number;
  _sqlite3_column_bytes(st: number, i: number): number;
}

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
const SQLITE_INTEGER = 1;
const SQLITE_FLOAT = 2;
const SQLITE_TEXT = 3;
const SQLITE_BLOB = 4;
/** SQLITE_TRANSIENT: SQLite copies a bound value at once (the scratch memory it came from is reused). */
const TRANSIENT = -1;

const encoder = new TextEncoder();

/** An error of SQLite's, with its result code where isBusy() and friends look for it. */
export class SqliteError extends Error {
  constructor(
    message: string,
    readonly errcode: number,
  ) {
    super(message);
  }
}

interface Prepared {
  ptr: number;
  columns: number;
}

export class SqlJsStatements {
  private readonly prepared = new Map<string, Prepared>();
  private scratch = 0;
  private scratchSize = 0;
  /** A Buffer over the WASM memory (remade when the memory grows: sql.js then replaces HEAPU8), for native UTF-8 decoding. */
  private heap: Buffer | undefined;
  private heapOf: Uint8Array | undefined;

  constructor(
    private readonly sqlite: SqliteExports,
    /** The sqlite3* of the database (sql.js's Database.db). */
    private readonly db: number,
  ) {}

  private fail(rc: number): never {
    throw new SqliteError(this.cString(this.sqlite._sqlite3_errmsg(this.db)), rc);
  }

  private check(rc: number): void {
    if (rc !== 0) this.fail(rc);
  }

  private memory(): Buffer {
    const u8 = this.sqlite.HEAPU8;
    if (u8 !== this.heapOf || !this.heap) {
      this.heap = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
      this.heapOf = u8;
    }
    return this.heap;
  }

  /** The UTF-8 text at [p, end) of the WASM memory (Buffer's own decoder, without toString's argument checks). */
  private text(p: number, end: number): string {
    const heap = this.memory() as Buffer & { utf8Slice?: (start: number, end: number) => string };
    return heap.utf8Slice ? heap.utf8Slice(p, end) : heap.toString('utf8', p, end);
  }

  private cString(p: number): string {
    const heap = this.memory();
    let end = p;
    while (heap[end] !== 0) end++;
    return this.text(p, end);
  }

  /** `bytes` of scratch memory inside the WASM heap (reused: SQLite copies what is bound from it). */
  private scratchOf(bytes: number): number {
    if (bytes > this.scratchSize) {
      if (this.scratch) this.sqlite._free(this.scratch);
      this.scratchSize = Math.max(bytes, 2 * this.scratchSize, 4096);
      this.scratch = this.sqlite._malloc(this.scratchSize);
      if (!this.scratch) throw new Error('out of WASM memory');
    }
    return this.scratch;
  }

  /** Writes `s` as NUL-terminated UTF-8 into scratch memory; returns its byte length. */
  private encode(s: string): number {
    const at = this.scratchOf(s.length * 3 + 1);
    const { written } = encoder.encodeInto(s, this.sqlite.HEAPU8.subarray(at, at + s.length * 3));
    this.sqlite.HEAPU8[at + written] = 0;
    return written;
  }

  private prepare(sql: string): Prepared {
    let st = this.prepared.get(sql);
    if (st) return st;
    if (this.prepared.size >= 256) this.finalizeAll();
    const n = this.encode(sql);
    const out = this.sqlite._malloc(4);
    try {
      // sql in scratch memory: the out-pointer is a separate allocation
      this.sqlite.HEAP32[out >> 2] = 0;
      this.check(this.sqlite._sqlite3_prepare_v2(this.db, this.scratch, n, out, 0));
      const ptr = this.sqlite.HEAP32[out >> 2];
      if (!ptr) throw new Error(`nothing to run in: ${sql}`);
      st = { ptr, columns: this.sqlite._sqlite3_column_count(ptr) };
    } finally {
      this.sqlite._free(out);
    }
    this.prepared.set(sql, st);
    return st;
  }

  private bind(ptr: number, params: readonly SqlValue[]): void {
    const s = this.sqlite;
    for (let i = 0; i < params.length; i++) {
      const v = params[i];
      const pos = i + 1;
      if (typeof v === 'string') {
        const n = this.encode(v);
        this.check(s._sqlite3_bind_text(ptr, pos, this.scratch, n, TRANSIENT));
      } else if (typeof v === 'number') {
        this.check(v === (v | 0) ? s._sqlite3_bind_int(ptr, pos, v) : s._sqlite3_bind_double(ptr, pos, v));
      } else if (typeof v === 'bigint') {
        if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) this.check(s._sqlite3_bind_double(ptr, pos, Number(v)));
        else {
          const n = this.encode(v.toString());
          this.check(s._sqlite3_bind_text(ptr, pos, this.scratch, n, TRANSIENT));
        }
      } else if (v instanceof Uint8Array) {
        const at = this.scratchOf(v.length + 1);
        s.HEAPU8.set(v, at);
        this.check(s._sqlite3_bind_blob(ptr, pos, at, v.length, TRANSIENT));
      } else {
        // a NULL blob pointer binds NULL (sql.js's own bindNull)
        this.check(s._sqlite3_bind_blob(ptr, pos, 0, 0, 0));
      }
    }
  }

  private value(ptr: number, i: number): SqlValue {
    const s = this.sqlite;
    switch (s._sqlite3_column_type(ptr, i)) {
      case SQLITE_INTEGER:
      case SQLITE_FLOAT:
        return s._sqlite3_column_double(ptr, i);
      case SQLITE_TEXT: {
        const p = s._sqlite3_column_text(ptr, i);
        const n = s._sqlite3_column_bytes(ptr, i);
        return this.text(p, p + n);
      }
      case SQLITE_BLOB: {
        const p = s._sqlite3_column_blob(ptr, i);
        const n = s._sqlite3_column_bytes(ptr, i);
        return s.HEAPU8.slice(p, p + n);
      }
      default:
        return null;
    }
  }

  /** Calls `fn` with each row of `sql` (a new array per row). */
  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void {
    const { ptr, columns } = this.prepare(sql);
    const s = this.sqlite;
    try {
      this.bind(ptr, params);
      for (;;) {
        const rc = s._sqlite3_step(ptr);
        if (rc === SQLITE_DONE) break;
        if (rc !== SQLITE_ROW) this.fail(rc);
        const row: Row = new Array<SqlValue>(columns);
        for (let i = 0; i < columns; i++) row[i] = this.value(ptr, i);
        fn(row);
      }
    } finally {
      s._sqlite3_reset(ptr);
      s._sqlite3_clear_bindings(ptr);
    }
  }

  private finalizeAll(): void {
    for (const st of this.prepared.values()) this.sqlite._sqlite3_finalize(st.ptr);
    this.prepared.clear();
  }

  /** Finalizes every statement and frees the scratch memory (before the database is closed). */
  dispose(): void {
    this.finalizeAll();
    if (this.scratch) this.sqlite._free(this.scratch);
    this.scratch = 0;
    this.scratchSize = 0;
    this.heap = undefined;
    this.heapOf = undefined;
  }
}

// The two ways the SQLite store talks to a database file, behind one small interface:
//   node:sqlite  Node's built-in SQLite (Node 22.13+; VS Code's extension host from the version that
//                ships it, code-server's Node 24). Reads the file in place, page by page, with SQLite's
//                own locking and WAL handling; the only engine that may write.
//   sql.js       SQLite compiled to WASM, for hosts without node:sqlite (Node 20: VS Code ≤ 1.100). It
//                reads the pages a query touches from the file (pagedFile.ts), takes no file locks (so
//                it checks each read for a concurrent writer instead) and never writes.
//
// Which VS Code gets which: the choice is made at run time by loading node:sqlite ('auto'), never from
// a version number. VS Code ≤ 1.100 (Electron ≤ 34, Node 20) has none: sql.js, read-only. VS Code 1.101+
// (Electron 35+, Node 22.15+) should have it, except Electron builds that shipped without it (Electron's
// own bug, fixed in July 2025): those fall back to sql.js like 1.100. Checked here: this machine's Node
// 20.20 (sql.js; unit tests and the bundled store under Node 20) and code-server 4.139's Node 24.21
// (node:sqlite; `npm test`'s node24 suite runs every SQLite test on both engines); desktop Electron
// builds were not available to run. engines.vscode stays ^1.100.0: every feature reads on both engines,
// and edits on a host without node:sqlite are offered and refused with the reason (SQLJS_WRITE_BLOCKER).

export type SqlValue = number | string | Uint8Array | bigint | null;
export type Row = SqlValue[];

/** The schema's tables and views (the first statement on a connection: it makes SQLite parse the schema). */
export const SCHEMA_TABLES_SQL = "SELECT name FROM sqlite_master WHERE type IN ('table','view')";

export type EngineName = 'node:sqlite' | 'sql.js';
/** 'auto': node:sqlite where the runtime has it, else sql.js. */
export type EngineChoice = 'auto' | EngineName;

export interface SqlEngine {
  readonly name: EngineName;
  /**
   * True: the engine reads the file itself (other processes' commits are seen by the next
   * transaction). False: it holds a snapshot that must be reopened when the file changes.
   */
  readonly live: boolean;
  /** Why this engine cannot write (a sentence for the user), or undefined when it writes with SQLite's locks. */
  readonly writeBlocker?: string;
  /** A snapshot engine that found its file changed: open a new one. */
  readonly stale?: boolean;
  /**
   * A snapshot engine's read: `fn`, then a check that the file did not change meanwhile (throws a
   * SQLITE_BUSY-like error if it did). Live engines use transactions instead.
   */
  read?<T>(fn: () => T): T;
  /** Every row of `sql` as an array of column values. */
  all(sql: string, params: readonly SqlValue[]): Row[];
  /** Calls `fn` with each row; the array may be reused between calls (copy what you keep). */
  each(sql: string, params: readonly SqlValue[], fn: (row: Row) => void): void;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params: readonly SqlValue[]): number;
  /** Runs one or more statements without results (BEGIN, COMMIT, PRAGMA …). */
  exec(sql: string): void;
  /**
   * True when this engine, idle since its store closed, may serve the next store opened on its file
   * (enginePool.ts): it would read what a new engine would, so its page cache and prepared statements
   * are kept.
   */
  reusable(): boolean;
  close(): void;
}

/** SQLITE_BUSY / SQLITE_LOCKED (also their extended codes): another connection holds a lock; retrying helps. */
export function isBusy(e: unknown): boolean {
  const code = (e as { errcode?: unknown })?.errcode;
  if (typeof code === 'number') return (code & 0xff) === 5 || (code & 0xff) === 6;
  return /database (table )?is locked|SQLITE_BUSY/i.test(String((e as Error)?.message ?? ''));
}

/** SQLITE_READONLY: the file (or its folder) cannot be written. */
export function isReadOnlyFile(e: unknown): boolean {
  const code = (e as { errcode?: unknown })?.errcode;
  return typeof code === 'number' ? (code & 0xff) === 8 : /readonly database/i.test(String((e as Error)?.message ?? ''));
}

/** SQLITE_NOTADB / SQLITE_CORRUPT. */
export function isNotADatabase(e: unknown): boolean {
  const code = (e as { errcode?: unknown })?.errcode;
  return typeof code === 'number' ? (code & 0xff) === 26 || (code & 0xff) === 11 : /not a database|malformed/i.test(String((e as Error)?.message ?? ''));
}

// Engines whose store was closed, kept a few seconds for the next store opened on the same file: a
// new store then skips opening SQLite (for sql.js: instantiating a database, parsing MLflow's ~100-entry
// schema) and keeps SQLite's page cache and prepared statements, as one long-lived connection would.
// An idle engine is handed out again only when engine.reusable() says the file is as it was (sql.js:
// SQLite's own cache test, change counter and WAL; node:sqlite validates its cache itself and only
// needs the same file). Process-wide like the compiled WASM module (sqlJsEngine.ts): stores are
// opened per call by their owners, so only the process outlives them.
import type { SqlEngine } from './engine';

/** How long an idle engine is kept (its file stays open meanwhile). */
const IDLE_MS = 10_000;
/** Idle engines kept at most (each holds SQLite's page cache of its file). */
const MAX_IDLE = 4;

interface Idle {
  engine: SqlEngine;
  timer: NodeJS.Timeout;
}

export class EnginePool {
  private readonly idle = new Map<string, Idle>();

  constructor(private readonly idleMs = IDLE_MS) {}

  /** An idle engine for `key` that may serve a new store, else undefined (a stale one is closed). */
  take(key: string): SqlEngine | undefined {
    const hit = this.idle.get(key);
    if (!hit) return undefined;
    this.idle.delete(key);
    clearTimeout(hit.timer);
    if (hit.engine.reusable()) return hit.engine;
    close(hit.engine);
    return undefined;
  }

  /** Keeps `engine` (no longer used by its store) for a while, in place of an older one for the same key. */
  give(key: string, engine: SqlEngine): void {
    if (engine.stale) {
      close(engine);
      return;
    }
    const old = this.idle.get(key);
    if (old) {
      this.idle.delete(key);
      clearTimeout(old.timer);
      close(old.engine);
    }
    if (this.idle.size >= MAX_IDLE) {
      const [oldestKey, oldest] = this.idle.entries().next().value as [string, Idle];
      this.idle.delete(oldestKey);
      clearTimeout(oldest.timer);
      close(oldest.engine);
    }
    const timer = setTimeout(() => {
      if (this.idle.get(key)?.engine === engine) this.idle.delete(key);
      close(engine);
    }, this.idleMs);
    timer.unref?.();
    this.idle.set(key, { engine, timer });
  }
}

function close(engine: SqlEngine): void {
  try {
    engine.close();
  } catch {
    // already closed, or its file is gone: nothing left to release
  }
}

/** The process's pool (see the file's comment). */
export const enginePool = new EnginePool();

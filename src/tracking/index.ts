// Opens the TrackingStore a resolved tracking URI names. Each backend is required on first use, so a
// local store never loads undici (~0.4 s) and a server never loads sql.js. (require, not import():
// tsx leaves import() native, which cannot resolve folders; esbuild bundles both lazily.)
import * as fs from 'node:fs';
import { TrackingError } from './errors';
import type { RestOptions } from './rest';
import type { TrackingStore } from './types';
import type { ResolvedUri } from './uri';

/** For scripts/mlflow-query.mjs, which loads this module as `tracking`. */
export { resolveTrackingUri } from './uri';

export interface CreateStoreDeps {
  /** sql-wasm.wasm (the extension ships it in dist/); default: the sql.js package's own. */
  wasmPath?: string;
  /** Options for a tracking server (auth, TLS, proxy, timeout, log); `uri` comes from `resolved`. */
  rest?: Partial<RestOptions>;
}

export async function createTrackingStore(resolved: ResolvedUri, deps: CreateStoreDeps = {}): Promise<TrackingStore> {
  switch (resolved.kind) {
    case 'rest': {
      const { RestStore } = require('./rest') as typeof import('./rest');
      const url = resolved.url ?? resolved.uri;
      const auth = deps.rest?.auth ?? (resolved.credentials ? { type: 'basic' as const, ...resolved.credentials } : undefined);
      return new RestStore({ ...deps.rest, uri: url, auth });
    }
    case 'file': {
      const root = localPath(resolved);
      if (!isDir(root)) {
        throw new TrackingError('notFound', `The MLflow file store ${resolved.display} does not exist (no folder at ${root}).`, {
          uri: resolved.uri,
          hint: 'Check mlflow.trackingUri / MLFLOW_TRACKING_URI, or log a run there first.',
        });
      }
      const { FileStore } = require('./file') as typeof import('./file');
      const log = deps.rest?.log; // the caller's log: unreadable runs and metric lines are reported, not only skipped
      return new FileStore(root, { uri: resolved.uri, onProblem: log && ((p) => log('warn', `[file store] ${p.message} (${p.path})`)) });
    }
    case 'sqlite': {
      const db = localPath(resolved);
      if (!isFile(db)) {
        throw new TrackingError('notFound', `The MLflow SQLite database ${resolved.display} does not exist (no file at ${db}).`, {
          uri: resolved.uri,
          hint: 'Check mlflow.trackingUri / MLFLOW_TRACKING_URI; the extension never creates a database.',
        });
      }
      const { SqliteStore } = require('./sqlite') as typeof import('./sqlite');
      const store = await SqliteStore.open(db, { uri: resolved.uri, wasmPath: deps.wasmPath });
      deps.rest?.log?.(
        'info',
        store.engine === 'node:sqlite'
          ? `[sqlite] ${resolved.display}: read in place and edited through node:sqlite (Node ${process.versions.node})`
          : `[sqlite] ${resolved.display}: Node ${process.versions.node} has no node:sqlite (22.13+): read from an in-memory snapshot (sql.js), edits unavailable`,
      );
      return store;
    }
    default: {
      const kind: never = resolved.kind;
      throw new TrackingError('unsupported', `Unknown tracking store kind ${String(kind)}.`);
    }
  }
}

function localPath(r: ResolvedUri): string {
  if (!r.path) throw new TrackingError('invalidRequest', `The tracking URI ${r.uri} names no local path.`, { uri: r.uri });
  return r.path;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

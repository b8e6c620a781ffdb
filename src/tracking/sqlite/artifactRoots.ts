// Where the artifacts of a SQLite store's run or logged model live on this machine.
//  - absolute paths and file:// URIs (local-client stores); when the recorded path no longer exists
//    (moved project, fixtures), the part from `mlruns/` on is tried next to the database;
//  - mlflow-artifacts:/… (a store written through `mlflow server`): the server's artifacts
//    destination, found as an `mlartifacts` folder next to the database;
//  - anything else (s3://, gs://, …): unsupported, with a hint to connect to a server instead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackingError } from '../errors';
import type { Run } from '../types';
import { isDir } from '../file/fsUtil';

const SERVER_HINT = 'Start `mlflow server --backend-store-uri sqlite:///… --serve-artifacts` and connect to that server to browse these artifacts.';

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Local directory holding the artifacts of `rootUri`, or a TrackingError ('unsupported'). */
export function localArtifactRoot(rootUri: string, dbPath: string, uri: string): string {
  const dbDir = path.dirname(dbPath);
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(rootUri);
  if (m) {
    const dest = path.join(dbDir, 'mlartifacts');
    if (exists(dest)) return path.join(dest, ...m[1].split('/').filter(Boolean));
    throw new TrackingError('unsupported', `The artifacts of this store (${rootUri}) are kept by the MLflow server that wrote it, and no mlartifacts folder was found next to ${dbPath}.`, {
      uri,
      hint: SERVER_HINT,
    });
  }
  let local: string | undefined;
  if (/^file:/i.test(rootUri)) {
    try {
      local = fileURLToPath(rootUri);
    } catch {
      local = rootUri.replace(/^file:(\/\/)?/i, '');
    }
  } else if (path.isAbsolute(rootUri) || /^[A-Za-z]:[\\/]/.test(rootUri)) {
    local = rootUri;
  } else if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(rootUri)) {
    local = path.resolve(dbDir, rootUri); // a relative root: relative to the store
  }
  if (local === undefined) {
    const scheme = rootUri.split(':')[0];
    throw new TrackingError('unsupported', `Artifacts stored at ${scheme}:// cannot be read from a local SQLite store.`, {
      uri,
      hint: 'Connect to a tracking server that can reach that storage (`mlflow server --serve-artifacts`) to browse them.',
    });
  }
  if (exists(local)) return local;
  // Stale absolute path: the store moved. Try the part from `mlruns/` next to the database.
  const parts = local.split(/[\\/]+/);
  const i = parts.lastIndexOf('mlruns');
  if (i >= 0) {
    const moved = path.join(dbDir, ...parts.slice(i));
    if (exists(path.join(dbDir, 'mlruns'))) return moved;
  }
  return local;
}

/** The local folder of a run's artifact root, for writing into: it (or its parent) must exist. */
export function runArtifactDirForWrite(dbPath: string, storeUri: string, run: Run): string {
  const dir = localArtifactRoot(run.info.artifactUri, dbPath, storeUri);
  if (isDir(dir) || isDir(path.dirname(dir))) return dir;
  throw new TrackingError('notFound', `The artifact folder of run ${run.info.runId} (${run.info.artifactUri}) does not exist on this machine.`, {
    hint: 'Log the file with the MLflow Python client where the artifacts live.',
  });
}

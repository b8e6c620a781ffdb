// Local artifact roots of a file store (listing and reading: ../localArtifacts.ts).
// Stores get moved, copied and mounted elsewhere, so a recorded absolute root that does not exist
// is re-based onto the store: first onto the owner's own folder (`<exp>/<run>/artifacts`,
// `<exp>/models/<m-id>/artifacts`, wherever that folder is now, .trash included), then onto the
// part of the path after the store folder's name (`…/mlruns/<rest>` -> `<root>/<rest>`).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackingError } from '../errors';
import type { Run } from '../types';
import { isDir } from './fsUtil';

const HINT =
  'The extension reads artifacts of local stores only. Start `mlflow server --backend-store-uri <this store> --serve-artifacts` (with credentials for that storage) and connect to the server to browse them.';

/** The local path of an artifact URI, or throws 'unsupported' for remote schemes. `base` resolves relative paths. */
export function localPathOfUri(uri: string, base: string, storeUri?: string): string {
  if (/^file:/i.test(uri)) {
    try {
      return fileURLToPath(uri.replace(/^file:\/\/localhost\//i, 'file:///'));
    } catch {
      return decodeURIComponent(uri.replace(/^file:(\/\/)?/i, ''));
    }
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  if (scheme && !/^[a-zA-Z]:[\\/]/.test(uri)) {
    throw new TrackingError('unsupported', `Artifacts stored at ${uri.split('/').slice(0, 3).join('/')}… (${scheme[1]}:) cannot be read from a local store.`, {
      uri: storeUri,
      hint: HINT,
    });
  }
  return path.resolve(base, uri);
}

export interface RebaseHints {
  /** Store root (the mlruns folder). */
  root: string;
  /** Where the owner's folder really is now (run folder or logged-model folder), when known. */
  ownerDir?: string;
  /** Path segments naming the owner in a recorded path: [expId, runId] or [expId, 'models', modelId]. */
  ownerSegments?: string[];
}

/** A recorded local root that exists, or the best re-based guess (which may not exist). */
export function rebaseRoot(recorded: string, h: RebaseHints): string {
  if (isDir(recorded)) return recorded;
  const segs = recorded.split(/[\\/]+/).filter(Boolean);
  if (h.ownerDir && h.ownerSegments) {
    const k = h.ownerSegments.length;
    for (let i = segs.length - k; i >= 0; i--) {
      if (h.ownerSegments.every((s, j) => segs[i + j] === s)) {
        const cand = path.join(h.ownerDir, ...segs.slice(i + k));
        if (isDir(cand)) return cand;
      }
    }
  }
  const base = path.basename(h.root);
  for (let i = segs.length - 1; i >= 0; i--) {
    if (segs[i] === base) {
      const cand = path.join(h.root, ...segs.slice(i + 1));
      if (isDir(cand)) return cand;
      break;
    }
  }
  if (h.ownerDir) {
    const cand = path.join(h.ownerDir, 'artifacts');
    if (isDir(cand)) return cand;
  }
  return recorded;
}

/**
 * The local folder of a run's artifact root in a file store: the recorded root when it exists, else
 * re-based onto the store (the store was moved or copied); a root that does not exist yet (a run that
 * never logged an artifact) is created only inside an existing folder of the store or of the run.
 */
export function runArtifactDirForWrite(storeRoot: string, run: Run): string {
  const rootUri = run.info.artifactUri;
  const ownerDir = path.join(storeRoot, run.info.experimentId, run.info.runId);
  const segs = [run.info.experimentId, run.info.runId];
  const recorded = rootUri ? localPathOfUri(rootUri, path.dirname(storeRoot)) : path.join(ownerDir, 'artifacts');
  const rebased = rebaseRoot(recorded, { root: storeRoot, ownerDir: isDir(ownerDir) ? ownerDir : undefined, ownerSegments: segs });
  if (isDir(rebased)) return rebased;
  // Not there yet: <…>/<exp>/<run>/<rest> → <run folder>/<rest> when the run folder is here.
  const parts = recorded.split(/[\\/]+/).filter(Boolean);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === segs[0] && parts[i + 1] === segs[1] && isDir(ownerDir)) return path.join(ownerDir, ...parts.slice(i + 2));
  }
  if (isDir(path.dirname(recorded))) return recorded;
  throw new TrackingError('notFound', `The artifact folder of run ${run.info.runId} (${rootUri}) does not exist on this machine.`, {
    hint: 'The store may have been copied without its artifacts; log the file with the MLflow Python client where the artifacts live.',
  });
}

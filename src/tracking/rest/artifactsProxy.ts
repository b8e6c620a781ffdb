// Mapping of artifact roots served by the tracking server's proxied artifact service
// (`mlflow server --serve-artifacts`, MLflow's "scenario 5") to HTTP URLs under /api/2.0/mlflow-artifacts/artifacts/,
// as mlflow/store/artifact/mlflow_artifacts_repo.py resolves `mlflow-artifacts:` URIs against the tracking URI.

/** A root the tracking server proxies: where its files live under /api/2.0/mlflow-artifacts/artifacts/. */
export interface ProxiedRoot {
  /** Path under the artifacts endpoint, without leading or trailing slashes (raw, not encoded). */
  path: string;
  /** `host[:port]` of a `mlflow-artifacts://host:port/…` root (scheme and prefix stay the tracking URI's). */
  host?: string;
  /** For an absolute `http(s)://…/api/2.0/mlflow-artifacts/artifacts/…` root: everything before `/api/2.0/…`. */
  base?: string;
}

const ENDPOINT = '/api/2.0/mlflow-artifacts/artifacts';

function trimSlashes(p: string): string {
  return p.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');
}

function decodeSegments(p: string): string {
  return p
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}

/** The proxied location of an artifact root, or undefined when the server does not proxy it. */
export function proxiedRoot(rootUri: string): ProxiedRoot | undefined {
  const m = /^mlflow-artifacts:(.*)$/i.exec(rootUri);
  if (m) {
    const rest = m[1];
    if (rest.startsWith('//')) {
      // mlflow-artifacts://host:port/path or mlflow-artifacts:///path (empty authority)
      const slash = rest.indexOf('/', 2);
      const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      const path = slash < 0 ? '' : rest.slice(slash);
      return authority ? { host: authority, path: trimSlashes(path) } : { path: trimSlashes(path) };
    }
    return { path: trimSlashes(rest) };
  }
  const h = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?$/i.exec(rootUri);
  if (h) {
    const fullPath = h[2] ?? '';
    const i = fullPath.indexOf(`${ENDPOINT}/`);
    const j = fullPath.endsWith(ENDPOINT) ? fullPath.length - ENDPOINT.length : -1;
    const at = i >= 0 ? i : j;
    if (at < 0) return undefined;
    const prefix = fullPath.slice(0, at);
    return { base: `${h[1]}${prefix}`, path: trimSlashes(decodeSegments(fullPath.slice(at + ENDPOINT.length))) };
  }
  return undefined;
}

/** Percent-encodes each segment of a `/`-separated path (keeps the slashes). */
export function encodePath(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

/** Joins a root-relative artifact path onto the proxied root path. Rejects `..` segments. */
export function joinArtifactPath(rootPath: string, rel: string | undefined): string {
  const relClean = trimSlashes((rel ?? '').replace(/\\/g, '/'));
  if (relClean.split('/').some((s) => s === '..' || s === '.')) throw new Error(`invalid artifact path: ${rel}`);
  return [trimSlashes(rootPath), relClean].filter((s) => s !== '').join('/');
}

/**
 * The URL (absolute, or relative to the tracking URI when `relative` is set) of a file under a
 * proxied root, for GET (download) and PUT (upload).
 */
export function proxiedFileUrl(root: ProxiedRoot, rel: string, tracking: URL): { url: string; sameOrigin: boolean } {
  const path = `${ENDPOINT}/${encodePath(joinArtifactPath(root.path, rel))}`;
  if (root.base) {
    const base = new URL(root.base);
    return { url: `${root.base.replace(/\/+$/, '')}${path}`, sameOrigin: base.origin === tracking.origin };
  }
  if (root.host) {
    const u = new URL(tracking.toString());
    u.host = root.host;
    u.pathname = `${tracking.pathname.replace(/\/+$/, '')}${path}`.replace(/^\/\//, '/');
    return { url: `${u.origin}${u.pathname}`, sameOrigin: u.origin === tracking.origin };
  }
  return { url: path, sameOrigin: true };
}

/**
 * True when every character is ASCII. Observed with real servers: downloading a non-ASCII file name through the
 * proxy answers 500 on MLflow 3 (the WSGI header must be ASCII) and drops the connection on MLflow 2 (gunicorn).
 */
export function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}

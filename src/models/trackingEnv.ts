// Pure: what a spawned `mlflow` process needs to reach the active connection's store (no `vscode` import).
// The tracking URI and credentials travel in the environment (MLFLOW_TRACKING_URI, _USERNAME/_PASSWORD or
// _TOKEN), never in argv.
import type { TrackingContext } from '../cli/commands';

export type StoredCredentials = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

export interface ConnectionInfo {
  kind: 'file' | 'sqlite' | 'rest';
  /** Normalised tracking URI without credentials (ResolvedUri.uri). */
  uri: string;
  /** Local path of the mlruns folder / SQLite file. */
  path?: string;
}

export interface TlsSettings {
  caFile?: string;
  insecure?: boolean;
}

/** The TrackingContext the CLI builders turn into environment variables. */
export function trackingContextFor(conn: ConnectionInfo | undefined, creds: StoredCredentials | undefined, tls: TlsSettings = {}): TrackingContext | undefined {
  if (!conn) return undefined;
  const t: TrackingContext = { trackingUri: conn.uri };
  if (conn.kind === 'rest') {
    if (creds?.type === 'basic') {
      t.username = creds.username;
      t.password = creds.password;
    } else if (creds?.type === 'bearer') t.token = creds.token;
    if (tls.insecure) t.insecureTls = true;
    if (tls.caFile) t.serverCertPath = tls.caFile;
  }
  return t;
}

/** A backend store URI `mlflow gc` / `mlflow ui` can use directly, or undefined for a tracking server. */
export function backendStoreOf(conn: ConnectionInfo | undefined): string | undefined {
  if (!conn || conn.kind === 'rest') return undefined;
  return conn.uri;
}

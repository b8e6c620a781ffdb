// Pure: which tracking store a launched script logs to when it calls mlflow.set_tracking_uri itself, and
// what to tell the user about it. The call is found by the code lens scanner; its literal argument is read
// by the extension's own URI parser, relative paths resolved against the process's working folder (as MLflow
// does: os.path.abspath / SQLAlchemy resolve against the cwd). The call that counts is the last one before
// the first start_run (or the last one in the file when it starts no run through the fluent API).
import { scanPython, type MlflowCall } from '../codelens/scanner';
import { toTrackingError } from '../core/errors';
import { parseTrackingUri, type ResolvedUri } from '../tracking/uri';

export type ScriptStore =
  /** No set_tracking_uri: the script logs to the MLFLOW_TRACKING_URI the launch gives it. */
  | { kind: 'none' }
  /** The script sets the store the explorer already shows. */
  | { kind: 'same'; resolved: ResolvedUri; raw: string; line: number }
  /** The script sets another store the extension can read: follow that one. */
  | { kind: 'other'; resolved: ResolvedUri; raw: string; line: number }
  /** The script sets a store the extension cannot read (raw undefined: not a literal, e.g. os.environ[...]). */
  | { kind: 'unreadable'; raw?: string; line: number; reason: string };

/** The set_tracking_uri call the script's runs see, if any (0-based line). */
export function effectiveSetTrackingUri(calls: readonly MlflowCall[]): MlflowCall | undefined {
  const firstRun = calls.find((c) => c.kind === 'startRun' && !c.viaClient);
  const sets = calls.filter((c) => c.kind === 'setTrackingUri' && !c.viaClient && (!firstRun || c.line < firstRun.line));
  return sets[sets.length - 1];
}

/**
 * The store `text` (a script run with working folder `cwd`) logs to, compared with `explorer`, the store the
 * explorer shows (and the launch passes as MLFLOW_TRACKING_URI).
 */
export function scriptStore(text: string, cwd: string, explorer: ResolvedUri | undefined, env: Record<string, string | undefined> = {}): ScriptStore {
  const call = effectiveSetTrackingUri(scanPython(text));
  if (!call) return { kind: 'none' };
  const raw = call.stringArgs.uri;
  if (raw === undefined) return { kind: 'unreadable', line: call.line, reason: 'its argument is an expression the extension cannot evaluate' };
  let resolved: ResolvedUri;
  try {
    resolved = parseTrackingUri(raw, { workspaceFolder: cwd, env }, 'setting');
  } catch (e) {
    return { kind: 'unreadable', raw, line: call.line, reason: toTrackingError(e).userMessage };
  }
  return { kind: explorer && explorer.uri === resolved.uri ? 'same' : 'other', resolved, raw, line: call.line };
}

export interface StoreNotice {
  level: 'info' | 'warning';
  message: string;
  /** Offer to show the set_tracking_uri line. */
  showCall: boolean;
}

/** "following runs in sqlite:///other.db, the store this script sets" — for the status bar tooltip and logs. */
export function followingText(raw: string): string {
  return `following runs in ${raw}, the store this script sets`;
}

/** What to say when the script is launched, or undefined when there is nothing to say. */
export function storeNotice(scriptName: string, s: ScriptStore, explorerDisplay: string | undefined): StoreNotice | undefined {
  const line = 'line' in s ? ` (line ${s.line + 1})` : '';
  const where = explorerDisplay ? `looked for in ${explorerDisplay}, the store the explorer shows` : 'not followed (no store is connected)';
  switch (s.kind) {
    case 'none':
    case 'same':
      return undefined;
    case 'other':
      return {
        level: 'info',
        message: `${scriptName} calls set_tracking_uri("${s.raw}")${line}, so the explorer is ${followingText(s.raw)} (${s.resolved.kind} store, this window only; your settings are unchanged).`,
        showCall: true,
      };
    case 'unreadable':
      return {
        level: 'warning',
        message: s.raw === undefined
          ? `${scriptName} sets its own tracking URI${line} and ${s.reason}, so its runs are ${where}. If they land elsewhere, point the explorer at that store with MLflow: Set Tracking URI, or pass the URI as a string literal.`
          : `${scriptName} sets its tracking URI to "${s.raw}"${line}, a store the extension cannot read: ${s.reason} Its runs will not appear here; to follow them, log to a file, SQLite or http(s) store (or remove the call to log to ${explorerDisplay ?? 'the explorer\'s store'}).`,
        showCall: true,
      };
  }
}

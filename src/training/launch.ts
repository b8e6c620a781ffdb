// Pure: the process that runs a training script as an MLflow run. argv = [python, script, ...args]; the
// tracking URI and credentials go in the environment (never argv); MLFLOW_RUN_CONTEXT makes MLflow put a
// launch tag on every run the script starts through the fluent API (nested runs included), so the
// extension can find exactly those runs (MLflow 2.x and 3.x read it in SystemEnvironmentContext).
import type { CliCommand, CliIssue, TrackingContext } from '../cli/commands';
import { trackingEnv } from '../cli/commands';

/** Tag MLflow records on each run the launched script starts: the launch's id. */
export const LAUNCH_TAG = 'mlflow.vscode.launch';

export interface ScriptLaunch {
  python: string;
  /** Absolute path of the script (MLflow records argv[0] as mlflow.source.name). */
  script: string;
  args: string[];
  cwd?: string;
  tracking?: TrackingContext;
  /** Environment activation (PATH, VIRTUAL_ENV…) of the interpreter. */
  extraEnv?: Record<string, string>;
  launchId: string;
  /** The user's own MLFLOW_RUN_CONTEXT (JSON object of tags), kept and extended. */
  inheritedRunContext?: string;
}

export type BuiltLaunch = { ok: true; command: CliCommand; warnings: CliIssue[] } | { ok: false; errors: CliIssue[] };

/** MLFLOW_RUN_CONTEXT with the launch tag added to the tags already there (an unreadable value is replaced). */
export function runContextValue(launchId: string, inherited?: string): string {
  let tags: Record<string, unknown> = {};
  if (inherited) {
    try {
      const v = JSON.parse(inherited) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) tags = v as Record<string, unknown>;
    } catch {
      // not JSON: MLflow would fail on it anyway
    }
  }
  return JSON.stringify({ ...tags, [LAUNCH_TAG]: launchId });
}

export function buildScriptLaunch(l: ScriptLaunch): BuiltLaunch {
  const issues: CliIssue[] = [];
  const env: Record<string, string> = { ...(l.extraEnv ?? {}), ...trackingEnv(l.tracking, issues), MLFLOW_RUN_CONTEXT: runContextValue(l.launchId, l.inheritedRunContext) };
  // output appears as it is printed, not in 4 KiB blocks
  env.PYTHONUNBUFFERED = '1';
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) return { ok: false, errors };
  const name = l.script.split(/[\\/]/).pop() ?? l.script;
  return {
    ok: true,
    command: { executable: l.python, args: [l.script, ...l.args], env, ...(l.cwd ? { cwd: l.cwd } : {}), title: `run ${name}` },
    warnings: issues,
  };
}


// Pure: how a launched script ended, in one notification: the run's status (or the exit code when no run
// was recorded), duration, the primary metric against the experiment's best earlier run, and whether to
// offer "Mark as FAILED" (a process that died without ending its run leaves it RUNNING).
import { lowerIsBetter } from '../codelens/lensData';
import { formatDuration, formatMetricValue } from '../core/format';
import type { Run } from '../tracking/types';
import { runLabel } from './detect';

export interface Best {
  run: Run;
  value: number;
}

/** The best finite value of `key` among runs that are not the launch's (ties: the earlier run). */
export function bestOf(runs: readonly Run[], key: string, exclude: ReadonlySet<string>): Best | undefined {
  const lower = lowerIsBetter(key);
  let best: Best | undefined;
  for (const r of runs) {
    if (exclude.has(r.info.runId) || r.info.lifecycleStage === 'deleted') continue;
    const m = r.data.metrics.find((x) => x.key === key);
    if (!m || !Number.isFinite(m.value)) continue;
    if (!best || (lower ? m.value < best.value : m.value > best.value)) best = { run: r, value: m.value };
  }
  return best;
}

/** "val_loss 0.231, best so far 0.244 (new best)" */
export function metricVersusBest(key: string, value: number, best: Best | undefined): string {
  const v = `${key} ${formatMetricValue(value)}`;
  if (!best) return `${v} (first run with ${key} in this experiment)`;
  const better = Number.isFinite(value) && (lowerIsBetter(key) ? value < best.value : value > best.value);
  const same = value === best.value;
  return `${v}, best so far ${formatMetricValue(best.value)}${better ? ' (new best)' : same ? ' (equals the best)' : ''}`;
}

export interface EndInput {
  /** The followed run as last read (undefined: the script recorded no run the extension could find). */
  run?: Run;
  exitCode: number | undefined;
  /** The process's own duration (launch → exit). */
  processMs: number;
  primary?: { key: string; value: number };
  best?: Best;
  /** How many runs the launch made (sweeps). */
  runCount?: number;
  scriptName: string;
  /** The URI the script sets with set_tracking_uri, when the runs were looked for there. */
  scriptStoreUri?: string;
}

export interface EndReport {
  level: 'info' | 'warning' | 'error';
  message: string;
  /** The run still says RUNNING although its process is gone. */
  offerMarkFailed: boolean;
  /** What ended it, for tests: the run's status, else `exit <code>`. */
  outcome: string;
}

const SIGINT_CODES = new Set([130, -2, 3221225786]);

function exitText(code: number | undefined): string {
  if (code === undefined) return 'without an exit code';
  if (SIGINT_CODES.has(code)) return `after Ctrl-C (exit code ${code})`;
  return `with exit code ${code}`;
}

export function endReport(i: EndInput): EndReport {
  const r = endReportIn(i);
  return i.scriptStoreUri && i.run ? { ...r, message: `${r.message} (in ${i.scriptStoreUri}, the store the script sets)` } : r;
}

function endReportIn(i: EndInput): EndReport {
  const r = i.run;
  if (!r) {
    const ok = i.exitCode === 0;
    return {
      level: ok ? 'warning' : 'error',
      message: `${i.scriptName} ${ok ? 'finished' : 'ended'} ${exitText(i.exitCode)} after ${formatDuration(i.processMs)} and recorded no MLflow run in ${i.scriptStoreUri ? `${i.scriptStoreUri}, the store it sets` : 'this store'}.${ok && !i.scriptStoreUri ? ' If it sets its own tracking URI, connect the explorer to that store.' : ''}`,
      offerMarkFailed: false,
      outcome: `exit ${i.exitCode ?? 'none'}`,
    };
  }
  const status = r.info.status;
  const runMs = r.info.endTime && r.info.startTime ? r.info.endTime - r.info.startTime : i.processMs;
  const metric = i.primary ? ` · ${metricVersusBest(i.primary.key, i.primary.value, i.best)}` : '';
  const more = i.runCount && i.runCount > 1 ? ` (${i.runCount} runs)` : '';
  const name = `Run "${runLabel(r)}"${more}`;
  if (status === 'RUNNING' || status === 'SCHEDULED') {
    return {
      level: 'warning',
      message: `${i.scriptName} ended ${exitText(i.exitCode)} after ${formatDuration(i.processMs)}, but its run "${runLabel(r)}" still says RUNNING: MLflow leaves a run RUNNING when its process dies before ending it.${metric}`,
      offerMarkFailed: true,
      outcome: 'RUNNING',
    };
  }
  const exitNote = i.exitCode !== 0 && i.exitCode !== undefined ? `, the script ended ${exitText(i.exitCode)}` : '';
  const level = status === 'FINISHED' ? (exitNote ? 'warning' : 'info') : status === 'KILLED' ? 'warning' : 'error';
  return { level, message: `${name} ${status} in ${formatDuration(runMs)}${exitNote}${metric}`, offerMarkFailed: false, outcome: status };
}

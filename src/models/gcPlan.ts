// Pure: what `mlflow gc` will permanently delete, from the store's deleted experiments and runs, and which
// --run-ids / --experiment-ids to pass so that nothing is purged by surprise. No `vscode` import.
//
// MLflow's rules (observed running `mlflow gc` of 2.17 and 3.6):
//   * no ids: every deleted run (deleted longer ago than --older-than) and every deleted experiment (last
//     updated before the threshold) with all its runs;
//   * --run-ids only: those runs AND every deleted experiment — the pitfall: we pass the deleted experiments
//     explicitly with --experiment-ids so the command line says what goes, and the confirmation lists them;
//   * --experiment-ids only: those experiments AND every deleted run;
//   * an id that is not in the deleted state makes gc fail (exit 1).
import { parseDuration } from '../cli/options';

export interface DeletedExperiment {
  experimentId: string;
  name: string;
  lastUpdateTime?: number;
  /** Runs in it, when known (they are purged with it). */
  runCount?: number;
}

export interface DeletedRun {
  runId: string;
  name: string;
  experimentId: string;
  experimentName?: string;
  /** Best time the store knows for the run (end, else start); the deletion time itself is not exposed. */
  time?: number;
}

export interface GcSelection {
  /** Purge only these deleted runs (undefined: all of them). */
  runIds?: readonly string[];
  /** Purge only these deleted experiments (undefined: all of them). */
  experimentIds?: readonly string[];
  olderThan?: string;
}

export interface GcPlan {
  /** --run-ids to pass (undefined: none). */
  runIds?: string[];
  /** --experiment-ids to pass (undefined: none). */
  experimentIds?: string[];
  runs: DeletedRun[];
  experiments: DeletedExperiment[];
  /** Ids the user chose that are not (or no longer) deleted: gc would fail on them. */
  notDeleted: string[];
  /** True when --older-than may keep some of the listed runs (their deletion time is not known here). */
  runsMayBeKept: boolean;
  /** Plain sentences for the confirmation. */
  notes: string[];
  nothing: boolean;
}

/** Experiments gc considers with --older-than: last updated before now - threshold (unknown time: kept in the list). */
function oldEnough(e: DeletedExperiment, thresholdMs: number | undefined): boolean {
  if (thresholdMs === undefined || e.lastUpdateTime === undefined) return true;
  return e.lastUpdateTime < thresholdMs;
}

export function planGc(experiments: readonly DeletedExperiment[], runs: readonly DeletedRun[], sel: GcSelection, now = Date.now()): GcPlan {
  const seconds = sel.olderThan ? parseDuration(sel.olderThan) : undefined;
  const threshold = seconds === undefined ? undefined : now - seconds * 1000;
  const notes: string[] = [];
  const notDeleted: string[] = [];
  const expById = new Map(experiments.map((e) => [e.experimentId, e]));
  const runById = new Map(runs.map((r) => [r.runId, r]));

  let planExps: DeletedExperiment[];
  let experimentIds: string[] | undefined;
  if (sel.experimentIds && sel.experimentIds.length > 0) {
    planExps = [];
    for (const id of sel.experimentIds) {
      const e = expById.get(id);
      if (e) planExps.push(e);
      else notDeleted.push(id);
    }
    experimentIds = [...sel.experimentIds];
  } else {
    planExps = experiments.filter((e) => oldEnough(e, threshold));
    if (sel.runIds && sel.runIds.length > 0 && planExps.length > 0) {
      // the pitfall: --run-ids alone also purges every deleted experiment. Say so on the command line.
      experimentIds = planExps.map((e) => e.experimentId);
      notes.push(
        `mlflow gc always purges deleted experiments as well when given --run-ids; ${planExps.length === 1 ? 'this one is' : `these ${planExps.length} are`} passed explicitly with --experiment-ids. Restore ${planExps.length === 1 ? 'it' : 'them'} first to keep ${planExps.length === 1 ? 'it' : 'them'}.`,
      );
    }
  }

  let planRuns: DeletedRun[];
  let runIds: string[] | undefined;
  if (sel.runIds && sel.runIds.length > 0) {
    planRuns = [];
    for (const id of sel.runIds) {
      const r = runById.get(id);
      if (r) planRuns.push(r);
      else notDeleted.push(id);
    }
    runIds = [...sel.runIds];
  } else {
    planRuns = [...runs];
    if (sel.experimentIds && sel.experimentIds.length > 0 && runs.length > 0) {
      notes.push('Without chosen runs, mlflow gc also purges every deleted run (in any experiment).');
    }
  }
  const runsMayBeKept = threshold !== undefined && !runIds && planRuns.length > 0;
  if (runsMayBeKept) notes.push(`With --older-than ${sel.olderThan}, only runs deleted more than ${sel.olderThan} ago are purged; the store does not tell when a run was deleted, so some listed runs may be kept.`);
  if (notDeleted.length > 0) notes.push(`Not in the deleted state (gc would stop with an error): ${notDeleted.join(', ')}.`);
  return {
    runIds,
    experimentIds,
    runs: planRuns,
    experiments: planExps,
    notDeleted,
    runsMayBeKept,
    notes,
    nothing: planRuns.length === 0 && planExps.length === 0,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The text of the modal confirmation: a headline and a detail listing what goes. */
export function describeGcPlan(plan: GcPlan, store: string, maxLines = 12): { message: string; detail: string } {
  const expRuns = plan.experiments.reduce((n, e) => n + (e.runCount ?? 0), 0);
  const parts = [plural(plan.runs.length, 'deleted run'), plural(plan.experiments.length, 'deleted experiment')];
  const message = `Permanently delete ${parts.join(' and ')}${expRuns > 0 ? ` (with ${plural(expRuns, 'run')} inside)` : ''} from ${store}? This cannot be undone.`;
  const lines: string[] = [];
  const list = <T>(title: string, items: T[], fmt: (t: T) => string) => {
    if (!items.length) return;
    lines.push(`${title}:`);
    for (const it of items.slice(0, maxLines)) lines.push(`  • ${fmt(it)}`);
    if (items.length > maxLines) lines.push(`  … and ${items.length - maxLines} more`);
  };
  list('Experiments', plan.experiments, (e) => `${e.name} (${e.experimentId})${e.runCount ? `, ${plural(e.runCount, 'run')}` : ''}`);
  list('Runs', plan.runs, (r) => `${r.name || r.runId.slice(0, 8)} (${r.runId.slice(0, 8)})${r.experimentName ? ` in ${r.experimentName}` : ''}`);
  if (plan.notes.length) lines.push('', ...plan.notes);
  return { message, detail: lines.join('\n') };
}

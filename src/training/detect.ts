// Pure: which runs a launched script started, which one to follow, and what to show about it.
// A run belongs to the launch when it carries the launch tag (MLFLOW_RUN_CONTEXT, set for every fluent
// start_run, nested ones included), or — for runs made some other way — when MLflow recorded the script as
// its source (mlflow.source.name = argv[0], the absolute path we launch with) and it started after the
// launch. Children of a launch run belong to it too.
import { PARENT_RUN_TAG, SOURCE_NAME_TAG, type Run } from '../tracking/types';
import { commonPrimaryMetric } from '../explorer/runList';
import { filterClause } from '../tracking/search/print';
import { LAUNCH_TAG } from './launch';

export interface LaunchRef {
  launchId: string;
  /** Absolute script path. */
  script: string;
  /** ms since epoch when the process was started. */
  launchedAt: number;
}

/** Clocks of the script and of VS Code are the same machine's for local stores; servers may drift a little. */
export const CLOCK_SLACK_MS = 2000;

const tag = (r: Run, key: string) => r.data.tags.find((t) => t.key === key)?.value;
const normPath = (p: string) => p.replace(/\\/g, '/');

export function isLaunchRun(r: Run, l: LaunchRef): boolean {
  const marker = tag(r, LAUNCH_TAG);
  if (marker !== undefined) return marker === l.launchId;
  const source = tag(r, SOURCE_NAME_TAG);
  return source !== undefined && normPath(source) === normPath(l.script) && (r.info.startTime ?? 0) >= l.launchedAt - CLOCK_SLACK_MS;
}

/**
 * The search filter that finds the launch's runs on every store (the source-name fallback is checked in
 * code); undefined (every run, sorted out by isLaunchRun) for an id no filter can spell.
 */
export function launchFilter(l: LaunchRef): string | undefined {
  return filterClause('tags', LAUNCH_TAG, '=', l.launchId);
}

export function startedAfterFilter(l: LaunchRef): string | undefined {
  return filterClause('attributes', 'start_time', '>=', Math.max(0, l.launchedAt - CLOCK_SLACK_MS));
}

export interface Followed {
  /** Every run of the launch, oldest first. */
  runs: Run[];
  /** Runs without a parent among the launch's runs. */
  top: Run[];
  /** The run to follow: the newest top-level run. */
  current?: Run;
  /** Children of each run id. */
  children: Map<string, Run[]>;
}

const byStart = (a: Run, b: Run) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0) || a.info.runId.localeCompare(b.info.runId);

export function followedRuns(candidates: readonly Run[], l: LaunchRef): Followed {
  const mine = new Map<string, Run>();
  for (const r of candidates) if (isLaunchRun(r, l)) mine.set(r.info.runId, r);
  // children of launch runs (a client-created child has neither marker nor source name)
  for (let added = true; added; ) {
    added = false;
    for (const r of candidates) {
      const p = tag(r, PARENT_RUN_TAG);
      if (p && mine.has(p) && !mine.has(r.info.runId)) {
        mine.set(r.info.runId, r);
        added = true;
      }
    }
  }
  const runs = [...mine.values()].sort(byStart);
  const children = new Map<string, Run[]>();
  const top: Run[] = [];
  for (const r of runs) {
    const p = tag(r, PARENT_RUN_TAG);
    if (p && mine.has(p)) children.set(p, [...(children.get(p) ?? []), r]);
    else top.push(r);
  }
  return { runs, top, current: top[top.length - 1], children };
}

/** mlflow.primaryMetric, else the usual candidate the runs have, else the run's first metric. */
export function primaryMetricOf(setting: string, runs: readonly Run[]): string | undefined {
  if (setting) return setting;
  return commonPrimaryMetric(runs) ?? [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort()[0];
}

export interface Progress {
  name: string;
  status: string;
  /** Highest step logged so far (any metric). */
  step?: number;
  metric?: { key: string; value: number };
  /** Which run the metric comes from when it is a child's (a sweep's parent often logs nothing). */
  fromChild?: string;
}

export function runLabel(r: Run): string {
  return r.info.runName || tag(r, 'mlflow.runName') || r.info.runId.slice(0, 8);
}

/** What the status bar shows for the followed run: its own latest step and metric, else its newest child's. */
export function progressOf(f: Followed, primarySetting: string): Progress | undefined {
  const run = f.current;
  if (!run) return undefined;
  const kids = f.children.get(run.info.runId) ?? [];
  const source = run.data.metrics.length ? run : [...kids].reverse().find((k) => k.data.metrics.length);
  const out: Progress = { name: runLabel(run), status: run.info.status };
  if (!source) return out;
  const steps = source.data.metrics.map((m) => m.step).filter((s) => Number.isFinite(s));
  if (steps.length) out.step = Math.max(...steps);
  const key = primaryMetricOf(primarySetting, [source]);
  const m = key ? source.data.metrics.find((x) => x.key === key) : undefined;
  if (m) out.metric = { key: m.key, value: m.value };
  if (source !== run) out.fromChild = runLabel(source);
  return out;
}

// Pure: which runs a Python file produced, and the summaries its lenses and hovers show.
import { formatMetricValue } from '../core/format';
import { PARENT_RUN_TAG, SOURCE_NAME_TAG, type Metric, type Run } from '../tracking/types';

export interface FileIdentity {
  /** Absolute path of the file now. */
  absPath: string;
  /** Path relative to its workspace folder, '/'-separated. */
  relPath: string;
}

function norm(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * Does a run's mlflow.source.name name this file? MLflow records the script as launched: an absolute
 * path (possibly of a workspace that has since moved), or a path relative to the launch directory.
 * Matches the absolute path, the workspace-relative path, or the longest common path suffix of at
 * least two segments (one when the recorded name is a bare file name).
 */
export function sourceMatches(sourceName: string | undefined, file: FileIdentity): boolean {
  if (!sourceName) return false;
  const src = norm(sourceName);
  const abs = norm(file.absPath);
  const rel = norm(file.relPath);
  if (src === abs || src === rel) return true;
  const a = src.split('/').filter(Boolean);
  const b = abs.split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[a.length - 1 - common] === b[b.length - 1 - common]) common++;
  if (common === 0) return false;
  if (a.length === 1) return true;
  return common >= 2 || common === Math.min(a.length, rel.split('/').length);
}

export function runsFromFile(runs: readonly Run[], file: FileIdentity): Run[] {
  return runs.filter((r) => sourceMatches(r.data.tags.find((t) => t.key === SOURCE_NAME_TAG)?.value, file));
}

export function newestFirst(runs: readonly Run[]): Run[] {
  return [...runs].sort((a, b) => (b.info.startTime ?? 0) - (a.info.startTime ?? 0) || a.info.runId.localeCompare(b.info.runId));
}

/** Lower is better for losses and errors, higher for the rest. */
export function lowerIsBetter(key: string): boolean {
  return /loss|err|rmse|mse|mae|mape|perplexity|cost|wer|cer|latency|time/i.test(key);
}

export interface MetricSummary {
  key: string;
  latest?: { run: Run; metric: Metric };
  best?: { run: Run; metric: Metric };
  runCount: number;
}

export function summarizeMetric(runs: readonly Run[], key: string): MetricSummary {
  const sorted = newestFirst(runs);
  let latest: MetricSummary['latest'];
  let best: MetricSummary['best'];
  let runCount = 0;
  const lower = lowerIsBetter(key);
  for (const run of sorted) {
    const metric = run.data.metrics.find((m) => m.key === key);
    if (!metric) continue;
    runCount++;
    if (!latest) latest = { run, metric };
    if (!Number.isFinite(metric.value)) continue;
    if (!best || (lower ? metric.value < best.metric.value : metric.value > best.metric.value)) best = { run, metric };
  }
  return { key, latest, best, runCount };
}

export function metricLensTitle(s: MetricSummary): string {
  if (!s.latest) return `${s.key}: not logged yet`;
  const last = formatMetricValue(s.latest.metric.value);
  const best = s.best ? ` · best ${formatMetricValue(s.best.metric.value)}` : '';
  return `${s.key}: last ${last}${best} · ${s.runCount} run${s.runCount === 1 ? '' : 's'}`;
}

export function paramValues(runs: readonly Run[], key: string): { values: string[]; runCount: number } {
  const counts = new Map<string, number>();
  let runCount = 0;
  for (const r of newestFirst(runs)) {
    const p = r.data.params.find((x) => x.key === key);
    if (!p) continue;
    runCount++;
    counts.set(p.value, (counts.get(p.value) ?? 0) + 1);
  }
  return { values: [...counts.keys()], runCount };
}

export function paramLensTitle(key: string, v: { values: string[]; runCount: number }): string {
  if (!v.runCount) return `${key}: not logged yet`;
  const shown = v.values.slice(0, 4).map((x) => (x.length > 16 ? x.slice(0, 15) + '…' : x));
  const more = v.values.length > 4 ? ` +${v.values.length - 4}` : '';
  return `${key}: ${shown.join(', ')}${more} · ${v.runCount} run${v.runCount === 1 ? '' : 's'}`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of a curve; NaN and infinities as '·'. */
export function sparkline(points: readonly Metric[], width = 40): string {
  if (points.length === 0) return '';
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  const buckets: number[][] = Array.from({ length: Math.min(width, sorted.length) }, () => []);
  sorted.forEach((p, i) => buckets[Math.floor((i * buckets.length) / sorted.length)].push(p.value));
  const means = buckets.map((b) => {
    const f = b.filter(Number.isFinite);
    return f.length ? f.reduce((x, y) => x + y, 0) / f.length : NaN;
  });
  const finite = means.filter(Number.isFinite);
  if (!finite.length) return '·'.repeat(means.length);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return means.map((v) => (Number.isFinite(v) ? BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] : '·')).join('');
}

// ---------------------------------------------------------------------------------------------
// The rest of the tracking API: artifacts, tracking URIs, end_run.

export interface ArtifactCallTarget {
  /** 'file' for log_artifact, 'dir' for log_artifacts. */
  kind: 'file' | 'dir';
  /** Where it lands in the run, relative to the artifact root ('' = the root, for log_artifacts without artifact_path). */
  dest: string;
  /** The local path as written (relative paths are relative to the script's working directory). */
  local: string;
}

function cleanArtifactPath(p: string | undefined): string {
  return (p ?? '').replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * Where `mlflow.log_artifact(local_path, artifact_path)` / `log_artifacts(local_dir, artifact_path)` put
 * their files: `<artifact_path>/<basename(local_path)>`, or the folder's contents under `<artifact_path>`.
 * Undefined when the local path is not a literal.
 */
export function artifactCallTarget(kind: 'logArtifact' | 'logArtifacts', args: Record<string, string>): ArtifactCallTarget | undefined {
  const dir = cleanArtifactPath(args.artifact_path);
  if (kind === 'logArtifact') {
    const local = args.local_path;
    if (!local) return undefined;
    const base = local.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
    if (!base) return undefined;
    return { kind: 'file', dest: dir ? `${dir}/${base}` : base, local };
  }
  const local = args.local_dir;
  if (!local) return undefined;
  return { kind: 'dir', dest: dir, local };
}

/** The artifact URI `mlflow.get_artifact_uri(artifact_path)` returns for a run. */
export function artifactUriOf(runArtifactUri: string, artifactPath?: string): string {
  const sub = cleanArtifactPath(artifactPath);
  return sub ? `${runArtifactUri.replace(/\/+$/, '')}/${sub}` : runArtifactUri;
}

/** The literal URI of the last `set_tracking_uri(...)` before `line` (the one a call on that line sees), if any. */
export function trackingUriBefore(calls: readonly { kind: string; line: number; stringArgs: Record<string, string> }[], line: number): string | undefined {
  let found: string | undefined;
  for (const c of calls) if (c.kind === 'setTrackingUri' && c.line < line && c.stringArgs.uri) found = c.stringArgs.uri;
  return found;
}

export function endRunTitle(run: Run | undefined, status: string | undefined, now = Date.now()): string {
  const ends = status ? ` · ends as ${status.toUpperCase()}` : '';
  if (!run) return `$(debug-stop) no run from this file yet${ends}`;
  const st = run.info.status.toLowerCase();
  const when = run.info.status === 'RUNNING' ? (run.info.startTime ? ` since ${relative(run.info.startTime, now)}` : '') : run.info.endTime ? ` ${relative(run.info.endTime, now)}` : '';
  return `$(debug-stop) latest run ${runLabel(run)}: ${st}${when}${ends}`;
}

function relative(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

function runLabel(run: Run): string {
  return run.info.runName || run.data.tags.find((t) => t.key === 'mlflow.runName')?.value || run.info.runId.slice(0, 8);
}

export interface ExperimentStatus {
  name: string;
  experiment?: { experimentId: string; lifecycleStage: 'active' | 'deleted' };
  runCount: number;
  /** More runs than were counted. */
  more: boolean;
}

export function createExperimentTitle(s: ExperimentStatus): string {
  const q = `"${s.name.length > 40 ? s.name.slice(0, 39) + '…' : s.name}"`;
  if (!s.experiment) return `$(beaker) ${q} does not exist yet — create_experiment will create it`;
  if (s.experiment.lifecycleStage === 'deleted') return `$(beaker) ${q} is a deleted experiment (ID ${s.experiment.experimentId}): create_experiment fails until it is purged or restored`;
  const runs = `${s.runCount}${s.more ? '+' : ''} run${s.runCount === 1 && !s.more ? '' : 's'}`;
  return `$(beaker) ${q} exists (ID ${s.experiment.experimentId}) · ${runs}${s.runCount ? ' — Reveal' : ''}`;
}

/** What a `start_run` call names its run: a literal (`exact`), an f-string's constant start (`prefix`), or nothing. */
export interface StartRunScope {
  exact?: string;
  prefix?: string;
  /** The `with mlflow.start_run(…)` this call sits in. */
  parent?: StartRunScope;
}

interface StartRunCall {
  line: number;
  inWith: boolean;
  stringArgs: Record<string, string>;
  fstringPrefixes?: Record<string, string>;
}

const indentOf = (l: string) => l.length - l.trimStart().length;
const isCode = (l: string) => l.trim() !== '' && !l.trim().startsWith('#');

/** Each start_run call's name pattern and the enclosing `with start_run` block, read from indentation. */
export function startRunScopes<C extends StartRunCall>(calls: readonly C[], lines: readonly string[]): Map<C, StartRunScope> {
  const out = new Map<C, StartRunScope>();
  const open: { indent: number; scope: StartRunScope }[] = [];
  let last = -1;
  for (const call of [...calls].sort((a, b) => a.line - b.line)) {
    let min = Infinity;
    for (let l = last + 1; l <= call.line && l < lines.length; l++) if (isCode(lines[l])) min = Math.min(min, indentOf(lines[l]));
    while (open.length && open[open.length - 1].indent >= min) open.pop();
    last = call.line;
    const scope: StartRunScope = { parent: open[open.length - 1]?.scope };
    if (call.stringArgs.run_name !== undefined) scope.exact = call.stringArgs.run_name;
    else if (call.fstringPrefixes?.run_name) scope.prefix = call.fstringPrefixes.run_name;
    out.set(call, scope);
    if (call.inWith) open.push({ indent: indentOf(lines[call.line] ?? ''), scope });
  }
  return out;
}

function nameFits(run: Run, s: StartRunScope): boolean {
  if (s.exact !== undefined) return run.info.runName === s.exact;
  if (s.prefix !== undefined) return run.info.runName.startsWith(s.prefix);
  return true;
}

/** The runs a start_run call made, newest first: by name, and under the latest run of the enclosing block. */
export function runsOfStartRun(runs: readonly Run[], s: StartRunScope): Run[] {
  const sorted = newestFirst(runs);
  if (!s.parent) return sorted.filter((r) => nameFits(r, s));
  const parent = runsOfStartRun(runs, s.parent)[0];
  if (!parent) return [];
  return sorted.filter((r) => r.data.tags.some((t) => t.key === PARENT_RUN_TAG && t.value === parent.info.runId) && nameFits(r, s));
}

/** How a lens names a start_run's pattern: "lr-sweep", "lr-…". */
export function startRunPattern(s: StartRunScope): string | undefined {
  return s.exact !== undefined ? s.exact : s.prefix !== undefined ? `${s.prefix}…` : undefined;
}

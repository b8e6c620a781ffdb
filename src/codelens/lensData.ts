// Pure: which runs a Python file produced, and the summaries its lenses and hovers show.
import { formatMetricValue } from '../format';
import { SOURCE_NAME_TAG, type Metric, type Run } from '../tracking/types';

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

// Pure: the runs loaded so far for one experiment, page by page, plus runs fetched out of band
// (a parent on a later page, a run revealed by id), deduplicated and kept in server order.
import type { Run } from '../tracking/types';

/** Metrics shown beside a run when no mlflow.primaryMetric is set, in order of preference. */
export const PRIMARY_METRIC_CANDIDATES = ['val_loss', 'loss', 'val_accuracy', 'accuracy', 'rmse', 'f1'];

/** One metric for all runs of an experiment: the candidate most runs have (ties: the earlier candidate). */
export function commonPrimaryMetric(runs: readonly Run[]): string | undefined {
  let best: string | undefined;
  let bestCount = 0;
  for (const k of PRIMARY_METRIC_CANDIDATES) {
    const n = runs.reduce((c, r) => c + (r.data.metrics.some((m) => m.key === k) ? 1 : 0), 0);
    if (n > bestCount) [best, bestCount] = [k, n];
  }
  return best;
}

export class RunList {
  private primary?: { of: Run[]; key: string | undefined };
  private pages: Run[] = [];
  private extras: Run[] = [];
  nextPageToken?: string;
  loadedOnce = false;

  get runs(): Run[] {
    const seen = new Set<string>();
    const out: Run[] = [];
    for (const r of [...this.pages, ...this.extras]) {
      if (seen.has(r.info.runId)) continue;
      seen.add(r.info.runId);
      out.push(r);
    }
    return out;
  }

  /** The runs of the pages read so far (not those fetched out of band), deduplicated, in server order. */
  get pagedRuns(): Run[] {
    const seen = new Set<string>();
    return this.pages.filter((r) => !seen.has(r.info.runId) && !!seen.add(r.info.runId));
  }

  get pagedCount(): number {
    return this.pages.length;
  }

  get hasMore(): boolean {
    return this.nextPageToken !== undefined;
  }

  addPage(runs: Run[], nextPageToken: string | undefined, reset: boolean): void {
    if (reset) this.pages = [];
    this.pages.push(...runs);
    this.nextPageToken = nextPageToken;
    this.loadedOnce = true;
    const paged = new Set(this.pages.map((r) => r.info.runId));
    this.extras = this.extras.filter((r) => !paged.has(r.info.runId));
  }

  addExtra(run: Run): void {
    if (!this.runs.some((r) => r.info.runId === run.info.runId)) this.extras.push(run);
  }

  /** Replaces runs whose newer state was fetched (auto-refresh), keeping positions. */
  update(runs: Run[]): void {
    const byId = new Map(runs.map((r) => [r.info.runId, r]));
    this.pages = this.pages.map((r) => byId.get(r.info.runId) ?? r);
    this.extras = this.extras.map((r) => byId.get(r.info.runId) ?? r);
  }

  /**
   * A re-read of the first page (auto-refresh): runs already listed take their newer state in place,
   * runs not listed yet (started since) go first, in the page's order.
   */
  mergeFirstPage(runs: Run[]): void {
    const known = new Set(this.runs.map((r) => r.info.runId));
    this.update(runs);
    const added = runs.filter((r) => !known.has(r.info.runId));
    if (added.length) this.pages = [...added, ...this.pages];
  }

  /** The experiment's primary metric among the loaded runs (recomputed when they change). */
  primaryMetric(): string | undefined {
    const runs = [...this.pages, ...this.extras];
    if (!this.primary || this.primary.of.length !== runs.length || this.primary.of.some((r, i) => r !== runs[i])) this.primary = { of: runs, key: commonPrimaryMetric(runs) };
    return this.primary.key;
  }

  find(runId: string): Run | undefined {
    return this.runs.find((r) => r.info.runId === runId);
  }

  hasRunning(): boolean {
    return this.runs.some((r) => r.info.status === 'RUNNING');
  }
}

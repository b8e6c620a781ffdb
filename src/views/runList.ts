// Pure: the runs loaded so far for one experiment, page by page, plus runs fetched out of band
// (a parent on a later page, a run revealed by id), deduplicated and kept in server order.
import type { Run } from '../tracking/types';

export class RunList {
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

  find(runId: string): Run | undefined {
    return this.runs.find((r) => r.info.runId === runId);
  }

  hasRunning(): boolean {
    return this.runs.some((r) => r.info.status === 'RUNNING');
  }
}

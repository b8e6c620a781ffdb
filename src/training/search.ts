// The reads that find a launch's runs in a store, one round per poll (no vscode: the session and the
// benchmark run the same code). Until the first run is found, and every FULL_SEARCH_EVERY rounds, every
// experiment is searched (a script may create or switch experiments); otherwise only the experiments its
// runs are in.
import type { Run, TrackingStore } from '../tracking/types';
import { followedRuns, launchFilter, startedAfterFilter, type Followed, type LaunchRef } from './detect';

/** Local stores are re-read this often while a script runs (a point reaches the plot within ~1 s). */
export const LOCAL_POLL_MS = 400;
/** Every this many polls, all experiments are searched again. */
const FULL_SEARCH_EVERY = 10;

export class LaunchSearch {
  private polls = 0;
  private experimentIds: string[] = [];

  constructor(readonly launch: LaunchRef) {}

  /** One round: the launch's runs as they stand now (`previous`: what the last round found). */
  async round(store: TrackingStore, previous: Followed, force = false): Promise<Followed> {
    const full = force || !previous.runs.length || this.polls++ % FULL_SEARCH_EVERY === 0;
    if (full) {
      const exps = await store.searchExperiments({ maxResults: 1000 });
      this.experimentIds = exps.items.map((e) => e.experimentId);
    }
    const ids = full || !previous.runs.length ? this.experimentIds : [...new Set(previous.runs.map((r) => r.info.experimentId))];
    if (!ids.length) return followedRuns([], this.launch);
    const [marked, recent] = await Promise.all([
      store.searchRuns({ experimentIds: ids, filter: launchFilter(this.launch), maxResults: 1000 }),
      // runs without the marker (made through MlflowClient): recognised by source name and start time
      full ? store.searchRuns({ experimentIds: ids, filter: startedAfterFilter(this.launch), maxResults: 1000 }) : Promise.resolve({ items: [] as Run[] }),
    ]);
    const byId = new Map<string, Run>();
    for (const r of [...previous.runs, ...recent.items, ...marked.items]) byId.set(r.info.runId, r);
    return followedRuns([...byId.values()], this.launch);
  }
}

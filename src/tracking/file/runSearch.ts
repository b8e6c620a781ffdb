// Run search over an MLflow file store's experiment folders: filter, order and page, reading only
// the key files a filter needs, and keeping the sorted result for the follow-up pages of a query.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkMaxResults, decodeOffsetToken, pageOf } from '../paging';
import type { Page, Run, SearchRunsQuery, ViewType } from '../types';
import { checkCancelled, directKeySegments, namesAreCaseSensitive } from './fsUtil';
import { RunReader, type DirectKeys, type RunMeta, type RunPart, type RunParts } from './runReader';
import { compileRunOrderBy, filterNeeds, parseRunFilter, type FilterNeeds, type ParsedRunFilter } from './searchApi';

/** How long a search result may serve follow-up pages (see snapshot()). */const SNAPSHOT_MS = 10_000;

function dirMtime(d: string): number | undefined {
  try {
    return fs.statSync(d).mtimeMs;
  } catch {
    return undefined;
  }
}

export function matchesView(stage: string, view: ViewType | undefined): boolean {
  switch (view ?? 'ACTIVE_ONLY') {
    case 'ACTIVE_ONLY':
      return stage === 'active';
    case 'DELETED_ONLY':
      return stage === 'deleted';
    default:
      return true;
  }
}

/**
 * The keys a query reads, to be read file by file (RunReader.loadKeys), when that finds exactly
 * what listing the key folders would: every key maps to a path (directKeySegments) and every
 * experiment folder's file system tells names apart by case. Undefined: list and read everything.
 */
function directKeys(needs: FilterNeeds, expDirs: readonly string[]): DirectKeys | undefined {
  if (!needs.keys) return undefined;
  const out: DirectKeys = { params: [], metrics: [], tags: [] };
  for (const part of ['params', 'metrics', 'tags'] as const) {
    for (const key of needs.keys[part]) {
      const segs = directKeySegments(key);
      if (!segs) return undefined;
      out[part].push([key, segs]);
    }
  }
  return expDirs.every((d) => namesAreCaseSensitive(d, 'meta.yaml')) ? out : undefined;
}

/** Filter entities whose values live in a run's key folders. */
const KEY_PARTS = { metric: 'metrics', parameter: 'params', tag: 'tags' } as const;

/** The info of a run not read yet: filters on metrics, params and tags never look at it. */
const PROBE_INFO: Run['info'] = { runId: '', experimentId: '', runName: '', userId: '', status: 'RUNNING', artifactUri: '', lifecycleStage: 'active' };

interface Candidate {
  meta: RunMeta;
  parts: RunParts;
  run: Run;
}

export class RunSearch {
  private lastSearch: { key: string; dirs: [string, number | undefined][]; at: number; kept: Candidate[] } | undefined;

  /** `remember` learns where each run read lives (for getRun). */
  constructor(
    private readonly runs: RunReader,
    private readonly remember: (m: RunMeta) => void,
  ) {}

  /** Drops the kept result (after a write). */
  forget(): void {
    this.lastSearch = undefined;
  }

  /** One page of runs of the experiment folders `dirsOf` gives (called once the query is known to be valid). */
  async search(query: SearchRunsQuery, dirsOf: () => string[], signal: AbortSignal | undefined): Promise<Page<Run>> {
    checkCancelled(signal);
    const max = checkMaxResults(query.maxResults, 1000, 50000);
    decodeOffsetToken(query.pageToken);
    const parsedFilter = parseRunFilter(query.filter);
    const pred = parsedFilter.predicate;
    const cmp = compileRunOrderBy(query.orderBy);
    const needs = filterNeeds(query.filter, query.orderBy);
    const needInputs = needs.datasets;
    const hasFilter = !!query.filter && query.filter.trim() !== '';

    const dirs = dirsOf();
    const key = JSON.stringify([dirs, query.filter ?? '', query.orderBy ?? [], query.runViewType ?? 'ACTIVE_ONLY']);
    let kept = query.pageToken ? this.snapshot(key, dirs) : undefined;
    const fresh = !kept;
    if (!kept) {
      const keyed = needs.params || needs.metrics || needs.tags ? (needInputs ? undefined : directKeys(needs, dirs)) : undefined;
      const comparisons = keyed ? parsedFilter.comparisons : [];
      if (keyed && comparisons.length > 0 && comparisons.every((c) => c.entity in KEY_PARTS)) {
        kept = this.searchKeyFirst(dirs, keyed, comparisons, query.runViewType, signal);
      } else {
        const candidates: Candidate[] = [];
        for (const dir of dirs) {
          checkCancelled(signal);
          for (const meta of this.runs.listRuns(dir)) {
            this.remember(meta);
            if (!matchesView(meta.info.lifecycleStage, query.runViewType)) continue;
            candidates.push({ meta, parts: {}, run: undefined as unknown as Run });
          }
        }
        const want = { params: needs.params, metrics: needs.metrics, tags: needs.tags, inputs: needInputs };
        const partial = needs.params || needs.metrics || needs.tags || needInputs;
        let i = 0;
        for (const c of candidates) {
          if (keyed) {
            // only what the filter and order read; the returned page is loaded in full below
            c.run = RunReader.toRun(c.meta, this.runs.loadKeys(c.meta, keyed));
          } else {
            if (partial) this.runs.load(c.meta, c.parts, want);
            c.run = RunReader.toRun(c.meta, c.parts);
          }
          if (partial && (++i & 255) === 0) checkCancelled(signal);
        }
        kept = hasFilter ? candidates.filter((c) => pred(c.run)) : candidates;
      }
      kept.sort((a, b) => cmp(a.run, b.run));
      this.lastSearch = { key, dirs: dirs.map((d) => [d, dirMtime(d)]), at: Date.now(), kept };
    }
    const page = pageOf(kept, query.pageToken, max);
    const items: Run[] = [];
    for (const c of page.items) {
      checkCancelled(signal);
      // a snapshot only fixes membership and order: its runs' meta is re-validated (stat) and their
      // parts read now; a search that just read every meta.yaml uses what it read
      const meta = fresh ? c.meta : this.runs.readMeta(c.meta.dir, c.meta.expDir);
      if (!meta) continue;
      items.push(RunReader.toRun(meta, this.runs.load(meta, meta === c.meta ? c.parts : {})));
    }
    return page.nextPageToken ? { items, nextPageToken: page.nextPageToken } : { items };
  }

  /**
   * The runs that match a filter on metrics, params and tags only. Each comparison's key file is
   * read just before it is tested and a run's meta.yaml only once the whole filter holds (MLflow's
   * filters are AND-only), so a run the filter rejects costs one or two small reads. Also reads
   * the order_by keys of the runs kept.
   */
  private searchKeyFirst(dirs: readonly string[], keyed: DirectKeys, comparisons: ParsedRunFilter['comparisons'], view: ViewType | undefined, signal: AbortSignal | undefined): Candidate[] {
    const segs = new Map<string, readonly string[]>();
    for (const part of ['params', 'metrics', 'tags'] as const) for (const [key, sg] of keyed[part]) segs.set(`${part}\0${key}`, sg);
    const seen = new Set<string>();
    const steps = comparisons.map((c) => {
      const part = KEY_PARTS[c.entity as keyof typeof KEY_PARTS];
      const id = `${part}\0${c.key}`;
      const load = !seen.has(id);
      seen.add(id);
      return { pred: c.pred, part, key: c.key, segs: segs.get(id)!, load };
    });
    const rest: [RunPart, string, readonly string[]][] = [];
    for (const [id, sg] of segs) {
      if (seen.has(id)) continue;
      const [part, key] = id.split('\0') as [RunPart, string];
      rest.push([part, key, sg]);
    }
    const out: Candidate[] = [];
    let i = 0;
    for (const expDir of dirs) {
      for (const dir of this.runs.runDirs(expDir)) {
        if ((++i & 255) === 0) checkCancelled(signal);
        const owner = { runId: path.basename(dir), expDir, dir, metricsCarryRunId: false };
        const parts: RunParts = { params: [], metrics: [], tags: [] };
        const probe: Run = { info: PROBE_INFO, data: { params: parts.params!, metrics: parts.metrics!, tags: parts.tags! }, inputs: { datasetInputs: [], modelInputs: [] }, outputs: { modelOutputs: [] } };
        let ok = true;
        for (const st of steps) {
          if (st.load) this.runs.loadKey(owner, st.part, st.key, st.segs, parts);
          if (!st.pred(probe)) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        const meta = this.runs.readMeta(dir, expDir);
        if (!meta) continue;
        this.remember(meta);
        if (!matchesView(meta.info.lifecycleStage, view)) continue;
        for (const [part, key, sg] of rest) this.runs.loadKey(owner, part, key, sg, parts);
        out.push({ meta, parts: {}, run: RunReader.toRun(meta, parts) });
      }
    }
    return out;
  }

  /**
   * The sorted result of the previous search when the next page of the same query is asked for
   * soon after and no experiment folder gained or lost runs. Offset page tokens make no stronger
   * promise (MLflow's shift too), and it saves re-reading every meta.yaml per page.
   */
  private snapshot(key: string, dirs: string[]): Candidate[] | undefined {
    const s = this.lastSearch;
    if (!s || s.key !== key || Date.now() - s.at > SNAPSHOT_MS) return undefined;
    if (s.dirs.length !== dirs.length || s.dirs.some(([d, m]) => dirMtime(d) !== m)) return undefined;
    s.at = Date.now();
    return s.kept;
  }
}

import * as vscode from 'vscode';
import { readSettings } from '../config';
import { toTrackingError } from '../core/errors';
import type { Connection } from '../connection/connection';
import type { Connections } from '../connection/connections';
import type { Log } from '../log';
import { NOTE_TAG, type Experiment, type Run, type TrackingStore } from '../tracking/types';
import type { Node, NodeOf } from './nodes';
import { collectPages } from '../tracking/paging';
import { buildRunForest } from './runForest';
import { RunList } from './runList';
import { toTreeItem } from './treeItems';
import { ExpansionMemory } from './expansionMemory';
import { Commands } from '../ids';

/** What the explorer reads of a store's problem reports (see FileStore.problems). */
interface RunProblem {
  runId?: string;
  experimentId?: string;
  effect?: 'skipped' | 'partial';
}

export interface RunQuery {
  filter?: string;
  orderBy?: string[];
}

const RUN_QUERY_KEY = 'mlflow.runQuery';

function parseRunQuery(v: unknown): RunQuery {
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  const orderBy = Array.isArray(o.orderBy) && o.orderBy.every((x) => typeof x === 'string') ? (o.orderBy as string[]) : undefined;
  return { filter: typeof o.filter === 'string' && o.filter ? o.filter : undefined, orderBy };
}

/** Experiments → runs (nested) → parameters, metrics, tags, artifacts. */
export class ExperimentsProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly lists = new Map<string, RunList>();
  private readonly experiments = new Map<string, Promise<Experiment[]>>();
  private readonly metricSteps = new Map<string, Map<string, number>>();
  private query: RunQuery = {};
  private showDeleted = false;
  private readonly subs: vscode.Disposable[] = [];
  private readonly expanded: ExpansionMemory;

  constructor(
    private readonly connections: Connections,
    private readonly log: Log,
    /** Where the filter and sort are kept across reloads (the workspace's state). */
    private readonly state?: vscode.Memento,
  ) {
    this.query = parseRunQuery(state?.get(RUN_QUERY_KEY));
    this.expanded = new ExpansionMemory(state);
    this.subs.push(
      connections.onDidChange((c) => {
        if (c) this.clear(c);
        this.changed.fire(undefined);
      }),
      connections.onDidChangeData((c) => this.refreshConnection(c)),
    );
  }

  get runQuery(): RunQuery {
    return this.query;
  }

  /** True while deleted runs are listed (the view's show/hide toggle); the runs table follows it. */
  get showsDeleted(): boolean {
    return this.showDeleted;
  }

  /**
   * The pages of runs the tree has already read for an experiment under its current query (the runs
   * table starts from them and continues with nextPageToken); parents fetched out of band are not included.
   */
  loadedRuns(conn: Connection, experimentId: string): { runs: Run[]; nextPageToken?: string; query: RunQuery } | undefined {
    const list = this.lists.get(this.listKey(conn, experimentId));
    return list?.loadedOnce ? { runs: list.pagedRuns, nextPageToken: list.nextPageToken, query: this.query } : undefined;
  }

  setRunQuery(q: RunQuery): void {
    this.query = q;
    void this.state?.update(RUN_QUERY_KEY, q.filter || q.orderBy?.length ? q : undefined);
    this.lists.clear();
    this.changed.fire(undefined);
  }

  /** Called from the tree view's expand/collapse events; remembered nodes are built expanded after a reload. */
  setExpanded(node: Node, expanded: boolean): void {
    this.expanded.set(node.id, expanded);
  }

  setShowDeleted(v: boolean): void {
    this.showDeleted = v;
    this.lists.clear();
    this.experiments.clear();
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.lists.clear();
    this.experiments.clear();
    this.metricSteps.clear();
    this.changed.fire(undefined);
  }

  private clear(c: Connection): void {
    for (const k of [...this.lists.keys()]) if (k.startsWith(c.key + '|')) this.lists.delete(k);
    this.experiments.delete(c.key);
  }

  private refreshConnection(c: Connection): void {
    this.clear(c);
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const settings = readSettings(node.conn.folder?.uri);
    const kind = node.conn.resolved?.kind;
    const ctx = {
      primaryMetric: settings.primaryMetric || (node.type === 'run' ? this.runList(node.conn, node.experiment.experimentId).primaryMetric() ?? '' : ''),
      // SQLite stores offer edits too: without node:sqlite the store refuses them saying what is needed
      writable: kind === 'rest' || kind === 'file' || kind === 'sqlite',
      http: kind === 'rest',
      groupCount: node.type === 'group' ? groupCount(node, settings.showSystemTags) : undefined,
    };
    const item = toTreeItem(node, ctx);
    if (item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed && this.expanded.has(node.id)) {
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    }
    return item;
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      if (!node) return await this.rootChildren();
      switch (node.type) {
        case 'folder':
          return await this.connectionChildren(node.conn, node);
        case 'experiment':
          return await this.experimentChildren(node);
        case 'run':
          return this.runChildren(node);
        case 'group':
          return await this.groupChildren(node);
        case 'artifact':
          return await this.artifactChildren(node);
        case 'error':
          return this.errorChildren(node);
        default:
          return [];
      }
    } catch (e) {
      const error = toTrackingError(e);
      this.log.error(`[explorer] ${error.userMessage}`);
      const conn = node?.conn ?? this.connections.all()[0];
      return conn ? [{ type: 'error', id: `${node?.id ?? 'root'}|error`, conn, parent: node, error }] : [];
    }
  }

  /** What the user can do about a failure, as rows: the reason in full, Retry, Show Log, Set Tracking URI. */
  private errorChildren(node: NodeOf<'error'>): Node[] {
    const base = { conn: node.conn, parent: node as Node };
    const rows: Node[] = [];
    const e = node.error;
    const detail = e.message.length > 60 ? e.message : undefined;
    if (detail) rows.push({ ...base, type: 'message', id: `${node.id}|detail`, text: detail, tooltip: e.userMessage });
    if (e.hint) rows.push({ ...base, type: 'message', id: `${node.id}|hint`, text: e.hint, tooltip: e.hint });
    if (e.kind === 'auth' && node.conn.resolved?.kind === 'rest') {
      rows.push({ ...base, type: 'action', id: `${node.id}|signin`, text: 'Sign In…', icon: 'account', command: Commands.signIn, args: [{ connKey: node.conn.key }] });
    }
    rows.push(
      { ...base, type: 'action', id: `${node.id}|retry`, text: 'Retry', icon: 'debug-restart', command: Commands.retry, args: [node] },
      { ...base, type: 'action', id: `${node.id}|log`, text: 'Show Log', icon: 'output', command: Commands.showLog },
    );
    if (!node.parent || node.parent.type === 'folder') {
      rows.push({ ...base, type: 'action', id: `${node.id}|uri`, text: 'Set Tracking URI…', icon: 'plug', command: Commands.setTrackingUri });
    }
    return rows;
  }

  private async rootChildren(): Promise<Node[]> {
    const conns = this.connections.all();
    if (conns.length === 1) return this.connectionChildren(conns[0], undefined);
    return conns.map((conn): Node => ({ type: 'folder', id: `${conn.key}|folder`, conn }));
  }

  private async connectionChildren(conn: Connection, parent: Node | undefined): Promise<Node[]> {
    if (conn.state.name === 'idle') await conn.connect();
    const s = conn.state;
    if (s.name === 'noStore') {
      return parent ? [{ type: 'message', id: `${conn.key}|nostore`, conn, parent, text: 'No MLflow store found in this folder', tooltip: s.reason }] : [];
    }
    if (s.name === 'error') return [{ type: 'error', id: `${conn.key}|error`, conn, parent, error: s.error }];
    const store = await conn.store();
    const experiments = await this.loadExperiments(conn, store);
    if (experiments.length === 0) return [{ type: 'message', id: `${conn.key}|empty`, conn, parent, text: 'No experiments yet' }];
    return experiments.map((experiment): Node => ({ type: 'experiment', id: `${conn.key}|exp|${experiment.experimentId}`, conn, parent, experiment }));
  }

  /** One request per connection however many views ask at once; a refresh starts a new one. */
  private loadExperiments(conn: Connection, store: TrackingStore): Promise<Experiment[]> {
    const cached = this.experiments.get(conn.key);
    if (cached) return cached;
    const loading = collectPages(
      (pageToken) => store.searchExperiments({ maxResults: 1000, pageToken, viewType: this.showDeleted ? 'ALL' : undefined }),
      (e) => e.experimentId,
    );
    this.experiments.set(conn.key, loading);
    loading.catch(() => {
      if (this.experiments.get(conn.key) === loading) this.experiments.delete(conn.key);
    });
    return loading;
  }


  private listKey(conn: Connection, experimentId: string): string {
    return `${conn.key}|${experimentId}`;
  }

  runList(conn: Connection, experimentId: string): RunList {
    const key = this.listKey(conn, experimentId);
    let list = this.lists.get(key);
    if (!list) {
      list = new RunList();
      this.lists.set(key, list);
    }
    return list;
  }

  async loadMore(node: NodeOf<'loadMore'>): Promise<void> {
    const list = this.runList(node.conn, node.experiment.experimentId);
    await this.fetchPage(node.conn, node.experiment, list, false);
    this.changed.fire(node.parent);
  }

  private async fetchPage(conn: Connection, experiment: Experiment, list: RunList, reset: boolean): Promise<void> {
    const store = await conn.store();
    const pageSize = readSettings(conn.folder?.uri).runsPageSize;
    const page = await store.searchRuns({
      experimentIds: [experiment.experimentId],
      filter: this.query.filter,
      orderBy: this.query.orderBy,
      runViewType: this.showDeleted ? 'ALL' : undefined,
      maxResults: pageSize,
      pageToken: reset ? undefined : list.nextPageToken,
    });
    list.addPage(page.items, page.nextPageToken, reset);
    await this.fetchMissingParents(store, list);
  }

  /** A child whose parent is on a later page still finds its place: fetch the parent now. */
  private async fetchMissingParents(store: TrackingStore, list: RunList): Promise<void> {
    for (let depth = 0; depth < 8; depth++) {
      const missing = buildRunForest(list.runs).missingParents;
      if (missing.size === 0) return;
      let added = 0;
      for (const id of missing) {
        try {
          const parent = await store.getRun(id);
          if (parent.info.lifecycleStage === 'deleted' && !this.showDeleted) continue;
          list.addExtra(parent);
          added++;
        } catch (e) {
          this.log.warn(`[explorer] parent run ${id} could not be read: ${toTrackingError(e).message}`);
        }
      }
      if (added === 0) return;
    }
  }

  private async experimentChildren(node: NodeOf<'experiment'>): Promise<Node[]> {
    const list = this.runList(node.conn, node.experiment.experimentId);
    if (!list.loadedOnce) await this.fetchPage(node.conn, node.experiment, list, true);
    const forest = buildRunForest(list.runs);
    const nodes: Node[] = forest.roots.map((run) => this.runNode(node, run));
    if (list.hasMore) nodes.push({ type: 'loadMore', id: `${node.id}|more|${list.pagedCount}`, conn: node.conn, parent: node, experiment: node.experiment });
    if (nodes.length === 0) {
      nodes.push({ type: 'message', id: `${node.id}|none`, conn: node.conn, parent: node, text: this.query.filter ? 'No runs match the filter' : 'No runs' });
    }
    const problems = await this.problemsRow(node);
    if (problems) nodes.push(problems);
    return nodes;
  }

  /**
   * "N runs could not be read — Show Log" when the store reports problems with runs of this
   * experiment (file stores: `store.problems`; other stores have none and show nothing).
   */
  private async problemsRow(node: NodeOf<'experiment'>): Promise<Node | undefined> {
    const store = (await node.conn.store()) as TrackingStore & { problems?: unknown };
    const problems = Array.isArray(store.problems) ? (store.problems as readonly RunProblem[]) : undefined;
    if (!problems?.length) return undefined;
    const skipped = new Set<string>();
    const partial = new Set<string>();
    for (const p of problems) {
      if (!p || typeof p !== 'object' || p.experimentId !== node.experiment.experimentId || !p.runId) continue;
      (p.effect === 'skipped' ? skipped : partial).add(p.runId);
    }
    for (const id of skipped) partial.delete(id);
    if (skipped.size === 0 && partial.size === 0) return undefined;
    const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
    let text: string;
    if (skipped.size && partial.size) text = `${runs(skipped.size)} could not be read, ${partial.size} only in part — Show Log`;
    else if (skipped.size) text = `${runs(skipped.size)} could not be read — Show Log`;
    else text = `${runs(partial.size)} could be read only in part — Show Log`;
    return { type: 'action', id: `${node.id}|problems`, conn: node.conn, parent: node, text, icon: 'warning', command: Commands.showLog };
  }

  private runNode(parent: Node, run: Run): NodeOf<'run'> {
    const experiment = parent.type === 'experiment' ? parent.experiment : (parent as NodeOf<'run'>).experiment;
    return { type: 'run', id: `${parent.conn.key}|run|${run.info.runId}`, conn: parent.conn, parent, run, experiment };
  }

  private runChildren(node: NodeOf<'run'>): Node[] {
    const list = this.runList(node.conn, node.experiment.experimentId);
    const run = list.find(node.run.info.runId) ?? node.run;
    const forest = buildRunForest(list.runs);
    const showSystem = readSettings(node.conn.folder?.uri).showSystemTags;
    const group = (g: NodeOf<'group'>['group']): Node => ({ type: 'group', id: `${node.id}|${g}`, conn: node.conn, parent: node, run, group: g });
    // The run's own groups first: after the child runs they would read as the last child's.
    const children: Node[] = [group('params'), group('metrics')];
    if (tagsOf(run, 'tags', showSystem).length) children.push(group('tags'));
    if (showSystem) children.push(group('systemTags'));
    if (run.inputs.datasetInputs.length) children.push(group('datasets'));
    children.push(group('artifacts'));
    children.push(...(forest.children.get(run.info.runId) ?? []).map((r) => this.runNode(node, r)));
    return children;
  }

  private async groupChildren(node: NodeOf<'group'>): Promise<Node[]> {
    const { run, conn } = node;
    const base = { conn, parent: node as Node, run };
    switch (node.group) {
      case 'params':
        return sortByKey(run.data.params).map((item) => ({ ...base, type: 'param' as const, id: `${node.id}|${item.key}`, item }));
      case 'metrics': {
        const steps = await this.stepCounts(conn, run);
        return [...run.data.metrics]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((item) => ({ ...base, type: 'metric' as const, id: `${node.id}|${item.key}`, item, steps: steps.get(item.key) }));
      }
      case 'tags':
      case 'systemTags': {
        const showSystem = readSettings(conn.folder?.uri).showSystemTags;
        return sortByKey(tagsOf(run, node.group, showSystem)).map((item) => ({
          ...base,
          type: 'tag' as const,
          id: `${node.id}|${item.key}`,
          item,
          system: item.key.startsWith('mlflow.'),
        }));
      }
      case 'datasets':
        return run.inputs.datasetInputs.map((d, i) => ({
          ...base,
          type: 'dataset' as const,
          id: `${node.id}|${i}`,
          label: d.dataset.name || d.dataset.digest,
          detail: [d.tags.find((t) => t.key === 'mlflow.data.context')?.value, d.dataset.sourceType, d.dataset.digest].filter(Boolean).join(' · '),
        }));
      case 'artifacts':
        return this.listArtifacts(node, '');
    }
  }

  private async stepCounts(conn: Connection, run: Run): Promise<Map<string, number>> {
    const key = `${conn.key}|${run.info.runId}`;
    const cached = this.metricSteps.get(key);
    if (cached && run.info.status !== 'RUNNING') return cached;
    const store = await conn.store();
    const counts = new Map<string, number>();
    const keys = run.data.metrics.map((m) => m.key);
    let i = 0;
    const worker = async () => {
      while (i < keys.length) {
        const k = keys[i++];
        try {
          counts.set(k, (await store.getMetricHistory(run.info.runId, k)).length);
        } catch {
          // the count is a nicety; the latest value still shows
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, keys.length) }, worker));
    this.metricSteps.set(key, counts);
    return counts;
  }

  private async listArtifacts(parent: Node, path: string): Promise<Node[]> {
    const run = parent.type === 'group' || parent.type === 'artifact' ? (parent as NodeOf<'group'>).run : undefined;
    const owner = parent.type === 'artifact' ? parent.owner : run ? { type: 'run' as const, id: run.info.runId, rootUri: run.info.artifactUri } : undefined;
    if (!owner) return [];
    const store = await parent.conn.store();
    const files = await store.listArtifacts(owner, path);
    if (files.length === 0 && path === '') return [{ type: 'message', id: `${parent.id}|empty`, conn: parent.conn, parent, text: 'No artifacts' }];
    return [...files]
      .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))
      .map((file) => ({ type: 'artifact' as const, id: `${parent.conn.key}|art|${owner.id}|${file.path}`, conn: parent.conn, parent, owner, file, run }));
  }

  private async artifactChildren(node: NodeOf<'artifact'>): Promise<Node[]> {
    return node.file.isDir ? this.listArtifacts(node, node.file.path) : [];
  }

  /** Finds (fetching if needed) the node of a run, with its parent chain, for TreeView.reveal. */
  async nodeForRun(conn: Connection, runId: string): Promise<NodeOf<'run'>> {
    const store = await conn.store();
    const run = await store.getRun(runId);
    const experiments = await this.loadExperiments(conn, store);
    let experiment = experiments.find((e) => e.experimentId === run.info.experimentId);
    if (!experiment) {
      experiment = await store.getExperiment(run.info.experimentId);
      experiments.push(experiment);
    }
    const conns = this.connections.all();
    const folderNode: Node | undefined = conns.length > 1 ? { type: 'folder', id: `${conn.key}|folder`, conn } : undefined;
    const expNode: NodeOf<'experiment'> = { type: 'experiment', id: `${conn.key}|exp|${experiment.experimentId}`, conn, parent: folderNode, experiment };
    const list = this.runList(conn, experiment.experimentId);
    if (!list.loadedOnce) await this.fetchPage(conn, experiment, list, true);
    const before = list.runs.length;
    list.addExtra(run);
    await this.fetchMissingParents(store, list);
    const added = list.runs.length !== before;
    const chain: Run[] = [];
    const forest = buildRunForest(list.runs);
    let cur: Run | undefined = list.find(runId) ?? run;
    while (cur) {
      chain.unshift(cur);
      const p = forest.parentOf.get(cur.info.runId);
      cur = p ? list.find(p) : undefined;
    }
    let parent: Node = expNode;
    let node: NodeOf<'run'> | undefined;
    for (const r of chain) {
      node = this.runNode(parent, r);
      parent = node;
    }
    if (added) this.changed.fire(expNode);
    return node!;
  }

  /**
   * Re-reads experiments that show a RUNNING run: their first page (runs started since, e.g. the
   * nested trials of a running sweep on a server, which sends no change events) and every RUNNING
   * run further down. Returns true if any experiment was re-read.
   */
  async refreshRunning(): Promise<boolean> {
    let any = false;
    for (const conn of this.connections.all()) {
      if (conn.state.name !== 'connected') continue;
      const store = conn.state.store;
      const pageSize = readSettings(conn.folder?.uri).runsPageSize;
      for (const [key, list] of this.lists) {
        if (!key.startsWith(conn.key + '|') || !list.hasRunning()) continue;
        any = true;
        const experimentId = key.slice(conn.key.length + 1);
        let firstPage: Run[] = [];
        try {
          firstPage = (
            await store.searchRuns({
              experimentIds: [experimentId],
              filter: this.query.filter,
              orderBy: this.query.orderBy,
              runViewType: this.showDeleted ? 'ALL' : undefined,
              maxResults: pageSize,
            })
          ).items;
        } catch (e) {
          this.log.warn(`[explorer] refresh of experiment ${experimentId} failed: ${toTrackingError(e).message}`);
        }
        const onPage = new Set(firstPage.map((r) => r.info.runId));
        const fresh: Run[] = [...firstPage];
        for (const r of list.runs.filter((x) => x.info.status === 'RUNNING' && !onPage.has(x.info.runId))) {
          try {
            fresh.push(await store.getRun(r.info.runId));
          } catch (e) {
            this.log.warn(`[explorer] refresh of run ${r.info.runId} failed: ${toTrackingError(e).message}`);
          }
        }
        list.mergeFirstPage(fresh);
        await this.fetchMissingParents(store, list);
        for (const r of fresh) this.metricSteps.delete(`${conn.key}|${r.info.runId}`);
      }
    }
    if (any) this.changed.fire(undefined);
    return any;
  }

  /** Keys of metrics and params seen in loaded runs, for the sort picker. */
  knownKeys(): { metrics: string[]; params: string[] } {
    const metrics = new Set<string>();
    const params = new Set<string>();
    for (const list of this.lists.values()) {
      for (const r of list.runs) {
        r.data.metrics.forEach((m) => metrics.add(m.key));
        r.data.params.forEach((p) => params.add(p.key));
      }
    }
    return { metrics: [...metrics].sort(), params: [...params].sort() };
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

function sortByKey<T extends { key: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * The tags a group lists: user tags, or MLflow's (mlflow.*) when those get their own group. The note is
 * not a tag here (Edit Note, Run Details show it), so every view counts the same tags.
 */
function tagsOf(run: Run, group: 'tags' | 'systemTags', showSystem: boolean): Run['data']['tags'] {
  return run.data.tags.filter((t) => t.key !== NOTE_TAG && (t.key.startsWith('mlflow.') ? group === 'systemTags' || !showSystem : group === 'tags'));
}

function groupCount(node: NodeOf<'group'>, showSystem: boolean): number | undefined {
  const r = node.run;
  switch (node.group) {
    case 'params':
      return r.data.params.length;
    case 'metrics':
      return r.data.metrics.length;
    case 'tags':
    case 'systemTags':
      return tagsOf(r, node.group, showSystem).length;
    case 'datasets':
      return r.inputs.datasetInputs.length;
    default:
      return undefined;
  }
}

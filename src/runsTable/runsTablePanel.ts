// The runs table panel (host side): one editor per (store, experiment set). Data flow: 'ready' →
// init (filter, recent filters, remembered columns) → 'rows' pages in store order (the tree's
// already-read runs first when its query is the same) until every run is there. A filter, or a sort
// the table cannot do alone (not every run loaded yet), comes back as 'query' and starts a new set.
// Store changes and RUNNING runs (polled while visible) re-read the set; the webview keeps scroll,
// sort and selection.
import * as vscode from 'vscode';
import { RECENT_FILTERS } from '../explorer/viewCommands';
import type { RunsRef } from '../explorer/runCommands';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import type { Services } from '../services';
import { validateRunFilter } from '../tracking/search';
import type { Run, SearchRunsQuery } from '../tracking/types';
import { unhandled } from '../webviews/messages';
import { PanelController } from '../webviews/panel';
import { toPage } from './pages';
import { parseColumnMemory, parseTableMessage, type ColumnMemory, type HostToTable, type TableQuery, type TableState, type TableToHost } from './protocol';
import { Commands } from '../ids';

export interface RunsTableArgs {
  conn: Connection;
  experimentIds: string[];
  state?: TableState;
}

/** Runs per store request after the first page (a local store answers every request by reading the whole set: few, large pages). */
const PAGE = 10_000;
/** The first page is small, so rows are on screen before the rest is read. */
const FIRST_PAGE = 200;
/** Runs the table holds at most (a larger experiment: narrow it with a filter). */
const MAX_RUNS = 100_000;

export function runsTableKey(connKey: string, experimentIds: string[]): string {
  return `${connKey}|table|${[...new Set(experimentIds)].sort().join(',')}`;
}

const columnsStateKey = (connKey: string, experimentIds: string[]) => `mlflow.runsTable.view|${runsTableKey(connKey, experimentIds)}`;

export class RunsTablePanel extends PanelController<HostToTable, TableToHost> {
  private query: TableQuery = {};
  private generation = 0;
  private loaded: Run[] = [];
  private readonly shown = new Map<string, Run>();
  private complete = false;
  private timer?: NodeJS.Timeout;
  /** What the webview last reported drawing (for tests and the bench). */
  lastDraw?: { what: string; ms: number; rows: number };
  /** Resolves when the current result set is fully read (tests). */
  loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly s: Services,
    panel: vscode.WebviewPanel,
    readonly args: RunsTableArgs,
  ) {
    super(panel, s, 'runsTable', parseTableMessage);
    this.query = { filter: args.state?.filter ?? s.experiments.runQuery.filter };
    this.disposables.push(
      s.connections.onDidChangeData((c) => {
        if (c === args.conn) this.reload(true);
      }),
    );
  }

  get key(): string {
    return runsTableKey(this.args.conn.key, this.args.experimentIds);
  }

  /** The runs of the current result set, in store order (tests). */
  get runs(): readonly Run[] {
    return this.loaded;
  }

  get currentQuery(): TableQuery {
    return this.query;
  }

  protected async handle(msg: TableToHost): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.start();
      case 'query':
        return this.applyQuery(msg.filter, msg.orderBy);
      case 'openRun':
        await vscode.commands.executeCommand('mlflow.openRunDetails', { connKey: this.args.conn.key, runId: msg.runId });
        return;
      case 'compare':
        await vscode.commands.executeCommand('mlflow.compareRuns', { connKey: this.args.conn.key, runIds: msg.runIds });
        return;
      case 'plot':
        await vscode.commands.executeCommand('mlflow.plotMetric', { connKey: this.args.conn.key, runIds: msg.runIds });
        return;
      case 'copyIds':
        await vscode.env.clipboard.writeText(msg.runIds.join('\n'));
        vscode.window.setStatusBarMessage(`Copied ${msg.runIds.length === 1 ? 'the run ID' : `${msg.runIds.length} run IDs`}.`, 3000);
        return;
      case 'exportCsv':
        return this.exportCsv(msg.csv, msg.rows);
      case 'deleteRuns':
      case 'restoreRuns':
        return this.deleteOrRestore(msg.type === 'deleteRuns', msg.runIds);
      case 'saveState': {
        const { hidden, onlyDiffer, sort, order, pinned, widths } = msg.state;
        const memory: ColumnMemory = { hidden, onlyDiffer, sort, order, pinned, widths };
        await this.s.context.workspaceState.update(columnsStateKey(this.args.conn.key, this.args.experimentIds), memory);
        return;
      }
      case 'drawn':
        this.lastDraw = { what: msg.what, ms: msg.ms, rows: msg.rows };
        this.log.debug(`[runsTable] ${msg.what}: ${msg.rows} rows in ${msg.ms.toFixed(1)} ms`);
        return;
      default:
        unhandled(msg);
    }
  }

  protected errorMessage(message: string): HostToTable {
    return { type: 'notice', level: 'error', message };
  }

  private async start(): Promise<void> {
    const store = await this.args.conn.store();
    const exps = await Promise.all(
      this.args.experimentIds.map(async (id) => {
        try {
          return { id, name: (await store.getExperiment(id)).name };
        } catch {
          return { id, name: id };
        }
      }),
    );
    const title = exps.length === 1 ? `Runs: ${exps[0].name}` : `Runs: ${exps.length} experiments`;
    this.panel.title = title;
    const remembered = parseColumnMemory(this.s.context.workspaceState.get<unknown>(columnsStateKey(this.args.conn.key, this.args.experimentIds)));
    await this.post({
      type: 'init',
      title,
      connKey: this.args.conn.key,
      experiments: exps,
      filter: this.query.filter,
      recentFilters: this.s.context.workspaceState.get<string[]>(RECENT_FILTERS, []),
      canSortInStore: true,
      state: this.args.state ?? remembered,
    });
    this.reload();
  }

  private async applyQuery(filter: string, orderBy: string[]): Promise<void> {
    const f = filter.trim();
    const problem = f ? validateRunFilter(f) : undefined;
    if (problem) {
      await this.post({ type: 'filterError', filter: f, message: problem });
      return;
    }
    if (f) {
      const recent = this.s.context.workspaceState.get<string[]>(RECENT_FILTERS, []);
      await this.s.context.workspaceState.update(RECENT_FILTERS, [f, ...recent.filter((x) => x !== f)].slice(0, 10));
    }
    this.query = { filter: f || undefined, orderBy: orderBy.length ? orderBy : undefined };
    this.reload();
  }

  /** Reads the current result set again from the start (a new query, a store change, a live refresh). */
  reload(refresh = false): void {
    this.loading = this.load(refresh).catch((e) => this.fail(e));
  }

  private async load(refresh: boolean): Promise<void> {
    const gen = ++this.generation;
    const t0 = performance.now();
    const store = await this.args.conn.store();
    const base: SearchRunsQuery = {
      experimentIds: this.args.experimentIds,
      filter: this.query.filter,
      orderBy: this.query.orderBy,
      runViewType: this.s.experiments.showsDeleted ? 'ALL' : undefined,
    };
    const runs: Run[] = [];
    let token: string | undefined;
    let first = true;
    const cached = this.treeRuns();
    if (cached) {
      runs.push(...cached.runs);
      token = cached.nextPageToken;
      await this.postRows(cached.runs, true, refresh, token === undefined, t0);
      first = false;
      if (token === undefined) return this.finish(gen, runs);
    }
    do {
      const page = await store.searchRuns({ ...base, maxResults: first ? FIRST_PAGE : PAGE, pageToken: token });
      if (gen !== this.generation || this.disposed) return;
      runs.push(...page.items);
      token = page.nextPageToken;
      const complete = token === undefined || runs.length >= MAX_RUNS;
      await this.postRows(page.items, first, refresh, complete, t0);
      first = false;
      if (complete) break;
    } while (token !== undefined);
    if (token !== undefined) void this.post({ type: 'notice', level: 'warning', message: `Showing the first ${runs.length.toLocaleString()} runs: narrow the filter to see the others.` });
    this.finish(gen, runs);
  }

  /** Posts a page and keeps what the webview now shows (acted on by Delete/Restore, even while a newer read is under way). */
  private async postRows(runs: Run[], reset: boolean, refresh: boolean, complete: boolean, t0: number): Promise<void> {
    if (reset) this.shown.clear();
    for (const r of runs) this.shown.set(r.info.runId, r);
    await this.post({ type: 'rows', reset, refresh, page: toPage(runs), complete, loadMs: performance.now() - t0 });
  }

  private finish(gen: number, runs: Run[]): void {
    if (gen !== this.generation) return;
    this.loaded = runs;
    this.complete = true;
    this.schedule();
  }

  /** The tree's runs for this experiment when it lists them under the same query. */
  private treeRuns(): { runs: Run[]; nextPageToken?: string } | undefined {
    if (this.args.experimentIds.length !== 1 || this.query.orderBy) return undefined;
    const t = this.s.experiments.loadedRuns(this.args.conn, this.args.experimentIds[0]);
    if (!t || t.query.orderBy?.length || (t.query.filter ?? undefined) !== this.query.filter) return undefined;
    return t;
  }

  // ------------------------------------------------------------------ live

  protected override visibilityChanged(visible: boolean): void {
    if (visible) this.schedule();
    else this.stop();
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** While a run is RUNNING and the panel is visible, the set is read again at the tree's cadence. */
  private schedule(): void {
    this.stop();
    const seconds = readSettings(this.args.conn.folder?.uri).autoRefreshInterval;
    if (this.disposed || seconds <= 0 || !this.panel.visible || !this.complete || !this.loaded.some((r) => r.info.status === 'RUNNING')) return;
    this.timer = setTimeout(() => this.reload(true), seconds * 1000);
  }

  // ------------------------------------------------------------------ delete / restore

  /**
   * The selected runs through the tree's Delete Run / Restore Run commands (one path: the same
   * confirmation naming the count, the same store, the same error message when the store refuses).
   * Only runs this table shows are acted on; the set is read again afterwards.
   */
  private async deleteOrRestore(del: boolean, runIds: string[]): Promise<void> {
    const runs = runIds.map((id) => this.shown.get(id)).filter((r): r is Run => !!r);
    if (!runs.length) return;
    const ref: RunsRef = { connKey: this.args.conn.key, runs };
    await vscode.commands.executeCommand(del ? Commands.deleteRun : Commands.restoreRun, ref);
    this.reload(true);
  }

  // ------------------------------------------------------------------ export

  private async exportCsv(csv: string, rows: number): Promise<void> {
    const folder = this.args.conn.folder ?? vscode.workspace.workspaceFolders?.[0];
    const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder.uri, 'runs.csv') : undefined, filters: { CSV: ['csv'] }, title: 'Export Runs as CSV' });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
    const pick = await this.s.prompter.notify('info', `Saved ${rows} run${rows === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(uri)}.`, { id: 'mlflow.runsTable.exported' }, 'Open');
    if (pick === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }
}

// One launched script, followed: finds the runs it starts (detect.ts), adds them to the explorer as they
// appear and reveals the newest top-level one, opens a live plot that follows it, keeps the status bar item
// current, and when the process ends reads the run once more and says how it went (outcome.ts).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import type { RunningTask } from '../models/taskRunner';
import { revealRunNode } from '../explorer/viewCommands';
import type { Services } from '../services';
import type { Run } from '../tracking/types';
import type { ResolvedUri } from '../tracking/uri';
import type { PlotsPanel } from '../plots/plotsPanel';
import { primaryMetricOf, progressOf, type Followed, type LaunchRef, type Progress } from './detect';
import { LaunchSearch, LOCAL_POLL_MS } from './search';
import { followingText } from './scriptStore';
import { bestOf, endReport, type Best, type EndReport } from './outcome';


export interface SessionOptions {
  /** Plot the experiment's best earlier run beside the followed one (mlflow.training.compareWithBest). */
  compareWithBest: boolean;
  /** Open a live plot of the followed run (default true). */
  openPlot: boolean;
  /** Reveal the followed run in the explorer (default true). */
  reveal: boolean;
  /** The script sets another store the extension can read (scriptStore.ts): the explorer follows that one. */
  scriptStore?: { resolved: ResolvedUri; raw: string };
}

export interface SessionEnd {
  report: EndReport;
  exitCode: number | undefined;
  run?: Run;
  best?: Best;
  followed: Followed;
}

const EMPTY: Followed = { runs: [], top: [], children: new Map() };

export class TrainingSession implements vscode.Disposable {
  followed: Followed = EMPTY;
  progress?: Progress;
  plot?: PlotsPanel;
  /** ms since epoch when each run was first seen (for the benchmark and tests). */
  readonly seenAt = new Map<string, number>();
  readonly scriptName: string;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private readonly searcher: LaunchSearch;
  private disposed = false;
  private plottedRunId?: string;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private endResolve!: (e: SessionEnd) => void;
  /** Resolves once the process ended and the end was reported. */
  readonly ended = new Promise<SessionEnd>((r) => (this.endResolve = r));
  endedAt?: number;
  /** The explorer was switched to the script's own store (`restore`: the override it had before). */
  switched?: { restore: string | undefined };

  constructor(
    private readonly s: Services,
    readonly conn: Connection | undefined,
    readonly launch: LaunchRef,
    readonly task: RunningTask,
    private readonly options: SessionOptions,
    private readonly onEnd: (session: TrainingSession, end: SessionEnd) => Promise<void>,
  ) {
    this.searcher = new LaunchSearch(launch);
    this.scriptName = launch.script.split(/[\\/]/).pop() ?? launch.script;
    void task.exited.then((code) => this.finish(code));
    this.schedule(0);
  }

  get running(): boolean {
    return this.endedAt === undefined;
  }

  /** "following runs in sqlite:///other.db, the store this script sets", when it sets its own. */
  get storeNote(): string | undefined {
    const f = this.options.scriptStore;
    return f && followingText(f.raw);
  }

  private get intervalMs(): number {
    if ((this.options.scriptStore?.resolved ?? this.conn?.resolved)?.kind !== 'rest') return LOCAL_POLL_MS;
    return Math.max(1, readSettings(this.conn?.folder?.uri).autoRefreshInterval || 5) * 1000;
  }

  private schedule(ms = this.intervalMs): void {
    if (this.disposed || !this.running || !this.conn) return;
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  /** One round: search, follow, notify. Exposed for tests. */
  poll(): Promise<void> {
    if (!this.polling) {
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        this.schedule();
      });
    }
    return this.polling;
  }

  private async pollOnce(final = false): Promise<void> {
    if (!this.conn) return;
    try {
      if (!(await this.onScriptStore())) return;
      const store = await this.conn.store();
      const f = await this.searcher.round(store, this.followed, final);
      const now = Date.now();
      const fresh = f.runs.filter((r) => !this.seenAt.has(r.info.runId));
      for (const r of fresh) this.seenAt.set(r.info.runId, now);
      this.followed = f;
      this.progress = progressOf(f, readSettings(this.conn.folder?.uri).primaryMetric);
      if (fresh.length) await this.showNew(fresh, f);
      this.changed.fire();
    } catch (e) {
      this.s.log.warn(`[training] following ${this.scriptName} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * When the script sets its own store: points the explorer (this window only) at it once it exists — a
   * script creates its SQLite file or mlruns folder on its first write — and reconnects after a failed
   * attempt (a database still being migrated). False while the store cannot be read yet.
   */
  private async onScriptStore(): Promise<boolean> {
    const target = this.options.scriptStore;
    const conn = this.conn;
    if (!target || !conn) return true;
    if (this.switched && conn.state.name !== 'error') return true;
    if (target.resolved.path && !fs.existsSync(target.resolved.path)) return false;
    if (!this.switched) {
      this.switched = { restore: this.s.connections.overrideOf(conn) };
      // a server URL keeps its credentials (the connection moves them to secret storage); paths are absolute
      this.s.connections.setOverride(conn, target.resolved.kind === 'rest' ? target.raw : target.resolved.uri);
      this.s.log.info(`[training] ${this.scriptName}: ${this.storeNote} (${target.resolved.uri})`);
    }
    await conn.reconnect();
    return conn.state.name === 'connected';
  }

  /** New runs: into the explorer under their parents; the newest top-level one revealed and plotted. */
  private async showNew(fresh: Run[], f: Followed): Promise<void> {
    const conn = this.conn!;
    for (const r of fresh) {
      try {
        const node = await this.s.experiments.nodeForRun(conn, r.info.runId);
        const isCurrent = f.current?.info.runId === r.info.runId;
        if (this.options.reveal && isCurrent) await revealRunNode(this.s.experimentsView, node, { focus: false, expand: true });
      } catch (e) {
        this.s.log.warn(`[training] could not show run ${r.info.runId} in the explorer: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const current = f.current;
    if (this.options.openPlot && current && current.info.runId !== this.plottedRunId) await this.openPlot(current);
  }

  private async openPlot(run: Run): Promise<void> {
    const conn = this.conn!;
    const runIds = [run.info.runId];
    if (this.options.compareWithBest) {
      const best = await this.bestFor(run).catch(() => undefined);
      if (best) runIds.push(best.run.info.runId);
    }
    const previous = this.plot;
    const panel = await vscode.commands.executeCommand<PlotsPanel | undefined>('mlflow.plotMetric', { connKey: conn.key, runIds, beside: true });
    if (!panel) return;
    this.plottedRunId = run.info.runId;
    panel.liveIntervalMs = conn.resolved?.kind === 'rest' ? undefined : LOCAL_POLL_MS;
    this.plot = panel;
    if (previous && previous !== panel && !previous.disposed) previous.dispose();
  }

  /** The experiment's best earlier run for the primary metric (runs of this launch left out). */
  async bestFor(run: Run): Promise<Best | undefined> {
    if (!this.conn) return undefined;
    const key = primaryMetricOf(readSettings(this.conn.folder?.uri).primaryMetric, [run]);
    if (!key) return undefined;
    const store = await this.conn.store();
    const page = await store.searchRuns({ experimentIds: [run.info.experimentId], maxResults: 1000 });
    return bestOf(page.items, key, new Set(this.followed.runs.map((r) => r.info.runId)));
  }

  private async finish(exitCode: number | undefined): Promise<void> {
    this.endedAt = Date.now();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // the run was ended before the process exited: one more read sees its final state
    await this.polling;
    await this.pollOnce(true);
    const run = this.followed.current;
    const key = run && this.conn ? primaryMetricOf(readSettings(this.conn.folder?.uri).primaryMetric, [run]) : undefined;
    const metric = key ? run?.data.metrics.find((m) => m.key === key) : undefined;
    const best = run ? await this.bestFor(run).catch(() => undefined) : undefined;
    const report = endReport({
      run,
      exitCode,
      processMs: this.endedAt - this.launch.launchedAt,
      primary: metric && { key: metric.key, value: metric.value },
      best,
      runCount: this.followed.runs.length,
      scriptName: this.scriptName,
      scriptStoreUri: this.options.scriptStore?.raw,
    });
    this.s.log.info(`[training] ${this.scriptName} ended (exit code ${exitCode ?? 'none'}): ${report.message}`);
    const end: SessionEnd = { report, exitCode, run, best, followed: this.followed };
    this.changed.fire();
    // the plot shows the final state at once
    if (this.plot && !this.plot.disposed) void this.plot.poll();
    this.endResolve(end);
    await this.onEnd(this, end);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

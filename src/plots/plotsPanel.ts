// The metric plots panel (host side): one panel per set of runs. Data flow: the webview says
// 'ready' with its chart width → plotInit (runs, keys, params) → one 'series' per selected metric,
// downsampled to that width → on zoom, 'requestRange' → a refined 'series' for the visible steps.
// RUNNING runs are polled while the panel is visible; only new points are fetched and appended.
import * as vscode from 'vscode';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import type { Services } from '../services';
import type { Run, TrackingStore } from '../tracking/types';
import { metricsToCsv, type CsvSeries } from './metricCsv';
import { MetricLoader } from './metricLoader';
import { paramRows, runName } from '../runDetails/runDetailsModel';
import { unhandled } from '../webviews/messages';
import { PanelController } from '../webviews/panel';
import { DEFAULT_PLOT_OPTIONS, parsePlotsMessage, type PlotOptions, type PlotRun, type PlotsFromWebview, type PlotsToWebview, type SeriesPayload } from './protocol';
import { Commands } from '../ids';

export interface PlotsArgs {
  conn: Connection;
  runIds: string[];
  keys?: string[];
  options?: PlotOptions;
}

const PREFERRED = ['loss', 'val_loss', 'train_loss', 'accuracy', 'val_accuracy'];
const DEFAULT_CHARTS = 12;

export function plotsKey(connKey: string, runIds: string[]): string {
  return `${connKey}|${[...new Set(runIds)].sort().join(',')}`;
}

/** Metrics shown first: the requested ones, else the usual suspects, then alphabetical, at most 12. */
export function defaultKeys(keys: string[], requested?: string[]): string[] {
  if (requested?.length) return requested.filter((k) => keys.includes(k)).concat(requested.filter((k) => !keys.includes(k)));
  const rank = (k: string) => {
    const i = PREFERRED.indexOf(k.split('/').pop() ?? k);
    return i < 0 ? PREFERRED.length : i;
  };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, DEFAULT_CHARTS);
}

const isLive = (r: Run) => r.info.status === 'RUNNING' || r.info.status === 'SCHEDULED';

export class PlotsPanel extends PanelController<PlotsToWebview, PlotsFromWebview> {
  private store?: TrackingStore;
  private loader?: MetricLoader;
  private runs: Run[] = [];
  private selected: string[];
  private options: PlotOptions;
  private readonly sent = new Set<string>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  /** The webview's last reported draw time (ms), for logs and tests. */
  lastDraw?: { ms: number; points: number; charts: number };
  /** Live refresh every this many ms instead of mlflow.autoRefreshInterval (a run followed from the editor). */
  liveIntervalMs?: number;

  constructor(
    private readonly s: Services,
    panel: vscode.WebviewPanel,
    readonly args: PlotsArgs,
  ) {
    super(panel, s, 'plots', parsePlotsMessage);
    this.selected = args.keys ?? [];
    this.options = args.options ?? { ...DEFAULT_PLOT_OPTIONS };
  }

  get key(): string {
    return plotsKey(this.args.conn.key, this.args.runIds);
  }

  /** Show these metrics (the panel was already open). */
  select(keys: string[]): void {
    if (!keys.length) return;
    void this.post({ type: 'select', keys });
  }

  protected async handle(msg: PlotsFromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.start(msg.width);
      case 'requestSeries':
        await Promise.all(msg.keys.map((k) => this.sendSeries(k, msg.width)));
        return;
      case 'requestRange':
        return this.sendRange(msg.requestId, msg.key, msg.start, msg.end, msg.width);
      case 'setOptions':
        this.options = msg.options;
        this.selected = msg.selected;
        return;
      case 'exportCsv':
        return this.exportCsv(msg.keys);
      case 'exportPng':
        return this.savePng(msg.name, msg.data);
      case 'drawn':
        this.lastDraw = { ms: msg.ms, points: msg.points, charts: msg.charts };
        this.log.debug(`[plots] webview drew ${msg.charts} chart(s), ${msg.points} points in ${msg.ms.toFixed(1)} ms`);
        return;
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRunDetails, { connKey: this.args.conn.key, runId: msg.runId });
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        return;
      case 'refresh':
        this.sent.clear();
        return this.start(undefined);
      default:
        unhandled(msg);
    }
  }

  protected errorMessage(message: string): PlotsToWebview {
    return { type: 'notice', level: 'error', message };
  }

  private width = 800;

  private async start(width: number | undefined): Promise<void> {
    const t0 = performance.now();
    if (width) this.width = width;
    this.store = await this.args.conn.store();
    this.loader = new MetricLoader(this.store);
    const store = this.store;
    const got = await Promise.allSettled(this.args.runIds.map((id) => store.getRun(id)));
    this.runs = got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []));
    const missing = got.length - this.runs.length;
    if (!this.runs.length) {
      // name the problem (unreachable, timeout, HTTP 500, sign-in…), not just that it failed
      const rejected = got.find((g): g is PromiseRejectedResult => g.status === 'rejected');
      const reason: unknown = rejected?.reason;
      const why = !rejected ? '' : reason instanceof Error ? reason.message : String(reason);
      throw new Error(why ? `None of the runs to plot could be read: ${why}` : 'None of the runs to plot could be read.', reason === undefined ? undefined : { cause: reason });
    }
    const keys = [...new Set(this.runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort((a, b) => a.localeCompare(b));
    this.selected = defaultKeys(keys, this.selected.length ? this.selected : undefined);
    const runs: PlotRun[] = this.runs.map((r, i) => ({ runId: r.info.runId, name: runName(r), status: r.info.status, startTime: r.info.startTime, endTime: r.info.endTime, colorIndex: i }));
    const title = this.runs.length === 1 ? `Metrics: ${runs[0].name}` : `Compare ${this.runs.length} runs`;
    this.panel.title = title;
    await this.post({
      type: 'plotInit',
      connKey: this.args.conn.key,
      title,
      runs,
      keys,
      selected: this.selected,
      params: this.runs.length > 1 ? paramRows(this.runs) : [],
      options: this.options,
      live: this.runs.some(isLive),
    });
    if (missing) void this.post({ type: 'notice', level: 'warning', message: `${missing} run(s) could not be read and are left out.` });
    else if (this.errorShown) void this.post({ type: 'notice', level: 'info', message: '' }); // the webview hides an empty notice: the old error goes
    this.errorShown = false;
    this.sent.clear();
    await Promise.all(this.selected.filter((k) => keys.includes(k)).map((k) => this.sendSeries(k, this.width)));
    this.firstDataMs = performance.now() - t0;
    this.log.debug(`[plots] first frame data for ${this.selected.length} metric(s) × ${this.runs.length} run(s) in ${this.firstDataMs.toFixed(0)} ms`);
    this.schedule();
  }

  private async sendSeries(key: string, width: number): Promise<void> {
    const loader = this.loader;
    if (!loader) return;
    const runs = this.runs.filter((r) => r.data.metrics.some((m) => m.key === key));
    const series = await Promise.all(runs.map((r) => loader.initial(r.info.runId, key, width)));
    this.sent.add(key);
    if (!this.selected.includes(key)) this.selected.push(key);
    await this.post({ type: 'series', key, series });
  }

  private async sendRange(requestId: number, key: string, start: number, end: number, width: number): Promise<void> {
    const loader = this.loader;
    if (!loader) return;
    const runs = this.runs.filter((r) => r.data.metrics.some((m) => m.key === key));
    const series = await Promise.all(runs.map((r) => loader.range(r.info.runId, key, start, end, width)));
    await this.post({ type: 'series', key, requestId, range: { start, end }, series });
  }

  // ------------------------------------------------------------------ live

  protected override visibilityChanged(visible: boolean): void {
    if (visible) this.schedule(true);
    else this.stopPolling();
  }

  private stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Polls while a run is RUNNING and the panel is visible; `soon` polls at once (panel shown again). */
  private schedule(soon = false): void {
    this.stopPolling();
    const seconds = readSettings(this.args.conn.folder?.uri).autoRefreshInterval;
    const ms = this.liveIntervalMs ?? seconds * 1000;
    if (this.disposed || ms <= 0 || !this.panel.visible || !this.runs.some(isLive)) return;
    this.timer = setTimeout(() => void this.poll(), soon ? 0 : ms);
  }

  /** Exposed for tests: one polling round now. */
  async poll(): Promise<void> {
    if (this.polling || !this.store || !this.loader) return;
    this.polling = true;
    try {
      const store = this.store;
      const loader = this.loader;
      const live = this.runs.filter(isLive);
      const fresh = await Promise.all(live.map((r) => store.getRun(r.info.runId)));
      const known = new Set(this.runs.flatMap((r) => r.data.metrics.map((m) => m.key)));
      this.runs = this.runs.map((r) => fresh.find((f) => f.info.runId === r.info.runId) ?? r);
      if (fresh.some((r) => r.data.metrics.some((m) => !known.has(m.key)))) {
        // a metric logged for the first time (a run just started): draw the panel again with it,
        // then still say how the runs stand (a run that just ended must be reported as ended)
        this.polling = false;
        await this.start(undefined);
        this.polling = true;
      } else {
        for (const key of [...this.sent]) {
          const parts = await Promise.all(live.map((r) => loader.since(r.info.runId, key)));
          const series = parts.filter((p): p is SeriesPayload => p !== undefined);
          if (series.length) await this.post({ type: 'append', key, series });
        }
      }
      await this.post({
        type: 'runStatus',
        runs: fresh.map((r) => ({ runId: r.info.runId, status: r.info.status, endTime: r.info.endTime })),
        live: this.runs.some(isLive),
      });
    } catch (e) {
      this.log.warn(`[plots] live refresh failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  /** True while a poll is scheduled (for tests). */
  get isPolling(): boolean {
    return this.timer !== undefined;
  }

  // ------------------------------------------------------------------ export

  private async exportCsv(keys: string[]): Promise<void> {
    const loader = this.loader;
    if (!loader || !keys.length) return;
    const series: CsvSeries[] = [];
    for (const key of keys) {
      for (const r of this.runs.filter((x) => x.data.metrics.some((m) => m.key === key))) {
        const c = await loader.history(r.info.runId, key);
        series.push({ runId: r.info.runId, runName: runName(r), key, ...c });
      }
    }
    const base = keys.length === 1 ? keys[0].replace(/[^\w.-]+/g, '_') : 'metrics';
    const uri = await vscode.window.showSaveDialog({ defaultUri: this.defaultUri(`${base}.csv`), filters: { CSV: ['csv'] }, title: 'Export Metric History as CSV' });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(metricsToCsv(series), 'utf8'));
    const points = series.reduce((n, x) => n + x.steps.length, 0);
    void confirmSaved(uri, `${points} points`);
  }

  private async savePng(name: string, data: Uint8Array): Promise<void> {
    if (data.byteLength < 8 || data[0] !== 0x89 || data[1] !== 0x50) throw new Error('The chart image is not a PNG.');
    const uri = await vscode.window.showSaveDialog({ defaultUri: this.defaultUri(`${name.replace(/[^\w.-]+/g, '_') || 'chart'}.png`), filters: { 'PNG image': ['png'] }, title: 'Export Chart as PNG' });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, data);
    void confirmSaved(uri, 'the chart');
  }

  private defaultUri(file: string): vscode.Uri | undefined {
    const folder = this.args.conn.folder ?? vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, file) : undefined;
  }

  /** An error notice is on screen (cleared by the next successful load). */
  private errorShown = false;

  protected override fail(e: unknown): void {
    this.errorShown = true;
    super.fail(e);
  }

  override dispose(): void {
    this.stopPolling();
    super.dispose();
  }
}

/** "Saved … to <file>." with Open and Reveal, so an export is never silent. */
async function confirmSaved(uri: vscode.Uri, what: string): Promise<void> {
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(uri);
  const pick = await vscode.window.showInformationMessage(`Saved ${what} to ${vscode.workspace.asRelativePath(uri)}.`, 'Open', 'Reveal');
  if (pick === 'Open') await vscode.commands.executeCommand('vscode.open', uri);
  else if (pick === 'Reveal') await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', uri);
}

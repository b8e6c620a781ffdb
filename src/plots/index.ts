// Registers the webview features: mlflow.openRunDetails, mlflow.plotMetric, mlflow.compareRuns,
// and the panel serializers that restore open panels after a reload. The commands return the
// panel controller (PanelController) so the extension-host tests can follow its messages through
// Services.webviewInspector.
import * as vscode from 'vscode';
import { registerCommand, CancelledByUser } from '../core/command';
import type { Connection } from '../connection/connection';
import { formatRelativeTime } from '../core/format';
import type { Services } from '../services';
import type { Run } from '../tracking/types';
import { isNode, type Node, type NodeOf } from '../explorer/nodes';
import { webviewHtml, webviewOptions } from '../webviews/html';
import type { PanelController } from '../webviews/panel';
import { PlotsPanel, plotsKey } from './plotsPanel';
import { RUN_DETAILS_VIEW_TYPE, parseRunDetailsState } from '../runDetails/protocol';
import { runName } from '../runDetails/runDetailsModel';
import { RunDetailsPanel, detailsKey } from '../runDetails/runDetailsPanel';
import { PLOTS_VIEW_TYPE, parsePlotsState, type PlotOptions } from './protocol';
import { Commands } from '../ids';

export const WebviewCommands = {
  openRunDetails: Commands.openRunDetails,
  plotMetric: Commands.plotMetric,
  compareRuns: Commands.compareRuns,
} as const;

interface RunRef {
  conn: Connection;
  runIds: string[];
  keys?: string[];
  /** Open beside the active editor without taking the focus (a plot that follows a script started from it). */
  beside?: boolean;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v) : undefined);

class Webviews {
  private readonly panels = new Map<string, PanelController>();

  constructor(private readonly s: Services) {}

  private conn(connKey: unknown): Connection {
    const c = (typeof connKey === 'string' && this.s.connections.get(connKey)) || this.s.connections.active();
    if (!c) throw new Error('No MLflow tracking store is connected.');
    return c;
  }

  /** Tree nodes (run, metric, any row under a run) or {connKey, runId(s), keys}. */
  refs(arg: unknown, selection?: unknown): RunRef | undefined {
    const nodes = (Array.isArray(selection) ? selection : []).filter((n): n is NodeOf<"run"> | NodeOf<"metric"> => isNode(n, "run") || isNode(n, "metric"));
    if (nodes.length > 1) {
      const runIds = [...new Set(nodes.map((n) => n.run.info.runId))];
      return { conn: nodes[0].conn, runIds };
    }
    if (isNode(arg, 'metric')) return { conn: arg.conn, runIds: [arg.run.info.runId], keys: [arg.item.key] };
    if (isObj(arg) && 'conn' in arg && 'run' in arg && isObj(arg.run) && 'info' in arg.run) {
      const n = arg as unknown as { conn: Connection; run: Run };
      return { conn: n.conn, runIds: [n.run.info.runId] };
    }
    if (isObj(arg) && (typeof arg.runId === 'string' || strings(arg.runIds))) {
      const runIds = strings(arg.runIds) ?? [arg.runId as string];
      return { conn: this.conn(arg.connKey), runIds, keys: strings(arg.keys), beside: arg.beside === true };
    }
    return undefined;
  }

  private createPanel(viewType: string, title: string, panel?: vscode.WebviewPanel, beside = false): vscode.WebviewPanel {
    const column = beside ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : { viewColumn: vscode.ViewColumn.Active, preserveFocus: false };
    const p = panel ?? vscode.window.createWebviewPanel(viewType, title, column, webviewOptions(this.s.context.extensionUri));
    p.webview.options = webviewOptions(this.s.context.extensionUri);
    p.iconPath = vscode.Uri.joinPath(this.s.context.extensionUri, 'media', 'mlflow.svg');
    p.webview.html = webviewHtml(p.webview, this.s.context.extensionUri, viewType === PLOTS_VIEW_TYPE ? 'plots' : 'runDetails', title);
    return p;
  }

  private track<T extends PanelController>(key: string, c: T): T {
    this.panels.set(key, c);
    c.onDidClose(() => {
      if (this.panels.get(key) === c) this.panels.delete(key);
    });
    return c;
  }

  openDetails(conn: Connection, runId: string, panel?: vscode.WebviewPanel): RunDetailsPanel {
    const key = detailsKey(conn.key, runId);
    const open = this.panels.get(key);
    if (open instanceof RunDetailsPanel && !panel) {
      open.reveal();
      return open;
    }
    const p = this.createPanel(RUN_DETAILS_VIEW_TYPE, `Run ${runId.slice(0, 8)}`, panel);
    return this.track(key, new RunDetailsPanel(this.s, p, conn, runId));
  }

  openPlots(ref: RunRef, options?: PlotOptions, panel?: vscode.WebviewPanel): PlotsPanel {
    const key = plotsKey(ref.conn.key, ref.runIds);
    const open = this.panels.get(key);
    if (open instanceof PlotsPanel && !panel) {
      open.reveal();
      if (ref.keys) open.select(ref.keys);
      return open;
    }
    const title = ref.runIds.length > 1 ? `Compare ${ref.runIds.length} runs` : 'Metrics';
    const p = this.createPanel(PLOTS_VIEW_TYPE, title, panel, ref.beside);
    return this.track(key, new PlotsPanel(this.s, p, { conn: ref.conn, runIds: [...new Set(ref.runIds)], keys: ref.keys, options }));
  }

  /** Recent runs of the active connection, newest first, for the palette. */
  async pickRuns(many: boolean, title: string, placeHolder = 'Select two or more runs'): Promise<RunRef> {
    const conn = this.s.connections.active();
    if (!conn) throw new Error('No MLflow tracking store is connected.');
    const store = await conn.store();
    const exps = (await store.searchExperiments({ maxResults: 100 })).items;
    const names = new Map(exps.map((e) => [e.experimentId, e.name]));
    const runs = exps.length ? (await store.searchRuns({ experimentIds: exps.map((e) => e.experimentId), orderBy: ['attributes.start_time DESC'], maxResults: 100 })).items : [];
    if (!runs.length) throw new Error('There are no runs in this tracking store yet.');
    const items = runs.map((r) => ({
      label: runName(r),
      description: `${names.get(r.info.experimentId) ?? r.info.experimentId} · ${r.info.status.toLowerCase()}`,
      detail: `${r.info.runId}${r.info.startTime ? ' · started ' + formatRelativeTime(r.info.startTime) : ''}`,
      runId: r.info.runId,
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, placeHolder, matchOnDescription: true, matchOnDetail: true });
      if (!picked?.length) throw new CancelledByUser();
      return { conn, runIds: picked.map((p) => p.runId) };
    }
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Select a run', matchOnDescription: true, matchOnDetail: true });
    if (!picked) throw new CancelledByUser();
    return { conn, runIds: [picked.runId] };
  }

  selectedRuns(): Node[] {
    return this.s.experimentsView.selection.filter((n) => isNode(n, 'run'));
  }

  restore(viewType: string, panel: vscode.WebviewPanel, raw: unknown): void {
    const st = viewType === PLOTS_VIEW_TYPE ? parsePlotsState(raw) : parseRunDetailsState(raw);
    const conn = st && this.s.connections.get(st.connKey);
    if (!st || !conn) {
      panel.webview.html = '<!DOCTYPE html><html><body><p>This MLflow panel could not be restored. Open it again from the MLflow view.</p></body></html>';
      return;
    }
    if (st.view === 'runDetails') this.openDetails(conn, st.runId, panel);
    else this.openPlots({ conn, runIds: st.runIds, keys: st.selected.length ? st.selected : undefined }, st.options, panel);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

export function registerWebviews(s: Services): vscode.Disposable[] {
  const w = new Webviews(s);
  const log = s.log;
  const serializer = (viewType: string): vscode.WebviewPanelSerializer => ({
    deserializeWebviewPanel: async (panel, state) => {
      try {
        w.restore(viewType, panel, state);
      } catch (e) {
        log.warn(`[webviews] could not restore a panel: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  });
  return [
    registerCommand(s, WebviewCommands.openRunDetails, async (arg?: unknown) => {
      const ref = w.refs(arg) ?? (await w.pickRuns(false, 'Open Run Details'));
      return w.openDetails(ref.conn, ref.runIds[0]);
    }),
    registerCommand(s, WebviewCommands.plotMetric, async (arg?: unknown, selection?: unknown) => {
      const ref = w.refs(arg, selection) ?? (await w.pickRuns(false, 'Plot Metrics of a Run'));
      return w.openPlots(ref);
    }),
    registerCommand(s, WebviewCommands.compareRuns, async (arg?: unknown, selection?: unknown) => {
      let ref = w.refs(arg, selection);
      if (!ref || ref.runIds.length < 2) {
        // VS Code's rule: a right-clicked run outside the selection joins it.
        const sel = w.selectedRuns().filter((n): n is NodeOf<'run'> => isNode(n, 'run') && (!ref || n.conn === ref.conn));
        const runIds = [...new Set([...sel.map((n) => n.run.info.runId), ...(ref?.runIds ?? [])])];
        if (runIds.length > 1) ref = { conn: ref?.conn ?? sel[0].conn, runIds };
        else if (ref) {
          const others = await w.pickRuns(true, 'Compare Runs', `Select runs to compare with ${ref.runIds[0].slice(0, 8)}`);
          ref = { conn: ref.conn, runIds: [...new Set([...ref.runIds, ...others.runIds])] };
          if (ref.runIds.length < 2) throw new Error('Select at least one other run to compare with.');
        }
      }
      ref ??= await w.pickRuns(true, 'Compare Runs');
      return w.openPlots({ ...ref, keys: undefined });
    }),
    vscode.window.registerWebviewPanelSerializer(RUN_DETAILS_VIEW_TYPE, serializer(RUN_DETAILS_VIEW_TYPE)),
    vscode.window.registerWebviewPanelSerializer(PLOTS_VIEW_TYPE, serializer(PLOTS_VIEW_TYPE)),
    { dispose: () => w.dispose() },
  ];
}

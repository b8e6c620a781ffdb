// Registers mlflow.openRunsTable (tree inline action and context menu on experiments, several
// selected at once; palette) and the serializer that restores open tables after a reload. The
// command returns the panel controller so the extension-host tests can follow its messages.
import * as vscode from 'vscode';
import { CancelledByUser, registerCommand } from '../core/command';
import { Commands } from '../ids';
import type { Connection } from '../connection/connection';
import type { Services } from '../services';
import { collectPages } from '../tracking/paging';
import { isNode } from '../explorer/nodes';
import { webviewHtml, webviewOptions } from '../webviews/html';
import { parseTableState, RUNS_TABLE_VIEW, type TableState } from './protocol';
import { RunsTablePanel, runsTableKey } from './runsTablePanel';

interface TableRef {
  conn: Connection;
  experimentIds: string[];
}

class RunsTables {
  private readonly panels = new Map<string, RunsTablePanel>();

  constructor(private readonly s: Services) {}

  /** Experiment nodes (the clicked one joins the selection), or {connKey, experimentIds}. */
  refs(arg: unknown, selection: unknown): TableRef | undefined {
    const nodes = (Array.isArray(selection) ? selection : []).filter((n) => isNode(n, 'experiment'));
    if (isNode(arg, 'experiment')) {
      const same = nodes.filter((n) => n.conn === arg.conn);
      const ids = [...new Set([arg.experiment.experimentId, ...same.map((n) => n.experiment.experimentId)])];
      // a right-click outside the selection acts on the clicked experiment only (VS Code's rule)
      return { conn: arg.conn, experimentIds: same.some((n) => n.id === arg.id) ? ids : [arg.experiment.experimentId] };
    }
    if (typeof arg === 'object' && arg !== null) {
      const o = arg as Record<string, unknown>;
      const ids = Array.isArray(o.experimentIds) ? o.experimentIds.filter((x): x is string => typeof x === 'string') : typeof o.experimentId === 'string' ? [o.experimentId] : [];
      const conn = (typeof o.connKey === 'string' && this.s.connections.get(o.connKey)) || this.s.connections.active();
      if (ids.length && conn) return { conn, experimentIds: ids };
    }
    return undefined;
  }

  async pick(): Promise<TableRef> {
    const conn = this.s.connections.active();
    if (!conn) throw new Error('No MLflow tracking store is connected.');
    const store = await conn.store();
    const exps = await collectPages((t) => store.searchExperiments({ maxResults: 1000, pageToken: t }), (e) => e.experimentId);
    if (!exps.length) throw new Error('There are no experiments in this tracking store yet.');
    const picked = await vscode.window.showQuickPick(
      exps.map((e) => ({ label: e.name, description: `ID ${e.experimentId}`, id: e.experimentId })),
      { canPickMany: true, title: 'Open Runs Table', placeHolder: 'Select one or more experiments', matchOnDescription: true },
    );
    if (!picked?.length) throw new CancelledByUser();
    return { conn, experimentIds: picked.map((p) => p.id) };
  }

  open(ref: TableRef, state?: TableState, panel?: vscode.WebviewPanel): RunsTablePanel {
    const key = runsTableKey(ref.conn.key, ref.experimentIds);
    const open = this.panels.get(key);
    if (open && !panel) {
      open.reveal();
      return open;
    }
    const uri = this.s.context.extensionUri;
    const p = panel ?? vscode.window.createWebviewPanel(RUNS_TABLE_VIEW, 'Runs', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, { ...webviewOptions(uri), retainContextWhenHidden: false });
    p.webview.options = webviewOptions(uri);
    p.iconPath = vscode.Uri.joinPath(uri, 'media', 'mlflow.svg');
    p.webview.html = webviewHtml(p.webview, uri, 'runsTable', 'Runs');
    const c = new RunsTablePanel(this.s, p, { conn: ref.conn, experimentIds: [...new Set(ref.experimentIds)], state });
    this.panels.set(key, c);
    c.onDidClose(() => {
      if (this.panels.get(key) === c) this.panels.delete(key);
    });
    return c;
  }

  restore(panel: vscode.WebviewPanel, raw: unknown): void {
    const st = parseTableState(raw);
    const conn = st && this.s.connections.get(st.connKey);
    if (!st || !conn) {
      panel.webview.html = '<!DOCTYPE html><html><body><p>This runs table could not be restored. Open it again from the MLflow view.</p></body></html>';
      return;
    }
    this.open({ conn, experimentIds: st.experimentIds }, st, panel);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

export function registerRunsTable(s: Services): vscode.Disposable[] {
  const t = new RunsTables(s);
  return [
    registerCommand(s, Commands.openRunsTable, async (arg?: unknown, selection?: unknown) => t.open(t.refs(arg, selection) ?? (await t.pick()))),
    vscode.window.registerWebviewPanelSerializer(RUNS_TABLE_VIEW, {
      deserializeWebviewPanel: async (panel, state) => {
        try {
          t.restore(panel, state);
        } catch (e) {
          s.log.warn(`[runsTable] could not restore a table: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
    { dispose: () => t.dispose() },
  ];
}

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Connection } from './connection';
import { toTrackingError } from '../core/errors';
import { readSettings, vscodeProxy } from '../config';
import type { Services } from '../services';
import { createTrackingStore } from '../tracking/index';
import { detectLocalStores, nodeLocalFs, resolveTrackingUri, type ResolvedUri } from '../tracking/uri';
import { CancelledByUser, registerCommand } from '../core/command';
import { Commands } from '../ids';

const RECENT_URIS = 'mlflow.recentTrackingUris';

interface UriItem extends vscode.QuickPickItem {
  uri?: string;
  enter?: boolean;
}

/** Set Tracking URI (with a connection test) and Forget Saved Credentials. */
export function registerConnectionCommands(s: Services): vscode.Disposable[] {
  const { log, connections, context } = s;

  async function pickConnection(): Promise<Connection> {
    const all = connections.all();
    if (all.length === 1) return all[0];
    const pick = await vscode.window.showQuickPick(
      all.map((c) => ({ label: c.label, description: c.resolved?.display ?? c.state.name, conn: c })),
      { title: 'Set Tracking URI for which folder?' },
    );
    if (!pick) throw new CancelledByUser();
    return pick.conn;
  }

  async function testUri(conn: Connection, uri: string): Promise<{ resolved: ResolvedUri; experiments: number }> {
    const folderPath = conn.folder?.uri.scheme === 'file' ? conn.folder.uri.fsPath : undefined;
    const r = resolveTrackingUri({
      setting: uri,
      env: {},
      workspaceFolder: folderPath,
      ...nodeLocalFs(fs),
    });
    if (!r) throw toTrackingError(new Error(`Nothing found at ${uri}.`));
    const settings = readSettings(conn.folder?.uri);
    let creds = r.kind === 'rest' ? await s.credentials.get(r.uri) : undefined;
    if (r.credentials) creds = { type: 'basic', ...r.credentials };
    for (let attempt = 0; ; attempt++) {
      const store = await createTrackingStore(r, {
        wasmPath: s.wasmPath,
        rest: { auth: creds, timeoutMs: settings.requestTimeout * 1000, caFile: settings.caFile || undefined, insecure: settings.insecure, proxy: vscodeProxy() },
      });
      try {
        const page = await store.searchExperiments({ maxResults: 1000 });
        if (creds && r.kind === 'rest') await s.credentials.set(r.uri, creds);
        return { resolved: r, experiments: page.items.length };
      } catch (e) {
        const err = toTrackingError(e);
        if (err.kind === 'auth' && r.kind === 'rest' && attempt < 2) {
          const c = await s.credentials.prompt(r.uri, err.message, creds);
          if (!c) throw err;
          creds = c;
          continue;
        }
        throw err;
      } finally {
        store.dispose();
      }
    }
  }

  return [
    registerCommand(s, Commands.setTrackingUri, async (uriArg?: unknown) => {
      const conn = await pickConnection();
      let uri = typeof uriArg === 'string' ? uriArg : undefined;
      if (!uri) {
        const items: UriItem[] = [];
        const folderPath = conn.folder?.uri.scheme === 'file' ? conn.folder.uri.fsPath : undefined;
        if (folderPath) {
          const found = detectLocalStores(folderPath, nodeLocalFs(fs));
          if (found.length) items.push({ label: 'Found in this workspace', kind: vscode.QuickPickItemKind.Separator });
          for (const f of found) items.push({ label: `$(database) ${f.uri}`, description: f.detail, uri: f.uri });
        }
        const recent = context.globalState.get<string[]>(RECENT_URIS, []);
        if (recent.length) items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
        for (const r of recent) items.push({ label: `$(history) ${r}`, uri: r });
        const envUri = process.env.MLFLOW_TRACKING_URI;
        if (envUri) items.push({ label: `$(symbol-variable) ${envUri}`, description: 'MLFLOW_TRACKING_URI', uri: envUri });
        items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
        items.push({ label: '$(globe) Enter a server URL or path…', description: 'http(s)://host:5000, ./mlruns, sqlite:///mlflow.db', enter: true, alwaysShow: true });
        items.push({ label: '$(discard) Use the default', description: 'MLFLOW_TRACKING_URI, .env, or a store found in the folder', uri: '', alwaysShow: true });
        const pick = await vscode.window.showQuickPick(items, { title: 'Set MLflow Tracking URI', placeHolder: `Current: ${conn.resolved?.display ?? 'none'}` });
        if (!pick) throw new CancelledByUser();
        if (pick.enter) {
          uri = await vscode.window.showInputBox({
            title: 'MLflow Tracking URI',
            prompt: 'A tracking server (http://127.0.0.1:5000, https://host/prefix), an mlruns folder, or sqlite:///mlflow.db',
            value: readSettings(conn.folder?.uri).trackingUri,
            ignoreFocusOut: true,
            validateInput: (v) => (v.trim() ? undefined : 'Enter a URI or path.'),
          });
          if (uri === undefined) throw new CancelledByUser();
        } else uri = pick.uri ?? '';
      }
      uri = uri.trim();
      if (uri) {
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `MLflow: testing ${uri}…`, cancellable: false },
          () => testUri(conn, uri!).catch((e) => toTrackingError(e)),
        );
        if (result instanceof Error) {
          log.error(`[connection] test of ${result.uri ?? uri} failed: ${result.userMessage}`);
          const choice = await vscode.window.showErrorMessage(`MLflow: ${result.userMessage}`, 'Use Anyway', 'Show Log');
          if (choice === 'Show Log') log.show();
          if (choice !== 'Use Anyway') return;
        } else {
          vscode.window.showInformationMessage(`MLflow: connected to ${result.resolved.display} (${result.experiments} experiment${result.experiments === 1 ? '' : 's'}).`);
          uri = result.resolved.uri;
        }
        const recent = context.globalState.get<string[]>(RECENT_URIS, []);
        await context.globalState.update(RECENT_URIS, [uri, ...recent.filter((r) => r !== uri)].slice(0, 8));
      }
      const target = conn.folder
        ? (vscode.workspace.workspaceFolders?.length ?? 0) > 1
          ? vscode.ConfigurationTarget.WorkspaceFolder
          : vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('mlflow', conn.folder?.uri).update('trackingUri', uri || undefined, target);
      await conn.reconnect();
    }),
    registerCommand(s, Commands.signIn, async (arg?: unknown) => {
      const a = (arg ?? {}) as { connKey?: string; conn?: Connection };
      const conn = a.conn ?? (a.connKey ? connections.get(a.connKey) : undefined) ?? (await pickConnection());
      return connections.signIn(conn);
    }),
    registerCommand(s, Commands.forgetCredentials, async () => {
      const conn = await pickConnection();
      const uri = conn.resolved?.uri;
      if (!uri) return;
      await s.credentials.delete(uri);
      vscode.window.showInformationMessage(`MLflow: forgot the saved credentials for ${uri}.`);
      await conn.reconnect();
    }),
  ];
}

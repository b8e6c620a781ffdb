import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerArtifacts } from './artifacts';
import { registerModelCommands } from './models';
import { registerUpload } from './upload';
import { registerTraining } from './training';
import type { LoggedArtifacts } from './upload/events';
import { LensRuns } from './codelens/lensRuns';
import { MlflowCodeLensProvider } from './codelens/mlflowCodeLens';
import { registerConnectionCommands } from './connection/connectionCommands';
import { registerRunCommands } from './explorer/runCommands';
import { registerModelViewCommands } from './explorer/modelViewCommands';
import { registerViewCommands } from './explorer/viewCommands';
import { readSettings } from './config';
import { Connections } from './connection/connections';
import { CredentialStore } from './connection/credentials';
import { ContextKeys, Views } from './ids';
import { createLog } from './log';
import { Prompter } from './core/prompter';
import type { Services } from './services';
import { StoreStatusBar } from './connection/statusBar';
import { ArtifactFileSystem } from './artifacts/artifactFileSystem';
import { ExperimentsProvider } from './explorer/experimentsProvider';
import { ModelsProvider } from './explorer/modelsProvider';
import { NOTE_SCHEME, NoteFileSystem } from './explorer/noteFileSystem';
import { registerWebviews } from './plots/index';
import { registerRunsTable } from './runsTable';
import { WebviewInspector } from './webviews/inspector';

/** What activate() returns: the object graph, for the extension-host tests. */
export interface MlflowExtensionApi {
  services: Services;
}

export function activate(context: vscode.ExtensionContext): MlflowExtensionApi {
  const started = Date.now();
  const log = createLog();
  const credentials = new CredentialStore(context.secrets);
  const wasmPath = path.join(context.extensionPath, 'dist', 'sql-wasm.wasm');
  const connections = new Connections({ log, credentials, wasmPath });
  const experiments = new ExperimentsProvider(connections, log, context.workspaceState);
  const models = new ModelsProvider(connections, log);
  const experimentsView = vscode.window.createTreeView(Views.experiments, { treeDataProvider: experiments, showCollapseAll: true, canSelectMany: true });
  const modelsView = vscode.window.createTreeView(Views.models, { treeDataProvider: models, showCollapseAll: true, canSelectMany: true });
  const artifactsLogged = new vscode.EventEmitter<LoggedArtifacts>();
  const prompter = new Prompter();
  const webviewInspector = new WebviewInspector();
  const services: Services = { context, log, prompter, credentials, connections, experiments, experimentsView, models, artifactsLogged, webviewInspector, wasmPath };
  const lensRuns = new LensRuns(connections, log, artifactsLogged.event);

  context.subscriptions.push(
    log,
    artifactsLogged,
    webviewInspector,
    connections,
    experiments,
    models,
    experimentsView,
    experimentsView.onDidExpandElement((e) => experiments.setExpanded(e.element, true)),
    experimentsView.onDidCollapseElement((e) => experiments.setExpanded(e.element, false)),
    modelsView,
    new StoreStatusBar(connections),
    ArtifactFileSystem.register(connections),
    vscode.workspace.registerFileSystemProvider(NOTE_SCHEME, new NoteFileSystem(connections, () => experiments.refresh())),
    ...registerViewCommands(services),
    ...registerRunCommands(services),
    ...registerConnectionCommands(services),
    ...registerWebviews(services),
    ...registerRunsTable(services),
    ...registerArtifacts(services),
    ...registerModelViewCommands(services),
    ...registerUpload(services),
    ...registerModelCommands(services),
    ...registerTraining(services),
    autoRefresh(services),
    lensRuns,
    MlflowCodeLensProvider.register(services, lensRuns),
  );
  void vscode.commands.executeCommand('setContext', ContextKeys.showDeleted, false);
  updateFilterDescription(services);
  log.info(`[activate] MLflow extension activated in ${Date.now() - started} ms`);
  return { services };
}

/** While the explorer is visible and shows a RUNNING run, re-read those runs every interval. */
function autoRefresh(s: Services): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const seconds = readSettings().autoRefreshInterval;
    if (seconds <= 0 || !s.experimentsView.visible) return;
    const tick = async () => {
      if (!busy) {
        busy = true;
        try {
          await s.experiments.refreshRunning();
        } catch (e) {
          s.log.warn(`[refresh] ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          busy = false;
        }
      }
      schedule();
    };
    timer = setTimeout(() => void tick(), seconds * 1000);
  };
  const subs = [
    s.experimentsView.onDidChangeVisibility(schedule),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlflow.autoRefreshInterval') && schedule()),
  ];
  schedule();
  return new vscode.Disposable(() => {
    if (timer) clearTimeout(timer);
    for (const d of subs) d.dispose();
  });
}

function updateFilterDescription(s: Services): void {
  const update = () => {
    const q = s.experiments.runQuery;
    const parts = [q.filter ? `filter: ${q.filter}` : '', q.orderBy?.length ? `sort: ${q.orderBy.join(', ')}` : ''].filter(Boolean);
    s.experimentsView.description = parts.join(' · ') || undefined;
  };
  s.context.subscriptions.push(s.experiments.onDidChangeTreeData(update));
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}

// The run details panel (host side): one per run. Everything the webview shows is read here and
// posted after 'ready'; its links come back as messages and are carried out with VS Code's own
// commands (open a file, a diff, an artifact, an external link).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import { formatBytes } from '../core/format';
import type { Services } from '../services';
import { filterClause, registryEquals } from '../tracking/search/print';
import { PARENT_RUN_TAG, type ModelVersion, type Run, type TrackingStore } from '../tracking/types';
import { artifactUri } from '../artifacts/artifactFileSystem';
import { unhandled } from '../webviews/messages';
import { PanelController } from '../webviews/panel';
import { isWebUrl } from '../webviews/validate';
import { parseRunDetailsMessage, type RunDetailsFromWebview, type RunDetailsToWebview } from './protocol';
import { buildRunDetails, findSourceFile, runName, tag } from './runDetailsModel';
import { GIT_COMMIT_TAG, SOURCE_NAME_TAG } from '../tracking/types';
import { Commands } from '../ids';

export function detailsKey(connKey: string, runId: string): string {
  return `${connKey}|${runId}`;
}

export class RunDetailsPanel extends PanelController<RunDetailsToWebview, RunDetailsFromWebview> {
  private run?: Run;
  private store?: TrackingStore;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly s: Services,
    panel: vscode.WebviewPanel,
    readonly conn: Connection,
    readonly runId: string,
  ) {
    super(panel, s, 'runDetails', parseRunDetailsMessage);
  }

  get key(): string {
    return detailsKey(this.conn.key, this.runId);
  }

  protected async handle(msg: RunDetailsFromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
      case 'refresh':
        return this.load();
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRunDetails, { connKey: this.conn.key, runId: msg.runId });
        return;
      case 'plotMetrics':
        await vscode.commands.executeCommand(Commands.plotMetric, { connKey: this.conn.key, runIds: [this.runId], keys: msg.keys.length ? msg.keys : undefined });
        return;
      case 'openArtifact':
        await vscode.commands.executeCommand('vscode.open', artifactUri({ connKey: this.conn.key, ownerType: 'run', ownerId: this.runId, path: msg.path }), { preview: true });
        return;
      case 'listArtifacts':
        return this.listArtifacts(msg.path);
      case 'openSource':
        return this.openSource();
      case 'openLink':
        if (isWebUrl(msg.url)) await vscode.env.openExternal(vscode.Uri.parse(msg.url, true));
        else this.log.warn('[runDetails] refused to open a non-http(s) link');
        return;
      case 'compareWorkingTree':
        return this.compareWorkingTree();
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        void vscode.window.setStatusBarMessage('$(check) Copied to the clipboard', 2000);
        return;
      default:
        unhandled(msg);
    }
  }

  protected errorMessage(message: string): RunDetailsToWebview {
    return { type: 'notice', level: 'error', message };
  }

  private folders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  private async load(): Promise<void> {
    const t0 = performance.now();
    const store = (this.store = await this.conn.store());
    const run = (this.run = await store.getRun(this.runId));
    const parentId = tag(run, PARENT_RUN_TAG);
    const childFilter = filterClause('tags', PARENT_RUN_TAG, '=', run.info.runId);
    const [experiment, parent, children, versions] = await Promise.all([
      store.getExperiment(run.info.experimentId).catch(() => undefined),
      parentId ? store.getRun(parentId).catch(() => undefined) : Promise.resolve(undefined),
      childFilter
        ? store
            .searchRuns({ experimentIds: [run.info.experimentId], filter: childFilter, maxResults: 200 })
            .then((p) => p.items)
            .catch(() => [] as Run[])
        : Promise.resolve([] as Run[]),
      this.versions(store, run.info.runId),
    ]);
    const details = buildRunDetails({
      connKey: this.conn.key,
      run,
      experimentName: experiment?.name,
      parent,
      children,
      versions,
      sourceOpenable: findSourceFile(tag(run, SOURCE_NAME_TAG), this.folders()) !== undefined,
    });
    this.panel.title = `Run: ${runName(run)}`;
    await this.post({ type: 'runDetails', details });
    this.firstDataMs = performance.now() - t0;
    await this.listArtifacts('');
    this.schedule(details.live);
  }

  private async versions(store: TrackingStore, runId: string): Promise<ModelVersion[]> {
    if (!(await store.capabilities().catch(() => undefined))?.registry) return [];
    try {
      const filter = registryEquals('run_id', runId);
      return filter ? (await store.searchModelVersions({ filter, maxResults: 100 })).items : [];
    } catch {
      return [];
    }
  }

  private async listArtifacts(p: string): Promise<void> {
    const store = this.store;
    const run = this.run;
    if (!store || !run) return;
    try {
      const files = await store.listArtifacts({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, p || undefined);
      const rows = files
        .map((f) => ({ path: f.path, isDir: f.isDir, size: f.isDir ? undefined : formatBytes(f.fileSize) }))
        .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path));
      await this.post({ type: 'artifacts', path: p, files: rows });
    } catch (e) {
      await this.post({ type: 'artifacts', path: p, files: [], error: e instanceof Error ? e.message : String(e) });
    }
  }

  private schedule(live: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const seconds = readSettings(this.conn.folder?.uri).autoRefreshInterval;
    if (!live || seconds <= 0 || !this.panel.visible || this.disposed) return;
    this.timer = setTimeout(() => void this.load().catch((e) => this.fail(e)), seconds * 1000);
  }

  protected override visibilityChanged(visible: boolean): void {
    if (!visible) this.schedule(false);
    else if (this.run && (this.run.info.status === 'RUNNING' || this.run.info.status === 'SCHEDULED')) void this.load().catch((e) => this.fail(e));
  }

  private async openSource(): Promise<void> {
    const file = findSourceFile(this.run && tag(this.run, SOURCE_NAME_TAG), this.folders());
    if (!file) {
      void vscode.window.showInformationMessage('The source file of this run is not in an open workspace folder.');
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  }

  private async compareWorkingTree(): Promise<void> {
    const run = this.run;
    if (!run) return;
    const commit = tag(run, GIT_COMMIT_TAG);
    const file = findSourceFile(tag(run, SOURCE_NAME_TAG), this.folders());
    if (!commit) return void vscode.window.showInformationMessage('This run has no git commit (mlflow.source.git.commit), so there is nothing to compare with.');
    if (!file) return void vscode.window.showInformationMessage('The source file of this run is not in an open workspace folder, so it cannot be compared with the working tree.');
    const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
    if (!ext) {
      return void vscode.window.showWarningMessage("Comparing with the working tree needs VS Code's built-in Git extension, which is not available (it may be disabled, or this is VS Code for the Web).");
    }
    const api = (ext.isActive ? ext.exports : await ext.activate()).getAPI(1);
    const uri = vscode.Uri.file(file);
    if (!api.getRepository(uri)) {
      return void vscode.window.showWarningMessage(`${path.basename(file)} is not inside a git repository that VS Code knows (is git installed and the folder a repository?).`);
    }
    const left = api.toGitUri(uri, commit);
    await vscode.commands.executeCommand('vscode.diff', left, uri, `${path.basename(file)} (${commit.slice(0, 8)}) ↔ Working Tree`);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }
}

/** The part of the git extension's API this panel uses. */
interface GitApi {
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
  getRepository(uri: vscode.Uri): unknown;
}

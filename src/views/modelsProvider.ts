import * as vscode from 'vscode';
import { toTrackingError, type Connection } from '../connection/connection';
import type { Connections } from '../connection/connections';
import { formatTimestamp, oneLine } from '../format';
import type { Log } from '../log';
import type { Experiment, LoggedModel, ModelVersion, RegisteredModel } from '../tracking/types';
import { TrackingError } from '../tracking/errors';

export type ModelNode =
  | { type: 'section'; id: string; conn: Connection; section: 'registered' | 'logged' }
  | { type: 'registeredModel'; id: string; conn: Connection; model: RegisteredModel; parent: ModelNode }
  | { type: 'version'; id: string; conn: Connection; version: ModelVersion; parent: ModelNode }
  | { type: 'alias'; id: string; conn: Connection; alias: string; version: string; modelName: string; parent: ModelNode }
  | { type: 'loggedExperiment'; id: string; conn: Connection; experiment: Experiment; parent: ModelNode }
  | { type: 'loggedModel'; id: string; conn: Connection; model: LoggedModel; parent: ModelNode }
  | { type: 'info'; id: string; conn?: Connection; text: string; error?: TrackingError; parent?: ModelNode };

/** Registered models → versions and aliases; MLflow 3 logged models per experiment. */
export class ModelsProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly connections: Connections, private readonly log: Log) {
    this.sub = connections.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getParent(node: ModelNode): ModelNode | undefined {
    return 'parent' in node ? node.parent : undefined;
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    try {
      if (!node) {
        const conn = this.connections.active();
        if (!conn) return [];
        if (conn.state.name === 'idle') await conn.connect();
        if (conn.state.name !== 'connected') return [];
        return [
          { type: 'section', id: `${conn.key}|registered`, conn, section: 'registered' },
          { type: 'section', id: `${conn.key}|logged`, conn, section: 'logged' },
        ];
      }
      const store = node.conn ? await node.conn.store() : undefined;
      if (!store || !node.conn) return [];
      const conn = node.conn;
      switch (node.type) {
        case 'section': {
          if (node.section === 'registered') {
            const models: RegisteredModel[] = [];
            let pageToken: string | undefined;
            do {
              const page = await store.searchRegisteredModels({ maxResults: 1000, pageToken });
              models.push(...page.items);
              pageToken = page.nextPageToken;
            } while (pageToken && models.length < 10_000);
            if (!models.length) return [{ type: 'info', id: `${node.id}|none`, conn, text: 'No registered models', parent: node }];
            return models.map((model) => ({ type: 'registeredModel', id: `${node.id}|${model.name}`, conn, model, parent: node }));
          }
          const exps = await store.searchExperiments({ maxResults: 1000 });
          return exps.items.map((experiment) => ({ type: 'loggedExperiment', id: `${node.id}|${experiment.experimentId}`, conn, experiment, parent: node }));
        }
        case 'registeredModel': {
          const versions: ModelVersion[] = [];
          let pageToken: string | undefined;
          const filter = `name = '${node.model.name.replace(/'/g, "\\'")}'`;
          do {
            const page = await store.searchModelVersions({ filter, maxResults: 1000, pageToken });
            versions.push(...page.items);
            pageToken = page.nextPageToken;
          } while (pageToken);
          versions.sort((a, b) => Number(b.version) - Number(a.version));
          const out: ModelNode[] = versions.map((version) => ({ type: 'version', id: `${node.id}|v${version.version}`, conn, version, parent: node }));
          for (const a of node.model.aliases) out.push({ type: 'alias', id: `${node.id}|@${a.alias}`, conn, alias: a.alias, version: a.version, modelName: node.model.name, parent: node });
          if (!out.length) out.push({ type: 'info', id: `${node.id}|none`, conn, text: 'No versions', parent: node });
          return out;
        }
        case 'loggedExperiment': {
          const page = await store.searchLoggedModels({ experimentIds: [node.experiment.experimentId], maxResults: 100 });
          if (!page.items.length) return [{ type: 'info', id: `${node.id}|none`, conn, text: 'No logged models', parent: node }];
          return page.items.map((model) => ({ type: 'loggedModel', id: `${node.id}|${model.info.modelId}`, conn, model, parent: node }));
        }
        default:
          return [];
      }
    } catch (e) {
      const error = toTrackingError(e);
      if (node?.type === 'loggedExperiment' && (error.kind === 'unsupported' || error.kind === 'notFound')) {
        return [{ type: 'info', id: `${node.id}|unsupported`, conn: node.conn, text: 'Logged models need MLflow 3', parent: node }];
      }
      this.log.error(`[models] ${error.userMessage}`);
      return [{ type: 'info', id: `${node?.id ?? 'root'}|error`, conn: node?.conn, text: error.message, error, parent: node }];
    }
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    let item: vscode.TreeItem;
    switch (node.type) {
      case 'section':
        item = new vscode.TreeItem(node.section === 'registered' ? 'Registered Models' : 'Logged Models', C.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.section === 'registered' ? 'library' : 'package');
        break;
      case 'registeredModel': {
        const m = node.model;
        item = new vscode.TreeItem(m.name, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('symbol-class');
        const latest = m.latestVersions.map((v) => Number(v.version)).sort((a, b) => b - a)[0];
        item.description = [latest ? `v${latest}` : 'no versions', ...m.aliases.map((a) => `@${a.alias}`)].join(' · ');
        const md = new vscode.MarkdownString();
        md.appendMarkdown('**').appendText(m.name).appendMarkdown('**\n\n');
        if (m.description) md.appendText(m.description).appendMarkdown('\n\n');
        md.appendMarkdown(`Updated ${formatTimestamp(m.lastUpdatedTimestamp)}`);
        if (m.tags.length) md.appendMarkdown('\n\nTags: ').appendText(m.tags.map((t) => `${t.key}=${t.value}`).join(', '));
        item.tooltip = md;
        item.contextValue = 'registeredModel';
        break;
      }
      case 'version': {
        const v = node.version;
        item = new vscode.TreeItem(`Version ${v.version}`, C.None);
        item.iconPath = new vscode.ThemeIcon(v.status === 'READY' ? 'versions' : v.status === 'FAILED_REGISTRATION' ? 'error' : 'loading~spin');
        item.description = [v.currentStage !== 'None' ? v.currentStage : '', ...v.aliases.map((a) => `@${a}`), v.description ? oneLine(v.description, 60) : ''].filter(Boolean).join(' · ');
        item.tooltip = `models:/${v.name}/${v.version}\nsource: ${v.source}${v.runId ? `\nrun: ${v.runId}` : ''}\nstatus: ${v.status}\ncreated ${formatTimestamp(v.creationTimestamp)}`;
        item.contextValue = 'modelVersion';
        break;
      }
      case 'alias':
        item = new vscode.TreeItem(`@${node.alias}`, C.None);
        item.iconPath = new vscode.ThemeIcon('bookmark');
        item.description = `→ version ${node.version}`;
        item.tooltip = `models:/${node.modelName}@${node.alias}`;
        item.contextValue = 'modelAlias';
        break;
      case 'loggedExperiment':
        item = new vscode.TreeItem(node.experiment.name, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('beaker');
        break;
      case 'loggedModel': {
        const i = node.model.info;
        item = new vscode.TreeItem(i.name || i.modelId, C.None);
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = `${i.modelId} · ${i.status.replace('LOGGED_MODEL_', '').toLowerCase()}`;
        item.tooltip = `models:/${i.modelId}\n${i.artifactUri}${i.sourceRunId ? `\nsource run: ${i.sourceRunId}` : ''}\ncreated ${formatTimestamp(i.creationTimestampMs)}`;
        item.contextValue = 'loggedModel';
        break;
      }
      case 'info':
        item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        if (node.error) {
          item.tooltip = node.error.userMessage;
          item.command = { command: 'mlflow.retry', title: 'Retry' };
        }
        break;
    }
    item.id = node.id;
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

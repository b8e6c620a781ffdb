import * as vscode from 'vscode';
import { runDisplayName } from '../core/format';
import { toTrackingError } from '../core/errors';
import type { Connection } from '../connection/connection';
import type { Connections } from '../connection/connections';
import { formatTimestamp, oneLine } from '../core/format';
import type { Log } from '../log';
import type { ArtifactFile, ArtifactOwner, Experiment, LoggedModel, ModelVersion, RegisteredModel, Run, TrackingStore } from '../tracking/types';
import { type TrackingError } from '../tracking/errors';
import { collectPages } from '../tracking/paging';
import { registryEquals } from '../tracking/search/print';
import { loggedModelUri, versionArtifactSource, versionUri } from '../artifacts/modelUris';
import { artifactTreeItem } from './treeItems';
import { Commands } from '../ids';

export type ModelNode =
  | { type: 'section'; id: string; conn: Connection; section: 'registered' | 'logged' }
  | { type: 'registeredModel'; id: string; conn: Connection; model: RegisteredModel; parent: ModelNode }
  | { type: 'version'; id: string; conn: Connection; version: ModelVersion; parent: ModelNode }
  | { type: 'alias'; id: string; conn: Connection; alias: string; version: string; modelName: string; parent: ModelNode }
  | { type: 'loggedExperiment'; id: string; conn: Connection; experiment: Experiment; parent: ModelNode }
  | { type: 'loggedModel'; id: string; conn: Connection; model: LoggedModel; parent: ModelNode }
  | { type: 'artifact'; id: string; conn: Connection; owner: ArtifactOwner; file: ArtifactFile; run?: Run; modelUri?: string; parent: ModelNode }
  | { type: 'sourceRun'; id: string; conn: Connection; runId: string; runName?: string; parent: ModelNode }
  | { type: 'info'; id: string; conn?: Connection; text: string; error?: TrackingError; parent?: ModelNode };

/** Registered models → versions and aliases; MLflow 3 logged models per experiment. */
export class ModelsProvider implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sub: vscode.Disposable;
  private filterValue: string | undefined;

  constructor(private readonly connections: Connections, private readonly log: Log) {
    this.sub = connections.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Registered-model filter in MLflow's syntax (`name LIKE '%iris%'`, `tags.team = 'a'`); undefined clears it. */
  get filter(): string | undefined {
    return this.filterValue;
  }

  setFilter(filter: string | undefined): void {
    this.filterValue = filter?.trim() || undefined;
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
            const models: RegisteredModel[] = await collectPages(
              (pageToken) => store.searchRegisteredModels({ filter: this.filterValue, maxResults: 1000, pageToken }),
              (m) => m.name,
              10_000,
            );
            const head: ModelNode[] = this.filterValue ? [{ type: 'info', id: `${node.id}|filter`, conn, text: `Filter: ${this.filterValue}`, parent: node }] : [];
            if (!models.length) return [...head, { type: 'info', id: `${node.id}|none`, conn, text: this.filterValue ? 'No registered model matches the filter' : 'No registered models', parent: node }];
            return [...head, ...models.map((model): ModelNode => ({ type: 'registeredModel', id: `${node.id}|${model.name}`, conn, model, parent: node }))];
          }
          const exps = await store.searchExperiments({ maxResults: 1000 });
          return exps.items.map((experiment) => ({ type: 'loggedExperiment', id: `${node.id}|${experiment.experimentId}`, conn, experiment, parent: node }));
        }
        case 'registeredModel': {
          const versions: ModelVersion[] = [];
          const filter = registryEquals('name', node.model.name);
          // latest_versions holds the newest version of every stage: empty means no live versions at all
          if (node.model.latestVersions.length && filter) {
            versions.push(...(await collectPages((pageToken) => store.searchModelVersions({ filter, maxResults: 1000, pageToken }), (v) => v.version)));
          }
          versions.sort((a, b) => Number(b.version) - Number(a.version));
          // SQL stores and servers leave a version's aliases empty in searches: take them from the model
          for (const v of versions) {
            const mine = node.model.aliases.filter((a) => a.version === v.version).map((a) => a.alias);
            if (mine.some((a) => !v.aliases.includes(a))) v.aliases = [...new Set([...v.aliases, ...mine])];
          }
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
        case 'version':
          return await this.versionChildren(store, node);
        case 'loggedModel': {
          const i = node.model.info;
          const owner: ArtifactOwner = { type: 'loggedModel', id: i.modelId, rootUri: i.artifactUri };
          const runName = i.sourceRunId ? await store.getRun(i.sourceRunId).then(runDisplayName, () => undefined) : undefined;
          const out: ModelNode[] = i.sourceRunId ? [{ type: 'sourceRun', id: `${node.id}|src`, conn, runId: i.sourceRunId, runName, parent: node }] : [];
          return [...out, ...(await this.artifactNodes(store, node, owner, '', loggedModelUri(i.modelId)))];
        }
        case 'artifact':
          return node.file.isDir ? await this.artifactNodes(store, node, node.owner, node.file.path, node.modelUri) : [];
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

  private async versionChildren(store: TrackingStore, node: Extract<ModelNode, { type: 'version' }>): Promise<ModelNode[]> {
    const v = node.version;
    const runName = v.runId ? await store.getRun(v.runId).then(runDisplayName, () => undefined) : undefined;
    const out: ModelNode[] = v.runId ? [{ type: 'sourceRun', id: `${node.id}|src`, conn: node.conn, runId: v.runId, runName, parent: node }] : [];
    const src = versionArtifactSource(v);
    if (!src) return [...out, { type: 'info', id: `${node.id}|nosrc`, conn: node.conn, text: `Files at ${v.source}`, parent: node }];
    const rootUri = src.type === 'run' ? (await store.getRun(src.id)).info.artifactUri : (await store.getLoggedModel(src.id)).info.artifactUri;
    const owner: ArtifactOwner = src.type === 'run' ? { type: 'run', id: src.id, rootUri } : { type: 'loggedModel', id: src.id, rootUri };
    return [...out, ...(await this.artifactNodes(store, node, owner, src.path, versionUri(v.name, v.version)))];
  }

  private async artifactNodes(store: TrackingStore, parent: ModelNode, owner: ArtifactOwner, path: string, modelUri: string | undefined): Promise<ModelNode[]> {
    const conn = parent.conn!;
    const files = await store.listArtifacts(owner, path);
    if (!files.length && path === '') return [{ type: 'info', id: `${parent.id}|noart`, conn, text: 'No files', parent }];
    return [...files]
      .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path))
      .map((file): ModelNode => ({ type: 'artifact', id: `${parent.id}|f|${file.path}`, conn, owner, file, modelUri, parent }));
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
        item = new vscode.TreeItem(`Version ${v.version}`, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(v.status === 'READY' ? 'versions' : v.status === 'FAILED_REGISTRATION' ? 'error' : 'loading~spin');
        item.description = [v.currentStage && v.currentStage !== 'None' ? v.currentStage : '', ...v.aliases.map((a) => `@${a}`), v.status !== 'READY' ? v.status.toLowerCase().replace('_', ' ') : '', v.description ? oneLine(v.description, 60) : '']
          .filter(Boolean)
          .join(' · ');
        item.tooltip = versionTooltip(v);
        item.contextValue = `modelVersion${v.runId ? 'Run' : ''}`;
        break;
      }
      case 'alias':
        item = new vscode.TreeItem(`@${node.alias}`, C.None);
        item.iconPath = new vscode.ThemeIcon('bookmark');
        item.description = `→ version ${node.version}`;
        item.tooltip = `models:/${node.modelName}@${node.alias} → version ${node.version}`;
        item.contextValue = 'modelAlias';
        break;
      case 'loggedExperiment':
        item = new vscode.TreeItem(node.experiment.name, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('beaker');
        break;
      case 'loggedModel': {
        const i = node.model.info;
        item = new vscode.TreeItem(i.name || i.modelId, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('package');
        item.description = `${i.modelId} · ${i.status.replace('LOGGED_MODEL_', '').toLowerCase()}`;
        item.tooltip = `models:/${i.modelId}\n${i.artifactUri}${i.sourceRunId ? `\nsource run: ${i.sourceRunId}` : ''}\ncreated ${formatTimestamp(i.creationTimestampMs)}`;
        item.contextValue = `loggedModel${i.sourceRunId ? 'Run' : ''}`;
        break;
      }
      case 'artifact':
        item = artifactTreeItem(node);
        break;
      case 'sourceRun':
        // The run's name first (what people recognise), its short ID beside it.
        item = new vscode.TreeItem(node.runName ? `Source run: ${node.runName}` : 'Source run', C.None);
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.description = node.runName ? node.runId.slice(0, 8) : node.runId;
        item.tooltip = `Reveal run ${node.runId} in the Experiments view`;
        item.command = { command: Commands.revealRun, title: 'Reveal Source Run', arguments: [node.runId] };
        item.contextValue = 'modelSourceRun';
        break;
      case 'info':
        item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        if (node.error) {
          item.tooltip = node.error.userMessage;
          item.command = { command: Commands.retry, title: 'Retry' };
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

function versionTooltip(v: ModelVersion): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(`${v.name} · version ${v.version}`).appendMarkdown('**\n\n');
  md.appendMarkdown(`\`models:/${v.name}/${v.version}\`  \n`);
  md.appendMarkdown('Status: ').appendText(v.status + (v.statusMessage ? ` (${v.statusMessage})` : '')).appendMarkdown('  \n');
  if (v.currentStage && v.currentStage !== 'None') md.appendMarkdown('Stage: ').appendText(v.currentStage).appendMarkdown('  \n');
  if (v.aliases.length) md.appendMarkdown('Aliases: ').appendText(v.aliases.map((a) => `@${a}`).join(', ')).appendMarkdown('  \n');
  md.appendMarkdown('Source: ').appendText(v.source).appendMarkdown('  \n');
  if (v.runId) md.appendMarkdown(`Run: \`${v.runId}\`  \n`);
  md.appendMarkdown(`Created: ${formatTimestamp(v.creationTimestamp)}`);
  if (v.description) md.appendMarkdown('\n\n').appendText(v.description);
  if (v.tags.length) md.appendMarkdown('\n\nTags: ').appendText(v.tags.map((t) => `${t.key}=${oneLine(t.value, 60)}`).join(', '));
  return md;
}

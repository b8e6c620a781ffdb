import * as vscode from 'vscode';
import { formatBytes, formatDuration, formatMetricValue, formatRelativeTime, formatTimestamp, oneLine, runDisplayName } from '../core/format';
import type { Metric, Run, RunStatus } from '../tracking/types';
import { USER_TAG } from '../tracking/types';
import type { ArtifactFile, ArtifactOwner } from '../tracking/types';
import { artifactContextValue } from '../artifacts/kinds';
import { artifactUri } from '../artifacts/artifactFileSystem';
import { PRIMARY_METRIC_CANDIDATES } from './runList';
import type { GroupKind, Node } from './nodes';

const STATUS_ICON: Record<RunStatus, vscode.ThemeIcon> = {
  RUNNING: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  SCHEDULED: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  FINISHED: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  FAILED: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  KILLED: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.orange')),
};

const GROUP_LABEL: Record<GroupKind, string> = {
  params: 'Parameters',
  metrics: 'Metrics',
  tags: 'Tags',
  systemTags: 'System Tags',
  artifacts: 'Artifacts',
  datasets: 'Datasets',
};

const GROUP_ICON: Record<GroupKind, string> = {
  params: 'symbol-parameter',
  metrics: 'graph-line',
  tags: 'tag',
  systemTags: 'gear',
  artifacts: 'archive',
  datasets: 'database',
};

export interface ItemContext {
  primaryMetric: string;
  writable: boolean;
  http: boolean;
  groupCount?: number;
  hasChildRuns?: boolean;
}

export function pickPrimaryMetric(run: Run, preferred: string): Metric | undefined {
  const ms = run.data.metrics;
  if (preferred) return ms.find((m) => m.key === preferred);
  for (const k of PRIMARY_METRIC_CANDIDATES) {
    const m = ms.find((x) => x.key === k);
    if (m) return m;
  }
  return undefined;
}

export function runDescription(run: Run, primaryMetric: string, now = Date.now()): string {
  const parts: string[] = [];
  const m = pickPrimaryMetric(run, primaryMetric);
  if (m) parts.push(`${m.key} ${formatMetricValue(m.value)}`);
  const { startTime, endTime, status } = run.info;
  if (startTime !== undefined) {
    const end = endTime ?? (status === 'RUNNING' ? now : undefined);
    if (end !== undefined) parts.push(formatDuration(end - startTime));
    parts.push(formatRelativeTime(startTime, now));
  }
  const user = run.data.tags.find((t) => t.key === USER_TAG)?.value || run.info.userId;
  if (user) parts.push(user);
  return parts.filter(Boolean).join(' · ');
}

/** Store data as an inline code span only when it is a plain id; anything else (a backtick would end the span) as escaped text. */
function appendCode(md: vscode.MarkdownString, s: string): vscode.MarkdownString {
  return /^[\w.-]+$/.test(s) ? md.appendMarkdown(`\`${s}\``) : md.appendText(s);
}

function runTooltip(run: Run): vscode.MarkdownString {
  const i = run.info;
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.appendMarkdown(`**`).appendText(runDisplayName(run)).appendMarkdown(`** — ${i.status}${i.lifecycleStage === 'deleted' ? ' (deleted)' : ''}\n\n`);
  appendCode(md.appendMarkdown('Run ID: '), i.runId).appendMarkdown('  \n');
  md.appendMarkdown(`Started: ${formatTimestamp(i.startTime)}  \n`);
  if (i.endTime !== undefined) md.appendMarkdown(`Ended: ${formatTimestamp(i.endTime)}  \n`);
  if (i.startTime !== undefined && i.endTime !== undefined) md.appendMarkdown(`Duration: ${formatDuration(i.endTime - i.startTime)}  \n`);
  const tag = (k: string) => run.data.tags.find((t) => t.key === k)?.value;
  const src = tag('mlflow.source.name');
  if (src) md.appendMarkdown('Source: ').appendText(src).appendMarkdown('  \n');
  const commit = tag('mlflow.source.git.commit');
  if (commit) appendCode(md.appendMarkdown('Git commit: '), commit.slice(0, 12)).appendMarkdown('  \n');
  md.appendMarkdown(`${run.data.params.length} parameters, ${run.data.metrics.length} metrics, ${run.data.tags.length} tags`);
  return md;
}

export function toTreeItem(node: Node, ctx: ItemContext): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  switch (node.type) {
    case 'folder': {
      const item = new vscode.TreeItem(node.conn.label, C.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      item.description = node.conn.resolved?.display ?? '';
      return withId(item, node);
    }
    case 'experiment': {
      const e = node.experiment;
      const item = new vscode.TreeItem(e.name || `(experiment ${e.experimentId})`, C.Collapsed);
      item.iconPath = new vscode.ThemeIcon(e.lifecycleStage === 'deleted' ? 'trash' : 'beaker');
      item.description = e.lifecycleStage === 'deleted' ? 'deleted' : '';
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**').appendText(e.name).appendMarkdown('**\n\n');
      appendCode(md.appendMarkdown('ID: '), e.experimentId).appendMarkdown('  \n');
      md.appendMarkdown('Artifact location: ').appendText(e.artifactLocation).appendMarkdown('  \n');
      md.appendMarkdown(`Created: ${formatTimestamp(e.creationTime)}  \nUpdated: ${formatTimestamp(e.lastUpdateTime)}`);
      const tags = e.tags.filter((t) => !t.key.startsWith('mlflow.'));
      if (tags.length) md.appendMarkdown('\n\nTags: ').appendText(tags.map((t) => `${t.key}=${oneLine(t.value, 60)}`).join(', '));
      item.tooltip = md;
      item.contextValue = `experiment${e.lifecycleStage === 'deleted' ? 'Deleted' : 'Active'}${ctx.http ? 'Http' : ''}`;
      return withId(item, node);
    }
    case 'run': {
      const r = node.run;
      const item = new vscode.TreeItem(runDisplayName(r), C.Collapsed);
      item.iconPath = r.info.lifecycleStage === 'deleted' ? new vscode.ThemeIcon('trash') : STATUS_ICON[r.info.status];
      item.description = (r.info.lifecycleStage === 'deleted' ? 'deleted · ' : '') + runDescription(r, ctx.primaryMetric);
      item.tooltip = runTooltip(r);
      const hasModel = r.outputs.modelOutputs.length > 0 || r.data.tags.some((t) => t.key === 'mlflow.log-model.history');
      item.contextValue =
        `run${r.info.status}${r.info.lifecycleStage === 'deleted' ? 'Deleted' : 'Active'}` +
        `${ctx.writable ? 'Writable' : ''}${ctx.http ? 'Http' : ''}${hasModel ? 'Model' : ''}`;
      return withId(item, node);
    }
    case 'group': {
      const label = GROUP_LABEL[node.group];
      const item = new vscode.TreeItem(label, C.Collapsed);
      item.iconPath = new vscode.ThemeIcon(GROUP_ICON[node.group]);
      if (ctx.groupCount !== undefined) item.description = String(ctx.groupCount);
      item.contextValue = `group-${node.group}`;
      return withId(item, node);
    }
    case 'param': {
      const item = new vscode.TreeItem(node.item.key, C.None);
      item.description = node.item.value === '' ? '(empty)' : oneLine(node.item.value);
      item.tooltip = tooltipText(node.item.key, node.item.value);
      item.iconPath = new vscode.ThemeIcon('symbol-parameter');
      item.contextValue = 'param';
      return withId(item, node);
    }
    case 'metric': {
      const m = node.item;
      const item = new vscode.TreeItem(m.key, C.None);
      const steps = node.steps === undefined ? '' : ` · ${node.steps} ${node.steps === 1 ? 'point' : 'points'}`;
      item.description = `${formatMetricValue(m.value)} (step ${m.step})${steps}`;
      item.tooltip = `${m.key} = ${Number.isFinite(m.value) ? String(m.value) : formatMetricValue(m.value)}\nstep ${m.step}, ${formatTimestamp(m.timestamp)}`;
      item.iconPath = new vscode.ThemeIcon('graph-line');
      item.contextValue = 'metric';
      return withId(item, node);
    }
    case 'tag': {
      const item = new vscode.TreeItem(node.item.key, C.None);
      item.description = oneLine(node.item.value);
      item.tooltip = tooltipText(node.item.key, node.item.value);
      item.iconPath = new vscode.ThemeIcon(node.system ? 'gear' : 'tag');
      item.contextValue = `tag${node.system ? 'System' : ''}${ctx.writable ? 'Writable' : ''}`;
      return withId(item, node);
    }
    case 'dataset': {
      const item = new vscode.TreeItem(node.label, C.None);
      item.description = node.detail;
      item.iconPath = new vscode.ThemeIcon('database');
      item.contextValue = 'dataset';
      return withId(item, node);
    }
    case 'artifact':
      return withId(artifactTreeItem(node), node);
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more…', C.None);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'mlflow.loadMoreRuns', title: 'Load More Runs', arguments: [node] };
      item.contextValue = 'loadMore';
      return withId(item, node);
    }
    case 'error': {
      // Expanded, so its reason, Retry and Show Log are rows of their own (the side bar is narrow).
      const item = new vscode.TreeItem(oneLine(node.error.message, 200), C.Expanded);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = node.error.userMessage;
      item.contextValue = 'error';
      return withId(item, node);
    }
    case 'action': {
      const item = new vscode.TreeItem(node.text, C.None);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.command = { command: node.command, title: node.text, arguments: node.args };
      item.contextValue = 'action';
      return withId(item, node);
    }
    case 'message': {
      const item = new vscode.TreeItem(node.text, C.None);
      item.iconPath = new vscode.ThemeIcon('info');
      if (node.tooltip) item.tooltip = node.tooltip;
      item.contextValue = 'message';
      return withId(item, node);
    }
  }
}

function withId(item: vscode.TreeItem, node: Node): vscode.TreeItem {
  item.id = node.id;
  return item;
}

function tooltipText(key: string, value: string): string {
  const v = value.length > 2000 ? value.slice(0, 2000) + `… (${value.length} characters)` : value;
  return `${key}\n\n${v}`;
}

/** An artifact row (explorer and Models view): name, size, file icon by the real mlflow-artifact: URI. */
export function artifactTreeItem(n: { conn: { key: string }; owner: ArtifactOwner; file: ArtifactFile }): vscode.TreeItem {
  const f = n.file;
  const name = f.path.split('/').pop() || f.path;
  const item = new vscode.TreeItem(name, f.isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.resourceUri = artifactUri({ connKey: n.conn.key, ownerType: n.owner.type, ownerId: n.owner.id, path: f.path });
  item.iconPath = f.isDir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
  item.description = f.isDir ? '' : formatBytes(f.fileSize ?? 0);
  item.tooltip = `${f.path}${f.isDir ? '' : ` — ${formatBytes(f.fileSize ?? 0)}`}`;
  item.contextValue = artifactContextValue(f.path, f.isDir);
  if (!f.isDir) item.command = { command: 'mlflow.artifacts.open', title: 'Open Artifact', arguments: [n] };
  return item;
}

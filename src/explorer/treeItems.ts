import * as vscode from 'vscode';
import { formatBytes, formatDuration, formatMetricValue, formatRelativeTime, formatTimestamp, oneLine, runDisplayName } from '../core/format';
import type { Experiment, Metric, Run, RunStatus } from '../tracking/types';
import { USER_TAG } from '../tracking/types';
import type { ArtifactFile, ArtifactOwner } from '../tracking/types';
import { artifactContextValue } from '../artifacts/kinds';
import { artifactUri } from '../artifacts/artifactFileSystem';
import { PRIMARY_METRIC_CANDIDATES } from './runList';
import type { GroupKind, Node, NodeOf } from './nodes';
import { Commands } from '../ids';

const C = vscode.TreeItemCollapsibleState;

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
  return withId(itemOf(node, ctx), node);
}

function itemOf(node: Node, ctx: ItemContext): vscode.TreeItem {
  switch (node.type) {
    case 'folder':
      return row(node.conn.label, 'root-folder', undefined, { state: C.Expanded, description: node.conn.resolved?.display ?? '' });
    case 'experiment':
      return experimentItem(node.experiment, ctx);
    case 'run':
      return runItem(node.run, ctx);
    case 'group':
      return row(GROUP_LABEL[node.group], GROUP_ICON[node.group], `group-${node.group}`, {
        state: C.Collapsed,
        description: ctx.groupCount === undefined ? undefined : String(ctx.groupCount),
      });
    case 'param':
      return row(node.item.key, 'symbol-parameter', 'param', {
        description: node.item.value === '' ? '(empty)' : oneLine(node.item.value),
        tooltip: tooltipText(node.item.key, node.item.value),
      });
    case 'metric':
      return metricItem(node);
    case 'tag':
      return row(node.item.key, node.system ? 'gear' : 'tag', `tag${node.system ? 'System' : ''}${ctx.writable ? 'Writable' : ''}`, {
        description: oneLine(node.item.value),
        tooltip: tooltipText(node.item.key, node.item.value),
      });
    case 'dataset':
      return row(node.label, 'database', 'dataset', { description: node.detail });
    case 'artifact':
      return artifactTreeItem(node);
    case 'loadMore':
      return row('Load more…', 'ellipsis', 'loadMore', { command: { command: Commands.loadMoreRuns, title: 'Load More Runs', arguments: [node] } });
    case 'error':
      // Expanded, so its reason, Retry and Show Log are rows of their own (the side bar is narrow).
      return row(oneLine(node.error.message, 200), new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')), 'error', {
        state: C.Expanded,
        tooltip: node.error.userMessage,
      });
    case 'action':
      return row(node.text, node.icon, 'action', { command: { command: node.command, title: node.text, arguments: node.args } });
    case 'message':
      return row(node.text, 'info', 'message', { tooltip: node.tooltip || undefined });
    default: {
      const unknown: never = node;
      throw new Error(`no tree item for ${JSON.stringify(unknown)}`);
    }
  }
}

interface RowOptions {
  state?: vscode.TreeItemCollapsibleState;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  command?: vscode.Command;
}

/** A row with a label, an icon (a codicon name or a ThemeIcon) and a contextValue for the menus. */
function row(label: string, icon: string | vscode.ThemeIcon, contextValue: string | undefined, o: RowOptions = {}): vscode.TreeItem {
  const item = new vscode.TreeItem(label, o.state ?? C.None);
  item.iconPath = typeof icon === 'string' ? new vscode.ThemeIcon(icon) : icon;
  if (o.description !== undefined) item.description = o.description;
  if (o.tooltip !== undefined) item.tooltip = o.tooltip;
  if (o.command) item.command = o.command;
  if (contextValue !== undefined) item.contextValue = contextValue;
  return item;
}

function experimentItem(e: Experiment, ctx: ItemContext): vscode.TreeItem {
  const deleted = e.lifecycleStage === 'deleted';
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(e.name).appendMarkdown('**\n\n');
  appendCode(md.appendMarkdown('ID: '), e.experimentId).appendMarkdown('  \n');
  md.appendMarkdown('Artifact location: ').appendText(e.artifactLocation).appendMarkdown('  \n');
  md.appendMarkdown(`Created: ${formatTimestamp(e.creationTime)}  \nUpdated: ${formatTimestamp(e.lastUpdateTime)}`);
  const tags = e.tags.filter((t) => !t.key.startsWith('mlflow.'));
  if (tags.length) md.appendMarkdown('\n\nTags: ').appendText(tags.map((t) => `${t.key}=${oneLine(t.value, 60)}`).join(', '));
  return row(e.name || `(experiment ${e.experimentId})`, deleted ? 'trash' : 'beaker', `experiment${deleted ? 'Deleted' : 'Active'}${ctx.http ? 'Http' : ''}`, {
    state: C.Collapsed,
    description: deleted ? 'deleted' : '',
    tooltip: md,
  });
}

function runItem(r: Run, ctx: ItemContext): vscode.TreeItem {
  const deleted = r.info.lifecycleStage === 'deleted';
  const hasModel = r.outputs.modelOutputs.length > 0 || r.data.tags.some((t) => t.key === 'mlflow.log-model.history');
  const contextValue =
    `run${r.info.status}${deleted ? 'Deleted' : 'Active'}` + `${ctx.writable ? 'Writable' : ''}${ctx.http ? 'Http' : ''}${hasModel ? 'Model' : ''}`;
  return row(runDisplayName(r), deleted ? 'trash' : STATUS_ICON[r.info.status], contextValue, {
    state: C.Collapsed,
    description: (deleted ? 'deleted · ' : '') + runDescription(r, ctx.primaryMetric),
    tooltip: runTooltip(r),
  });
}

function metricItem(node: NodeOf<'metric'>): vscode.TreeItem {
  const m = node.item;
  const steps = node.steps === undefined ? '' : ` · ${node.steps} ${node.steps === 1 ? 'point' : 'points'}`;
  return row(m.key, 'graph-line', 'metric', {
    description: `${formatMetricValue(m.value)} (step ${m.step})${steps}`,
    tooltip: `${m.key} = ${Number.isFinite(m.value) ? String(m.value) : formatMetricValue(m.value)}\nstep ${m.step}, ${formatTimestamp(m.timestamp)}`,
  });
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
  if (!f.isDir) item.command = { command: Commands.artifactsOpen, title: 'Open Artifact', arguments: [n] };
  return item;
}

import * as vscode from 'vscode';
import { formatMetricValue, formatRelativeTime } from '../format';
import type { Connections } from '../connection/connections';
import { readSettings } from '../config';
import { runDisplayName } from '../views/treeItems';
import { metricLensTitle, paramLensTitle, paramValues, sparkline, summarizeMetric } from './lensData';
import type { LensRuns, FileRuns } from './lensRuns';
import { mayContainMlflow, scanPython, type MlflowCall, type Range } from './scanner';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'untitled' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
];

type LensInfo =
  | { what: 'experiment'; call: MlflowCall; name?: string }
  | { what: 'metric'; key: string }
  | { what: 'param'; key: string }
  | { what: 'model'; call: MlflowCall; action: 'serve' | 'predict' | 'version' }
  | { what: 'trackingUri'; uri: string }
  | { what: 'startRun' };

class MlflowLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly doc: vscode.Uri, readonly info: LensInfo, readonly experimentName: string | undefined) {
    super(range);
  }
}

const toRange = (r: Range) => new vscode.Range(r.startLine, r.startCol, r.endLine, r.endCol);
const lineRange = (line: number) => new vscode.Range(line, 0, line, 0);

function preambleFor(doc: vscode.TextDocument): string | undefined {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return undefined;
  for (const nb of vscode.workspace.notebookDocuments) {
    const cells = nb.getCells();
    const i = cells.findIndex((c) => c.document.uri.toString() === doc.uri.toString());
    if (i >= 0) return cells.slice(0, i).filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => c.document.getText()).join('\n');
  }
  return undefined;
}

/** Scans a document once per version; lenses and hovers share the result. */
class ScanCache {
  private last?: { uri: string; version: number; calls: MlflowCall[] };
  calls(doc: vscode.TextDocument): MlflowCall[] {
    if (this.last && this.last.uri === doc.uri.toString() && this.last.version === doc.version) return this.last.calls;
    const text = doc.getText();
    const preamble = preambleFor(doc);
    const calls = !preamble && !mayContainMlflow(text) ? [] : scanPython(text, { preamble });
    this.last = { uri: doc.uri.toString(), version: doc.version, calls };
    return calls;
  }
}

function experimentOf(calls: MlflowCall[]): string | undefined {
  return calls.find((c) => c.kind === 'setExperiment' && c.stringArgs.experiment_name)?.stringArgs.experiment_name;
}

export class MlflowCodeLensProvider implements vscode.CodeLensProvider<MlflowLens>, vscode.HoverProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly scans = new ScanCache();

  constructor(private readonly runs: LensRuns, private readonly connections: Connections) {
    runs.onDidChange(() => this.changed.fire());
  }

  static register(runs: LensRuns, connections: Connections): vscode.Disposable {
    const p = new MlflowCodeLensProvider(runs, connections);
    return vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider(SELECTOR, p),
      vscode.languages.registerHoverProvider(SELECTOR, p),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlflow.codeLens.enabled') && p.changed.fire()),
      p.changed,
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): MlflowLens[] {
    if (!readSettings(doc.uri).codeLensEnabled) return [];
    const calls = this.scans.calls(doc);
    const exp = experimentOf(calls);
    const lenses: MlflowLens[] = [];
    const add = (r: vscode.Range, info: LensInfo) => lenses.push(new MlflowLens(r, doc.uri, info, exp));
    for (const call of calls) {
      const at = lineRange(call.nameRange.startLine);
      switch (call.kind) {
        case 'setExperiment':
        case 'createExperiment':
          add(at, { what: 'experiment', call, name: call.stringArgs.experiment_name ?? call.stringArgs.name });
          break;
        case 'logMetric':
        case 'logMetrics':
          for (const k of call.keys) add(lineRange(k.range.startLine), { what: 'metric', key: k.value });
          break;
        case 'logParam':
        case 'logParams':
          for (const k of call.keys) add(lineRange(k.range.startLine), { what: 'param', key: k.value });
          break;
        case 'logModel':
        case 'registerModel':
          add(at, { what: 'model', call, action: 'version' });
          add(at, { what: 'model', call, action: 'serve' });
          add(at, { what: 'model', call, action: 'predict' });
          break;
        case 'setTrackingUri':
          if (call.stringArgs.uri) add(at, { what: 'trackingUri', uri: call.stringArgs.uri });
          break;
        case 'startRun':
          add(at, { what: 'startRun' });
          break;
        default:
          break;
      }
    }
    // One lens per key per line: log_metrics({...}) on one line names each key once.
    const seen = new Set<string>();
    return lenses.filter((l) => {
      const k = `${l.range.start.line}|${JSON.stringify(l.info, (key, v) => (key === 'call' ? undefined : v))}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  async resolveCodeLens(lens: MlflowLens): Promise<MlflowLens> {
    const data = await this.runs.forDocument(lens.doc, lens.experimentName);
    lens.command = this.commandFor(lens.info, data);
    return lens;
  }

  private commandFor(info: LensInfo, data: FileRuns | undefined): vscode.Command {
    const none: vscode.Command = { title: '$(beaker) MLflow: no tracking store connected', command: 'mlflow.setTrackingUri' };
    if (info.what === 'trackingUri') {
      const current = data?.conn.resolved?.uri;
      return { title: `$(plug) Use This Tracking URI${current && sameUri(current, info.uri) ? ' (in use)' : ''}`, command: 'mlflow.setTrackingUri', arguments: [info.uri] };
    }
    if (!data) return none;
    const runs = data.runs;
    const latest = runs[0];
    switch (info.what) {
      case 'experiment': {
        if (!latest) return { title: `$(beaker) ${info.name ?? 'experiment'}: no runs yet`, command: '' };
        const when = latest.info.startTime ? formatRelativeTime(latest.info.startTime) : '';
        return {
          title: `$(beaker) ${runs.length}${runs.length >= 500 ? '+' : ''} run${runs.length === 1 ? '' : 's'} · latest ${latest.info.status.toLowerCase()} ${when} — Reveal`,
          command: 'mlflow.revealRun',
          arguments: [latest.info.runId],
        };
      }
      case 'metric': {
        const s = summarizeMetric(runs, info.key);
        const target = s.latest?.run;
        return {
          title: `$(graph-line) ${metricLensTitle(s)}${target ? ' — Plot' : ''}`,
          command: target ? 'mlflow.plotMetric' : '',
          arguments: target ? [{ connKey: data.conn.key, runIds: [target.info.runId], keys: [info.key] }] : undefined,
        };
      }
      case 'param': {
        const v = paramValues(runs, info.key);
        const ids = runs.filter((r) => r.data.params.some((p) => p.key === info.key)).slice(0, 10).map((r) => r.info.runId);
        return {
          title: `$(symbol-parameter) ${paramLensTitle(info.key, v)}${ids.length > 1 ? ' — Compare' : ''}`,
          command: ids.length > 1 ? 'mlflow.compareRuns' : '',
          arguments: ids.length > 1 ? [{ connKey: data.conn.key, runIds: ids }] : undefined,
        };
      }
      case 'model': {
        const withModel = runs.find((r) => r.outputs.modelOutputs.length || r.data.tags.some((t) => t.key === 'mlflow.log-model.history'));
        const registered = info.call.stringArgs.registered_model_name ?? (info.call.kind === 'registerModel' ? info.call.stringArgs.name : undefined);
        const modelUri = registered ? `models:/${registered}/latest` : withModel ? firstModelUri(withModel, info.call) : undefined;
        if (info.action === 'version') {
          if (!modelUri) return { title: '$(package) no model logged yet', command: '' };
          return { title: `$(package) ${modelUri}${withModel ? ` · from ${runDisplayName(withModel)}` : ''}`, command: 'mlflow.copyText', arguments: [modelUri] };
        }
        if (!modelUri) return { title: info.action === 'serve' ? 'Serve' : 'Predict', command: '' };
        return info.action === 'serve'
          ? { title: '$(play) Serve', command: 'mlflow.serveModel', arguments: [{ modelUri }] }
          : { title: '$(run) Predict', command: 'mlflow.predictModel', arguments: [{ modelUri }] };
      }
      case 'startRun':
        if (!latest) return { title: '$(history) no runs from this file yet', command: '' };
        return {
          title: `$(history) Open Latest Run (${runDisplayName(latest)}, ${latest.info.status.toLowerCase()})`,
          command: 'mlflow.openRunDetails',
          arguments: [{ connKey: data.conn.key, runId: latest.info.runId }],
        };
    }
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!readSettings(doc.uri).codeLensEnabled) return undefined;
    const calls = this.scans.calls(doc);
    for (const call of calls) {
      if (call.kind !== 'logMetric' && call.kind !== 'logMetrics') continue;
      const key = call.keys.find((k) => toRange(k.range).contains(pos));
      if (!key) continue;
      const data = await this.runs.forDocument(doc.uri, experimentOf(calls));
      const run = data?.runs.find((r) => r.data.metrics.some((m) => m.key === key.value));
      if (!data || !run) return new vscode.Hover(`MLflow: no run from this file has logged **${escapeMd(key.value)}** yet.`, toRange(key.range));
      const points = await this.runs.history(data.conn, run.info.runId, key.value);
      const finite = points.map((p) => p.value).filter(Number.isFinite);
      const md = new vscode.MarkdownString(undefined, true);
      md.appendMarkdown(`**${escapeMd(key.value)}** in run **${escapeMd(runDisplayName(run))}** (${run.info.status.toLowerCase()})\n\n`);
      md.appendCodeblock(sparkline(points, 48), 'text');
      const last = points.length ? [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)[points.length - 1] : undefined;
      md.appendMarkdown(
        `${points.length} points` +
          (last ? ` · last ${formatMetricValue(last.value)} at step ${last.step}` : '') +
          (finite.length ? ` · min ${formatMetricValue(Math.min(...finite))} · max ${formatMetricValue(Math.max(...finite))}` : ''),
      );
      const args = encodeURIComponent(JSON.stringify([{ connKey: data.conn.key, runIds: [run.info.runId], keys: [key.value] }]));
      md.appendMarkdown(`\n\n[Plot](command:mlflow.plotMetric?${args})`);
      md.isTrusted = { enabledCommands: ['mlflow.plotMetric'] };
      return new vscode.Hover(md, toRange(key.range));
    }
    return undefined;
  }
}

function firstModelUri(run: import('../tracking/types').Run, call: MlflowCall): string | undefined {
  const out = run.outputs.modelOutputs[0];
  if (out) return `models:/${out.modelId}`;
  const path = call.stringArgs.artifact_path ?? call.stringArgs.name ?? 'model';
  return `runs:/${run.info.runId}/${path}`;
}

function sameUri(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/\/+$/, '').replace(/^file:\/\//, '');
  return n(a) === n(b) || n(a).endsWith('/' + n(b).replace(/^\.\//, ''));
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

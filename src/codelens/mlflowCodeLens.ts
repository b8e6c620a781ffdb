import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommand } from '../core/command';
import { formatBytes, formatMetricValue, formatRelativeTime } from '../core/format';
import type { Connection } from '../connection/connection';
import type { Connections } from '../connection/connections';
import { readSettings } from '../config';
import { Commands, InternalCommands, TrainingCommands } from '../ids';
import { parseTrackingUri, resolveLocalTrackingUri, type ResolvedUri } from '../tracking/uri';
import type { Services } from '../services';
import type { Run } from '../tracking/types';
import { artifactUri } from '../artifacts/artifactFileSystem';
import { runDisplayName } from '../core/format';
import {
  artifactCallTarget,
  artifactUriOf,
  createExperimentTitle,
  endRunTitle,
  metricLensTitle,
  paramLensTitle,
  paramValues,
  runsOfStartRun,
  sparkline,
  startRunPattern,
  startRunScopes,
  summarizeMetric,
  trackingUriBefore,
  type ArtifactCallTarget,
  type StartRunScope,
} from './lensData';
import type { LensRuns, FileRuns } from './lensRuns';
import { mayContainMlflow, scanPython, type MlflowCall, type Range } from './scanner';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'untitled' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
];

type LensInfo =
  | { what: 'experiment'; call: MlflowCall; name?: string }
  | { what: 'openTable'; name?: string; id?: string }
  | { what: 'metric'; key: string }
  | { what: 'param'; key: string }
  | { what: 'model'; call: MlflowCall; action: 'serve' | 'predict' | 'version' }
  | { what: 'trackingUri'; uri: string }
  | { what: 'getTrackingUri'; callUri?: string }
  | { what: 'createExperiment'; name: string }
  | { what: 'startRun'; scope: StartRunScope }
  | { what: 'endRun'; status?: string }
  | { what: 'artifact'; target: ArtifactCallTarget; action: 'open' | 'compare' }
  | { what: 'artifactUri'; artifactPath?: string }
  | { what: 'runScript'; withArgs: boolean };

export const OPEN_LOGGED_ARTIFACT = InternalCommands.openLoggedArtifact;

export interface OpenLoggedArtifactArgs {
  connKey: string;
  runId: string;
  /** Artifact path ('' = root). */
  path: string;
  isDir: boolean;
  /** Local file (or folder, for isDir) to compare with. */
  local?: string;
  compare: boolean;
}

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

  static register(s: Services, runs: LensRuns): vscode.Disposable {
    const { connections } = s;
    const p = new MlflowCodeLensProvider(runs, connections);
    return vscode.Disposable.from(
      vscode.languages.registerCodeLensProvider(SELECTOR, p),
      vscode.languages.registerHoverProvider(SELECTOR, p),
      registerCommand(s, OPEN_LOGGED_ARTIFACT, (a: OpenLoggedArtifactArgs) => openLoggedArtifact(connections, a)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlflow.codeLens.enabled') && p.changed.fire()),
      p.changed,
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): MlflowLens[] {
    if (!readSettings(doc.uri).codeLensEnabled) return [];
    const calls = this.scans.calls(doc);
    const exp = experimentOf(calls);
    const startRuns = calls.filter((c) => c.kind === 'startRun');
    const scopes = startRuns.length ? startRunScopes(startRuns, doc.getText().split(/\r?\n/)) : undefined;
    const lenses: MlflowLens[] = [];
    const add = (r: vscode.Range, info: LensInfo) => lenses.push(new MlflowLens(r, doc.uri, info, exp));
    // Run Script above the script's first start_run / set_experiment (files on disk only)
    const first = doc.uri.scheme === 'file' ? calls.find((c) => c.kind === 'startRun' || c.kind === 'setExperiment') : undefined;
    if (first) {
      add(lineRange(first.nameRange.startLine), { what: 'runScript', withArgs: false });
      add(lineRange(first.nameRange.startLine), { what: 'runScript', withArgs: true });
    }
    for (const call of calls) {
      const at = lineRange(call.nameRange.startLine);
      switch (call.kind) {
        case 'setExperiment': {
          const name = call.stringArgs.experiment_name ?? call.stringArgs.name;
          add(at, { what: 'experiment', call, name });
          if (name || call.stringArgs.experiment_id) add(at, { what: 'openTable', name, id: call.stringArgs.experiment_id });
          break;
        }
        case 'createExperiment':
          if (call.stringArgs.name) add(at, { what: 'createExperiment', name: call.stringArgs.name });
          break;
        case 'getTrackingUri':
          add(at, { what: 'getTrackingUri', callUri: trackingUriBefore(calls, call.line) });
          break;
        case 'endRun':
          if (!call.viaClient) add(at, { what: 'endRun', status: call.stringArgs.status });
          break;
        case 'logArtifact':
        case 'logArtifacts': {
          const target = artifactCallTarget(call.kind, call.stringArgs);
          if (!target) break;
          add(at, { what: 'artifact', target, action: 'open' });
          add(at, { what: 'artifact', target, action: 'compare' });
          break;
        }
        case 'getArtifactUri':
          add(at, { what: 'artifactUri', artifactPath: call.stringArgs.artifact_path });
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
          add(at, { what: 'startRun', scope: scopes?.get(call) ?? {} });
          break;
        default:
          break;
      }
    }
    // One lens per key per line: log_metrics({...}) on one line names each key once.
    const seen = new Set<string>();
    return lenses.filter((l) => {
      const k = `${l.range.start.line}|${JSON.stringify(l.info, (key, v: unknown) => (key === 'call' ? undefined : v))}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  async resolveCodeLens(lens: MlflowLens): Promise<MlflowLens> {
    const data = await this.runs.forDocument(lens.doc, lens.experimentName);
    try {
      lens.command = await this.commandFor(lens.doc, lens.info, data);
    } catch (e) {
      lens.command = { title: `$(warning) MLflow: ${e instanceof Error ? e.message : String(e)}`.slice(0, 120), command: '' };
    }
    return lens;
  }

  private async commandFor(doc: vscode.Uri, info: LensInfo, data: FileRuns | undefined): Promise<vscode.Command> {
    const none: vscode.Command = { title: '$(beaker) MLflow: no tracking store connected', command: Commands.setTrackingUri };
    if (info.what === 'runScript') {
      return info.withArgs
        ? { title: 'with Arguments…', command: TrainingCommands.runScriptWithArgs, arguments: [doc] }
        : { title: '$(play) Run as MLflow Run', command: TrainingCommands.runScript, arguments: [doc], tooltip: `Run this script${data ? ` with ${data.conn.resolved?.display ?? 'the explorer\'s store'} as its tracking URI` : ''} and follow its run live` };
    }
    if (info.what === 'trackingUri') {
      const current = data?.conn.resolved;
      const call = parseCallUri(info.uri, doc);
      const inUse = current && call && current.uri === call.uri;
      return {
        title: `$(plug) Use This Tracking URI${inUse ? ' (in use)' : current ? ` · extension uses ${current.display}` : ''}`,
        command: Commands.setTrackingUri,
        arguments: [info.uri],
      };
    }
    if (info.what === 'getTrackingUri') {
      const current = data?.conn.resolved;
      if (!current) return none;
      const script = scriptTrackingUri(doc, info.callUri);
      if (!script) return { title: `$(plug) extension uses ${current.display} (${current.kind}) · this script gets MLflow's default store`, command: '' };
      if (script.uri === current.uri) return { title: `$(plug) extension uses ${current.display} (${current.kind}) — same store as this script`, command: '' };
      return { title: `$(plug) extension uses ${current.display} · this script gets ${script.display} — Switch`, command: Commands.setTrackingUri, arguments: [script.raw] };
    }
    if (!data) return none;
    if (info.what === 'openTable') return this.openTableCommand(data.conn, info);
    if (info.what === 'createExperiment') {
      const s = await this.runs.experiment(data.conn, info.name);
      return { title: createExperimentTitle(s), command: s.latest ? Commands.revealRun : '', arguments: s.latest ? [s.latest.info.runId] : undefined };
    }
    const runs = data.runs;
    const latest = runs[0];
    switch (info.what) {
      case 'experiment': {
        if (!latest) return { title: `$(beaker) ${info.name ?? 'experiment'}: no runs yet`, command: '' };
        const when = latest.info.startTime ? formatRelativeTime(latest.info.startTime) : '';
        return {
          title: `$(beaker) ${runs.length}${runs.length >= 500 ? '+' : ''} run${runs.length === 1 ? '' : 's'} · latest ${latest.info.status.toLowerCase()} ${when} — Reveal`,
          command: Commands.revealRun,
          arguments: [latest.info.runId],
        };
      }
      case 'metric': {
        const s = summarizeMetric(runs, info.key);
        const target = s.latest?.run;
        return {
          title: `$(graph-line) ${metricLensTitle(s)}${target ? ' — Plot' : ''}`,
          command: target ? Commands.plotMetric : '',
          arguments: target ? [{ connKey: data.conn.key, runIds: [target.info.runId], keys: [info.key] }] : undefined,
        };
      }
      case 'param': {
        const v = paramValues(runs, info.key);
        const ids = runs.filter((r) => r.data.params.some((p) => p.key === info.key)).slice(0, 10).map((r) => r.info.runId);
        return {
          title: `$(symbol-parameter) ${paramLensTitle(info.key, v)}${ids.length > 1 ? ' — Compare' : ''}`,
          command: ids.length > 1 ? Commands.compareRuns : '',
          arguments: ids.length > 1 ? [{ connKey: data.conn.key, runIds: ids }] : undefined,
        };
      }
      case 'model': {
        const withModel = runs.find((r) => r.outputs.modelOutputs.length || r.data.tags.some((t) => t.key === 'mlflow.log-model.history'));
        const registered = info.call.stringArgs.registered_model_name ?? (info.call.kind === 'registerModel' ? info.call.stringArgs.name : undefined);
        const modelUri = registered ? `models:/${registered}/latest` : withModel ? firstModelUri(withModel, info.call) : undefined;
        if (info.action === 'version') {
          if (!modelUri) return { title: '$(package) no model logged yet', command: '' };
          return { title: `$(package) ${modelUri}${withModel ? ` · from ${runDisplayName(withModel)}` : ''}`, command: Commands.copyText, arguments: [modelUri] };
        }
        if (!modelUri) return { title: info.action === 'serve' ? 'Serve' : 'Predict', command: '' };
        return info.action === 'serve'
          ? { title: '$(play) Serve', command: Commands.serveModel, arguments: [{ modelUri }] }
          : { title: '$(run) Predict', command: Commands.predictModel, arguments: [{ modelUri }] };
      }
      case 'endRun':
        return { title: endRunTitle(latest, info.status) + (latest ? ' — Reveal' : ''), command: latest ? Commands.revealRun : '', arguments: latest ? [latest.info.runId] : undefined };
      case 'artifactUri': {
        if (!latest) return { title: '$(link) no run from this file yet', command: '' };
        const uri = artifactUriOf(latest.info.artifactUri, info.artifactPath);
        return { title: `$(link) ${uri.length > 90 ? '…' + uri.slice(-89) : uri} — Copy`, command: Commands.copyText, arguments: [uri] };
      }
      case 'artifact':
        return this.artifactCommand(doc, data.conn, latest, info.target, info.action);
      case 'startRun': {
        const scope = info.scope;
        const run = runsOfStartRun(runs, scope)[0];
        const parent = scope.parent && runsOfStartRun(runs, scope.parent)[0];
        const named = startRunPattern(scope);
        if (!run) {
          if (scope.parent && !parent) return { title: `$(history) no ${startRunPattern(scope.parent) ?? 'parent'} run from this file yet`, command: '' };
          const where = parent ? ` under ${runDisplayName(parent)}` : ' from this file';
          return { title: `$(history) no run${named ? ` named ${named}` : 's'}${where} yet`, command: '' };
        }
        return {
          title: `$(history) Open Latest Run (${runDisplayName(run)}, ${run.info.status.toLowerCase()})${parent ? ` · in ${runDisplayName(parent)}` : ''}`,
          command: Commands.openRunDetails,
          arguments: [{ connKey: data.conn.key, runId: run.info.runId }],
        };
      }
    }
  }

  /** "Open Runs Table" when the store has the experiment set_experiment names (by name or ID). */
  private async openTableCommand(conn: Connection, info: { name?: string; id?: string }): Promise<vscode.Command> {
    let id: string | undefined;
    if (info.id) {
      const store = await conn.store();
      id = await store.getExperiment(info.id).then((e) => (e.lifecycleStage === 'active' ? e.experimentId : undefined), () => undefined);
    } else if (info.name) {
      const s = await this.runs.experiment(conn, info.name);
      id = s.experiment?.lifecycleStage === 'active' ? s.experiment.experimentId : undefined;
    }
    const shown = info.name ?? `ID ${info.id}`;
    if (!id) return { title: `$(table) Runs Table: no experiment ${shown} in this store yet`, command: '' };
    return { title: '$(table) Open Runs Table', command: Commands.openRunsTable, arguments: [{ connKey: conn.key, experimentIds: [id] }], tooltip: `The runs of ${shown} as a table: sort, filter, compare and chart them` };
  }

  private async artifactCommand(doc: vscode.Uri, conn: Connection, latest: Run | undefined, t: ArtifactCallTarget, action: 'open' | 'compare'): Promise<vscode.Command> {
    const icon = t.kind === 'file' ? '$(file)' : '$(folder)';
    const shown = t.dest || '(artifact root)';
    if (!latest) return action === 'open' ? { title: `${icon} ${shown}: no run from this file yet`, command: '' } : { title: '$(diff) Compare', command: '' };
    const local = localPathFor(doc, t.local);
    const uri = artifactUri({ connKey: conn.key, ownerType: 'run', ownerId: latest.info.runId, path: t.dest });
    if (t.kind === 'file') {
      const slash = t.dest.lastIndexOf('/');
      const files = await this.runs.artifacts(conn, latest, slash < 0 ? '' : t.dest.slice(0, slash));
      const entry = files.find((f) => f.path === t.dest && !f.isDir);
      if (!entry) return action === 'open' ? { title: `${icon} ${shown}: not in the latest run (${runDisplayName(latest)})`, command: '' } : { title: '$(diff) Compare', command: '' };
      if (action === 'open') return { title: `${icon} ${shown} · ${formatBytes(entry.fileSize ?? 0)} in ${runDisplayName(latest)} — Open`, command: 'vscode.open', arguments: [uri] };
      if (!local) return { title: `$(diff) no workspace file ${t.local}`, command: '' };
      return { title: '$(diff) Compare with Workspace File', command: 'vscode.diff', arguments: [uri, vscode.Uri.file(local), `${path.basename(t.dest)} (run ${runDisplayName(latest)}) ↔ workspace`] };
    }
    const files = await this.runs.artifacts(conn, latest, t.dest);
    if (!files.length) return action === 'open' ? { title: `${icon} ${shown}: nothing there in the latest run (${runDisplayName(latest)})`, command: '' } : { title: '$(diff) Compare…', command: '' };
    const args: OpenLoggedArtifactArgs = { connKey: conn.key, runId: latest.info.runId, path: t.dest, isDir: true, local, compare: action === 'compare' };
    if (action === 'open') {
      const n = files.filter((f) => !f.isDir).length;
      const d = files.length - n;
      const what = [n ? `${n} file${n === 1 ? '' : 's'}` : '', d ? `${d} folder${d === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
      return { title: `${icon} ${shown}: ${what} in ${runDisplayName(latest)} — Open…`, command: OPEN_LOGGED_ARTIFACT, arguments: [args] };
    }
    if (!local) return { title: `$(diff) no workspace folder ${t.local}`, command: '' };
    return { title: '$(diff) Compare with Workspace…', command: OPEN_LOGGED_ARTIFACT, arguments: [args] };
  }

  /** Hovers on the callee of the rest of the tracking API: the same facts as the lenses, with more detail. */
  private async callHover(doc: vscode.TextDocument, calls: MlflowCall[], call: MlflowCall): Promise<vscode.Hover | undefined> {
    const range = toRange(call.nameRange);
    const md = new vscode.MarkdownString(undefined, true);
    const links: string[] = [];
    const link = (title: string, command: string, args: unknown[]) => {
      links.push(`[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`);
    };
    const data = await this.runs.forDocument(doc.uri, experimentOf(calls));
    const current = data?.conn.resolved ?? this.connections.active()?.resolved;
    const latest = data?.runs[0];
    if (call.kind === 'setTrackingUri' || call.kind === 'getTrackingUri') {
      const script = call.kind === 'setTrackingUri' ? (call.stringArgs.uri ? scriptTrackingUri(doc.uri, call.stringArgs.uri) : undefined) : scriptTrackingUri(doc.uri, trackingUriBefore(calls, call.line));
      md.appendMarkdown(`**MLflow tracking URI**\n\n`);
      md.appendMarkdown(`The extension uses: ${current ? `\`${escapeCode(current.display)}\` (${current.kind} store, from ${current.source})` : 'no store'}\n\n`);
      md.appendMarkdown(`${call.kind === 'setTrackingUri' ? 'This call sets' : 'Here the script gets'}: ${script ? `\`${escapeCode(script.display)}\` (${script.kind} store)` : call.kind === 'setTrackingUri' ? 'a URI the extension cannot read' : "MLflow's default store"}\n\n`);
      if (current && script) md.appendMarkdown(script.uri === current.uri ? '$(check) Same store.' : '$(warning) Different stores: lenses show what the extension\'s store holds.');
      if (script && script.uri !== current?.uri) link('Use it in VS Code', Commands.setTrackingUri, [script.raw]);
    } else if (call.kind === 'createExperiment') {
      const name = call.stringArgs.name;
      if (!name || !data) return undefined;
      const s = await this.runs.experiment(data.conn, name);
      md.appendMarkdown(`**Experiment** \`${escapeCode(name)}\`\n\n`);
      if (!s.experiment) md.appendMarkdown(`Does not exist in \`${escapeCode(current?.display ?? '')}\`: \`create_experiment\` will create it.`);
      else if (s.experiment.lifecycleStage === 'deleted') md.appendMarkdown(`ID \`${s.experiment.experimentId}\`, **deleted**: \`create_experiment\` raises RESOURCE_ALREADY_EXISTS until it is restored or purged (\`mlflow gc\`).`);
      else {
        md.appendMarkdown(`Exists: ID \`${s.experiment.experimentId}\`, ${s.runCount}${s.more ? '+' : ''} runs. \`create_experiment\` raises RESOURCE_ALREADY_EXISTS; \`set_experiment\` would reuse it.`);
        if (s.latest) link('Reveal latest run', Commands.revealRun, [s.latest.info.runId]);
      }
    } else if (call.kind === 'endRun') {
      if (!latest) return new vscode.Hover('MLflow: no run from this file yet.', range);
      md.appendMarkdown(`**Latest run** ${escapeMd(runDisplayName(latest))}: ${latest.info.status.toLowerCase()}\n\n`);
      md.appendMarkdown(`Started ${latest.info.startTime ? formatRelativeTime(latest.info.startTime) : '?'}${latest.info.endTime ? `, ended ${formatRelativeTime(latest.info.endTime)}` : ''}.`);
      if (call.stringArgs.status) md.appendMarkdown(`\n\nThis call ends the active run as **${escapeMd(call.stringArgs.status.toUpperCase())}**.`);
      link('Reveal', Commands.revealRun, [latest.info.runId]);
    } else if (call.kind === 'getArtifactUri') {
      if (!latest) return new vscode.Hover('MLflow: no run from this file yet.', range);
      const uri = artifactUriOf(latest.info.artifactUri, call.stringArgs.artifact_path);
      md.appendMarkdown(`**Artifact URI** of the latest run (${escapeMd(runDisplayName(latest))}):\n\n`);
      md.appendCodeblock(uri, 'text');
      link('Copy', Commands.copyText, [uri]);
    } else {
      const t = artifactCallTarget(call.kind as 'logArtifact' | 'logArtifacts', call.stringArgs);
      if (!t || !data) return undefined;
      if (!latest) return new vscode.Hover('MLflow: no run from this file yet.', range);
      const slash = t.dest.lastIndexOf('/');
      const files = await this.runs.artifacts(data.conn, latest, t.kind === 'dir' ? t.dest : slash < 0 ? '' : t.dest.slice(0, slash));
      const local = localPathFor(doc.uri, t.local);
      md.appendMarkdown(`**${t.kind === 'file' ? 'Artifact' : 'Artifacts under'}** \`${escapeCode(t.dest || '/')}\` in the latest run (${escapeMd(runDisplayName(latest))})\n\n`);
      if (t.kind === 'file') {
        const e = files.find((f) => f.path === t.dest && !f.isDir);
        md.appendMarkdown(e ? `${formatBytes(e.fileSize ?? 0)}` : 'Not logged in that run.');
        if (e) {
          link('Open', OPEN_LOGGED_ARTIFACT, [{ connKey: data.conn.key, runId: latest.info.runId, path: t.dest, isDir: false, compare: false } satisfies OpenLoggedArtifactArgs]);
          if (local) link('Compare with workspace file', OPEN_LOGGED_ARTIFACT, [{ connKey: data.conn.key, runId: latest.info.runId, path: t.dest, isDir: false, local, compare: true } satisfies OpenLoggedArtifactArgs]);
        }
      } else {
        md.appendMarkdown(files.length ? files.slice(0, 12).map((f) => `- \`${escapeCode(f.path.slice(t.dest ? t.dest.length + 1 : 0))}${f.isDir ? '/' : ''}\``).join('\n') + (files.length > 12 ? `\n- … ${files.length - 12} more` : '') : 'Nothing there in that run.');
        if (files.length) link('Open…', OPEN_LOGGED_ARTIFACT, [{ connKey: data.conn.key, runId: latest.info.runId, path: t.dest, isDir: true, local, compare: false } satisfies OpenLoggedArtifactArgs]);
      }
      md.appendMarkdown(`\n\nLocal: \`${escapeCode(t.local)}\`${local ? '' : ' (not found in the workspace)'}`);
    }
    if (links.length) md.appendMarkdown(`\n\n${links.join(' · ')}`);
    md.isTrusted = { enabledCommands: [Commands.setTrackingUri, Commands.revealRun, Commands.copyText, OPEN_LOGGED_ARTIFACT] };
    return new vscode.Hover(md, range);
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!readSettings(doc.uri).codeLensEnabled) return undefined;
    const calls = this.scans.calls(doc);
    const onName = calls.find((c) => toRange(c.nameRange).contains(pos) && HOVER_KINDS.has(c.kind));
    if (onName) return this.callHover(doc, calls, onName);
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
      md.isTrusted = { enabledCommands: [Commands.plotMetric] };
      return new vscode.Hover(md, toRange(key.range));
    }
    return undefined;
  }
}

const HOVER_KINDS = new Set<MlflowCall['kind']>(['createExperiment', 'setTrackingUri', 'getTrackingUri', 'endRun', 'logArtifact', 'logArtifacts', 'getArtifactUri']);

/** The local file a log_artifact call names: relative paths against the workspace folder (the usual working directory), then the file's folder. */
function localPathFor(doc: vscode.Uri, local: string): string | undefined {
  if (doc.scheme !== 'file' && doc.scheme !== 'vscode-notebook-cell') return path.isAbsolute(local) && fs.existsSync(local) ? local : undefined;
  const file = doc.with({ scheme: 'file', fragment: '' }).fsPath;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath;
  const cands = path.isAbsolute(local) ? [local] : [folder && path.resolve(folder, local), path.resolve(path.dirname(file), local)].filter((x): x is string => !!x);
  return cands.find((c) => fs.existsSync(c));
}

function docFolder(doc: vscode.Uri): string | undefined {
  const file = doc.scheme === 'vscode-notebook-cell' ? doc.with({ scheme: 'file', fragment: '' }) : doc;
  return vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? (file.scheme === 'file' ? path.dirname(file.fsPath) : undefined);
}

/** A set_tracking_uri argument as the extension would read it (relative paths against the workspace folder). */
function parseCallUri(raw: string, doc: vscode.Uri): ResolvedUri | undefined {
  try {
    return parseTrackingUri(raw, { workspaceFolder: docFolder(doc), env: process.env }, 'setting');
  } catch {
    return undefined;
  }
}

/** The store a script run from the workspace folder gets: its own set_tracking_uri, else MLFLOW_TRACKING_URI (environment, .env), else MLflow's default there. */
function scriptTrackingUri(doc: vscode.Uri, callUri: string | undefined): (ResolvedUri & { raw: string }) | undefined {
  if (callUri) {
    const r = parseCallUri(callUri, doc);
    return r && { ...r, raw: callUri };
  }
  try {
    const r = resolveLocalTrackingUri(fs, { env: process.env, workspaceFolder: docFolder(doc) });
    return r && { ...r.resolved, raw: r.raw };
  } catch {
    return undefined;
  }
}

async function openLoggedArtifact(connections: Connections, a: OpenLoggedArtifactArgs): Promise<void> {
  const uriOf = (p: string) => artifactUri({ connKey: a.connKey, ownerType: 'run', ownerId: a.runId, path: p });
  let rel = '';
  let file = a.path;
  if (a.isDir) {
    const conn = connections.get(a.connKey) ?? connections.all()[0];
    if (!conn) return;
    const store = await conn.store();
    const run = await store.getRun(a.runId);
    const owner = { type: 'run' as const, id: a.runId, rootUri: run.info.artifactUri };
    const files: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      for (const f of await store.listArtifacts(owner, dir || undefined)) {
        if (files.length >= 500) return;
        if (f.isDir) {
          if (depth < 6) await walk(f.path, depth + 1);
        } else files.push(f.path);
      }
    };
    await walk(a.path, 0);
    const prefix = a.path ? a.path + '/' : '';
    const pick = await vscode.window.showQuickPick(
      files.map((f) => ({ label: f.slice(prefix.length), description: a.compare && a.local && !fs.existsSync(path.join(a.local, ...f.slice(prefix.length).split('/'))) ? 'no workspace file' : undefined, path: f })),
      { title: a.compare ? `Compare a logged file with the workspace (${a.path || 'artifact root'})` : `Open a logged file (${a.path || 'artifact root'})` },
    );
    if (!pick) return;
    file = pick.path;
    rel = pick.label;
  }
  if (!a.compare) {
    await vscode.commands.executeCommand('vscode.open', uriOf(file));
    return;
  }
  const local = a.isDir && a.local ? path.join(a.local, ...rel.split('/')) : a.local;
  if (!local || !fs.existsSync(local)) {
    void vscode.window.showWarningMessage(`MLflow: there is no workspace file ${local ?? rel} to compare with.`);
    return;
  }
  await vscode.commands.executeCommand('vscode.diff', uriOf(file), vscode.Uri.file(local), `${path.basename(file)} (logged) ↔ workspace`);
}

function firstModelUri(run: import('../tracking/types').Run, call: MlflowCall): string | undefined {
  const out = run.outputs.modelOutputs[0];
  if (out) return `models:/${out.modelId}`;
  const path = call.stringArgs.artifact_path ?? call.stringArgs.name ?? 'model';
  return `runs:/${run.info.runId}/${path}`;
}

function escapeCode(s: string): string {
  return s.replace(/`/g, "'");
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

// The model and maintenance commands: Serve Model, Predict, Build Docker Image, Generate Dockerfile,
// Garbage-Collect Deleted Runs and Start MLflow UI. Each runs `mlflow …` as a task (taskRunner.ts) with the
// argv from the pure builders in src/cli/commands.ts and the active connection's tracking URI and
// credentials in the environment.
//
// Arguments (palette: none; tree: the node; code lenses: {modelUri}; tests: a full object):
//   { modelUri?, options?: {<builder option>: value}, <builder option>: value, noPrompt?: boolean, connKey? , … }
// With noPrompt the command runs with the given options (plus remembered ones and defaults) without asking;
// gc additionally needs confirmed: true to skip its modal confirmation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { modelUriChoices } from '../explorer/modelViewCommands';
import {
  BuildContext,
  BuildResult,
  CliCommand,
  CliIssue,
  buildBuildDockerCommand,
  buildGcCommand,
  buildGenerateDockerfileCommand,
  buildPredictCommand,
  buildServeCommand,
  buildServerCommand,
  localUrlFor,
} from '../cli/commands';
import type { MlflowInvocation } from '../cli/commands';
import { activationEnv, detectEnvironment } from '../cli/activation';
import { nodeDiscoveryFs } from '../cli/discovery';
import { COMMAND_OPTIONS, COMMAND_TITLES, CommandId } from '../cli/options';
import { findFreePort, invokeModel, waitForPing } from '../cli/scoring';
import type { MlflowVersion } from '../cli/version';
import { modelUris } from '../explorer/runCommands';
import { readSettings } from '../config';
import { toTrackingError } from '../core/errors';
import type { Connection } from '../connection/connection';
import { redact } from '../log';
import type { Services } from '../services';
import { detectDefaultStore } from '../tracking/uri';
import { isNode, type Node } from '../explorer/nodes';
import type { ModelNode } from '../explorer/modelsProvider';
import { checkDocker, waitForHttp } from './dockerCheck';
import { DeletedExperiment, DeletedRun, describeGcPlan, planGc } from './gcPlan';
import { MlflowCli } from './mlflowCli';
import { pickModel } from './modelPicker';
import { OptionValues, knownOptions, rememberable } from './optionForm';
import { FormExtra, showOptionsForm } from './optionsUi';
import { waitPortFree } from './processTree';
import { prompter } from '../core/prompter';
import { RunningServer, Servers, exampleRequest, requestFromChosenFile, showAnswer } from './servers';
import { RunningTask, TaskRunner } from './taskRunner';
import { backendStoreOf, trackingContextFor } from './trackingEnv';
import { defaultPredictionsPath, shortTarget, slotName } from './text';

export interface CommandResult {
  status: 'started' | 'done' | 'failed' | 'cancelled' | 'blocked';
  message?: string;
  command?: CliCommand;
  warnings?: CliIssue[];
  exitCode?: number;
  /** serve / ui */
  url?: string;
  port?: number;
  serverId?: string;
  ready?: boolean;
  /** The terminal (task) the command runs in. */
  terminalName?: string;
  /** predict / generate-dockerfile */
  outputPath?: string;
  /** gc */
  plan?: ReturnType<typeof planGc>;
  /** stop: nothing answers on the port any more */
  portFree?: boolean;
}

export interface CommandArgs {
  modelUri?: string;
  options?: OptionValues;
  noPrompt?: boolean;
  connKey?: string;
  /** gc: skip the modal confirmation (with noPrompt). */
  confirmed?: boolean;
  /** serve/ui: how long to wait for the server (default 15 min: the first run may build an environment). */
  readyTimeoutMs?: number;
  /** ui: open the browser once it answers (default true). */
  openBrowser?: boolean;
  /** build-docker: skip the Docker engine check. */
  skipDockerCheck?: boolean;
  [key: string]: unknown;
}

interface Prepared {
  invocation: MlflowInvocation;
  version: MlflowVersion;
  conn?: Connection;
  ctx: BuildContext;
}

const STATE_OPTIONS = (c: CommandId) => `mlflow.models.options.${c}`;
const STATE_MODEL = 'mlflow.models.lastModel';
const STATE_INPUT = 'mlflow.models.lastPredictInput';

class Cancelled extends Error {}

export class ModelCommands implements vscode.Disposable {
  readonly cli: MlflowCli;
  readonly runner: TaskRunner;
  readonly servers = new Servers();

  constructor(private readonly s: Services) {
    this.cli = new MlflowCli(s.log);
    this.runner = new TaskRunner(s.log);
  }

  dispose(): void {
    this.cli.dispose();
    this.runner.dispose();
    this.servers.dispose();
  }

  // ---- shared steps --------------------------------------------------------------------------------

  /** Runs a flow; failures end in one message and a result object (for callers such as tests). */
  async guard(id: string, fn: () => Promise<CommandResult>): Promise<CommandResult> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Cancelled) return { status: 'cancelled' };
      const err = toTrackingError(e);
      this.s.log.error(`[models] ${id} failed: ${redact(err.userMessage)}`);
      void prompter()
        .notify('error', `MLflow: ${err.userMessage}`, { id: `${id}.error` }, 'Show Log')
        .then((p) => {
          if (p === 'Show Log') this.s.log.show();
        });
      return { status: 'failed', message: err.userMessage };
    }
  }

  private trusted(title: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void prompter()
      .notify('warning', `MLflow: ${title} runs the mlflow command line chosen by this workspace's settings and Python environment, so it is disabled until you trust this workspace.`, { id: 'untrusted' }, 'Manage Workspace Trust')
      .then((p) => {
        if (p) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  private connFor(args: CommandArgs, node?: { conn?: Connection }): Connection | undefined {
    if (node?.conn) return node.conn;
    if (args.connKey) return this.s.connections.get(args.connKey);
    return this.s.connections.active();
  }

  /** Which mlflow, which version, and the environment for the connection. undefined: explained to the user. */
  private async prepare(title: string, conn: Connection | undefined): Promise<Prepared | undefined> {
    if (!this.trusted(title)) return undefined;
    const scope = conn?.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MLflow: finding the mlflow command line…' }, () => this.cli.discover(scope));
    if (!found.ok) {
      void this.cli.explain(found.problem, (argv) => this.install(argv));
      return undefined;
    }
    if (conn && conn.state.name === 'idle') await conn.connect().catch(() => undefined);
    const resolved = conn?.resolved;
    const creds = resolved?.kind === 'rest' ? await this.s.credentials.get(resolved.uri) : undefined;
    const settings = readSettings(scope);
    const tracking = trackingContextFor(resolved, creds, { caFile: settings.caFile || undefined, insecure: settings.insecure });
    const cwd = conn?.folder?.uri.scheme === 'file' ? conn.folder.uri.fsPath : vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    // as in a terminal where the environment is activated (MLflow starts uvicorn/gunicorn by bare name)
    const extraEnv = activationEnv(found.environment, process.env, process.platform);
    return { invocation: found.invocation, version: found.version, conn, ctx: { invocation: found.invocation, version: found.version, tracking, cwd, extraEnv } };
  }

  private async install(argv: string[]): Promise<void> {
    const [executable, ...args] = argv;
    const env = activationEnv(await detectEnvironment(executable, { fs: nodeDiscoveryFs, platform: process.platform }), process.env, process.platform);
    const t = await this.runner.run({ executable, args, env, title: 'installing MLflow' }, { action: 'install', slot: this.runner.freeSlot(slotName('install')) });
    await t.exited;
  }

  private remembered(command: CommandId): OptionValues {
    return this.s.context.workspaceState.get<OptionValues>(STATE_OPTIONS(command), {});
  }

  private async remember(command: CommandId, values: OptionValues, modelUri?: string): Promise<void> {
    await this.s.context.workspaceState.update(STATE_OPTIONS(command), rememberable(command, values));
    if (modelUri) await this.s.context.workspaceState.update(STATE_MODEL, modelUri);
  }

  /** Builder options from the argument: `options` plus any top-level key that is an option of the command. */
  private optionsFrom(command: CommandId, args: CommandArgs): OptionValues {
    const keys = new Set(COMMAND_OPTIONS[command].map((s) => s.key));
    const out: OptionValues = { ...(args.options ?? {}) };
    for (const [k, v] of Object.entries(args)) if (keys.has(k) && v !== undefined && !(k in out)) out[k] = v;
    return out;
  }

  /** Splits a command argument into (options, node). */
  private parseArg(arg: unknown): { args: CommandArgs; node?: Node | ModelNode } {
    if (arg && typeof arg === 'object' && 'type' in arg && 'conn' in arg) return { args: {}, node: arg as Node | ModelNode };
    if (typeof arg === 'string') return { args: { modelUri: arg } };
    return { args: (arg && typeof arg === 'object' ? arg : {}) as CommandArgs };
  }

  /** The model URI of a tree node (asks when the node has several, e.g. a registered model). */
  private async modelFromNode(node: Node | ModelNode, noPrompt: boolean, title: string): Promise<string | undefined> {
    let choices: { uri: string; detail: string }[];
    if (isNode(node, 'run')) {
      choices = modelUris(node.run).map((uri) => ({ uri, detail: uri.startsWith('models:/') ? 'logged model' : 'run artifact' }));
    } else {
      choices = await modelUriChoices(node);
    }
    if (choices.length <= 1 || noPrompt) return choices[0]?.uri;
    const pick = await prompter().pick(choices.map((c) => ({ label: c.uri, description: c.detail })), { id: 'model.fromNode', title });
    if (!pick) throw new Cancelled();
    return pick.label;
  }

  private async modelUriFor(args: CommandArgs, node: Node | ModelNode | undefined, conn: Connection | undefined, title: string, optional = false): Promise<string | undefined> {
    if (typeof args.modelUri === 'string' && args.modelUri.trim()) return args.modelUri.trim();
    if (node) {
      const uri = await this.modelFromNode(node, !!args.noPrompt, title);
      if (uri) return uri;
    }
    if (args.noPrompt) {
      if (optional) return undefined;
      throw toTrackingError(new Error(`${title} needs a model URI.`));
    }
    const uri = await pickModel(conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: this.s.context.workspaceState.get<string>(STATE_MODEL) });
    if (!uri) throw new Cancelled();
    return uri;
  }

  /** Errors → message; warnings → modal "Run anyway" (unless noPrompt). Returns the command or undefined. */
  private async accept(built: BuildResult, args: CommandArgs, id: string, title: string): Promise<CliCommand | undefined> {
    for (const w of built.warnings) this.s.log.info(`[models] ${id}: ${w.severity} ${w.code}: ${w.message}`);
    if (!built.ok) {
      const msg = built.errors.map((e) => e.message).join(' ');
      void prompter().notify('error', `MLflow: ${msg}`, { id: `${id}.invalid` });
      return undefined;
    }
    const warnings = built.warnings.filter((w) => w.severity === 'warning');
    if (warnings.length && !args.noPrompt) {
      const go = await prompter().confirm(`${title}: please check before running.`, { id: `${id}.warnings`, detail: warnings.map((w) => `• ${w.message}`).join('\n') }, 'Run Anyway');
      if (go !== 'Run Anyway') throw new Cancelled();
    }
    return built.command;
  }

  // ---- serve ---------------------------------------------------------------------------------------

  async serve(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    const title = COMMAND_TITLES.serve;
    const conn = this.connFor(args, node);
    const prep = await this.prepare(title, conn);
    if (!prep) return { status: 'blocked' };
    let modelUri = await this.modelUriFor(args, node, conn, title);
    const values: OptionValues = { ...knownOptions('serve', this.remembered('serve'), prep.version), ...this.optionsFrom('serve', args) };
    const autoPort = values.port === undefined || values.port === '';
    const build = (v: OptionValues) => buildServeCommand({ ...prep.ctx, ...(v as object), modelUri: modelUri!, port: v.port ?? 5000 } as Parameters<typeof buildServeCommand>[0]);
    if (!args.noPrompt) {
      for (;;) {
        const extras: FormExtra[] = [{ id: 'model', label: `$(package) Model`, description: modelUri, detail: 'Choose another model' }];
        const r = await showOptionsForm({ id: 'serve.form', command: 'serve', title: `${title}: ${shortTarget(modelUri!, 60)}`, runLabel: 'Serve', values, version: prep.version, autoText: { port: 'a free port' }, extras, build });
        if (!r) throw new Cancelled();
        if (r.action === 'run') break;
        modelUri = (await pickModel(conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: modelUri })) ?? modelUri;
      }
    }
    const host = typeof values.host === 'string' && values.host ? values.host : '127.0.0.1';
    const port = autoPort && (values.port === undefined || values.port === '') ? await findFreePort({ host: host === '0.0.0.0' ? '127.0.0.1' : host, preferred: 5001 }) : Number(values.port);
    const cmd = await this.accept(build({ ...values, port }), args, 'serve', title);
    if (!cmd) return { status: 'failed', message: 'invalid options' };
    await this.remember('serve', values, modelUri);
    const slot = this.runner.freeSlot(slotName('serve', modelUri, port));
    const task = await this.runner.run(cmd, { action: 'serve', slot });
    const url = localUrlFor(host, port);
    const server = this.servers.add({ kind: 'model', target: modelUri!, url, port, task, conn, cwd: prep.ctx.cwd });
    const ready = await this.waitReady(server, args.readyTimeoutMs ?? 15 * 60_000, false);
    return { status: 'started', command: cmd, url, port, serverId: server.id, ready, terminalName: slot };
  }

  /** Waits for /ping (model) or any answer (UI) with a cancellable progress notification; then offers the next steps. */
  private async waitReady(server: RunningServer, timeoutMs: number, ui: boolean, openBrowser = true): Promise<boolean> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: ui ? `MLflow UI: starting on ${server.url}…` : `Serving ${shortTarget(server.target, 50)}: waiting for ${server.url}/ping (the first run may build the model's environment)…` },
      async (_p, token) => {
        const ctl = new AbortController();
        token.onCancellationRequested(() => ctl.abort());
        const isAlive = () => server.task.running;
        return ui ? waitForHttp(`${server.url}/health`, { timeoutMs, isAlive, signal: ctl.signal }) : waitForPing(server.url, { timeoutMs, isAlive, signal: ctl.signal });
      },
    );
    if (!result.ok) {
      if (result.reason === 'timeout') {
        void prompter()
          .notify('warning', `MLflow: ${server.url} did not answer within ${Math.round(timeoutMs / 1000)} s. The terminal shows what MLflow is doing.`, { id: 'serve.timeout' }, 'Show Terminal', 'Stop')
          .then((p) => {
            if (p === 'Stop') void this.stopServer({ serverId: server.id });
            else if (p) server.task.terminal()?.show();
          });
      }
      return false;
    }
    this.servers.markReady(server);
    this.s.log.info(`[models] ${server.kind === 'ui' ? 'MLflow UI' : 'model server'} ready at ${server.url}`);
    if (ui) {
      if (openBrowser) await vscode.env.openExternal(vscode.Uri.parse(server.url));
      void prompter()
        .notify('info', `MLflow UI for ${server.target} is running at ${server.url}.`, { id: 'ui.ready' }, 'Open in Browser', 'Stop')
        .then((p) => {
          if (p === 'Stop') void this.stopServer({ serverId: server.id });
          else if (p) void vscode.env.openExternal(vscode.Uri.parse(server.url));
        });
    } else {
      void prompter()
        .notify('info', `MLflow: ${shortTarget(server.target, 60)} is being served at ${server.url}.`, { id: 'serve.ready' }, 'Send Test Request', 'Stop')
        .then((p) => {
          if (p === 'Send Test Request') return vscode.commands.executeCommand('mlflow.sendTestRequest', { serverId: server.id });
          if (p === 'Stop') return this.stopServer({ serverId: server.id });
          return undefined;
        });
    }
    return true;
  }

  async sendTestRequest(arg?: unknown): Promise<CommandResult & { answer?: unknown; source?: string; document?: vscode.TextDocument }> {
    const a = (arg ?? {}) as { file?: string; serverId?: string; port?: number };
    const server = await this.servers.choose(arg, 'model', 'Send a test request to which model server?');
    if (!server) {
      void prompter().notify('info', 'MLflow: no model server is running. Start one with "MLflow: Serve Model".', { id: 'sendTest.none' });
      return { status: 'blocked' };
    }
    let req = a.file ? undefined : await exampleRequest(server.target, server.conn, server.cwd, this.s.log);
    let source = req?.request?.source as string | undefined;
    if (!req?.request) {
      const chosen = await requestFromChosenFile(req?.note, a.file);
      if (!chosen) return { status: 'cancelled' };
      if (chosen.note) this.s.log.warn(`[serve] ${chosen.note}`);
      req = chosen;
      source = path.basename(chosen.file);
    }
    const answer = await invokeModel(server.url, req.request!);
    this.s.log.info(`[serve] POST ${server.url}/invocations (${source}) → HTTP ${answer.status}`);
    const document = await showAnswer(server, req.request!, answer, source ?? 'request');
    return { status: 'done', url: server.url, answer, source, document };
  }

  async stopServer(arg?: unknown): Promise<CommandResult> {
    const server = await this.servers.choose(arg, undefined, 'Stop which server?');
    if (!server) return { status: 'blocked', message: 'No server is running.' };
    await server.task.stop();
    await Promise.race([server.task.exited, new Promise((r) => setTimeout(r, 10_000))]);
    const host = new URL(server.url).hostname.replace(/^\[|\]$/g, '');
    const portFree = await waitPortFree(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, server.port, 5000);
    if (!portFree) {
      this.s.log.warn(`[models] ${server.url} still answers after Stop`);
      void prompter().notify('warning', `MLflow: stopped ${shortTarget(server.target, 60)}, but something still answers on port ${server.port}. Another process holds the port; find it with "lsof -i :${server.port}" (or "netstat -ano" on Windows) and end it.`, { id: 'stop.portBusy' });
    } else {
      vscode.window.setStatusBarMessage(`$(debug-stop) MLflow: stopped ${shortTarget(server.target, 40)}; port ${server.port} is free`, 8000);
    }
    return { status: portFree ? 'done' : 'failed', url: server.url, port: server.port, portFree };
  }

  // ---- predict -------------------------------------------------------------------------------------

  private async pickInputFile(id: string, recent?: string): Promise<string | undefined> {
    type Item = vscode.QuickPickItem & { file?: string; browse?: boolean };
    const load = async (): Promise<Item[]> => {
      const files = vscode.workspace.workspaceFolders?.length ? await vscode.workspace.findFiles('**/*.{csv,json}', '**/{node_modules,.git,mlruns,mlartifacts,.venv,venv,.vscode}/**', 300) : [];
      const items: Item[] = [{ label: '$(folder-opened) Browse…', browse: true }];
      if (recent && fs.existsSync(recent)) items.push({ label: `$(history) ${vscode.workspace.asRelativePath(recent)}`, file: recent, description: 'last used' });
      for (const f of files.sort((x, y) => x.fsPath.localeCompare(y.fsPath))) {
        if (/\.predictions\.json$/i.test(f.fsPath)) continue;
        items.push({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, file: f.fsPath, description: /\.csv$/i.test(f.fsPath) ? 'CSV' : 'JSON' });
      }
      return items;
    };
    const pick = await prompter().pick(load(), { id, title: 'Predict: input file (CSV, or JSON in a scoring-server format)', matchOnDescription: true });
    if (!pick) return undefined;
    if (pick.file) return pick.file;
    const uris = await prompter().open({ id: `${id}.browse`, canSelectMany: false, filters: { 'CSV or JSON': ['csv', 'json'], 'All files': ['*'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, title: 'Input for the model' });
    return uris?.[0]?.fsPath;
  }

  async predict(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    const title = COMMAND_TITLES.predict;
    const conn = this.connFor(args, node);
    const prep = await this.prepare(title, conn);
    if (!prep) return { status: 'blocked' };
    let modelUri = await this.modelUriFor(args, node, conn, title);
    const values: OptionValues = { ...knownOptions('predict', this.remembered('predict'), prep.version), ...this.optionsFrom('predict', args) };
    const resolveIn = (p: string) => (prep.ctx.cwd && !path.isAbsolute(p) ? path.resolve(prep.ctx.cwd, p) : p);
    if (!values.inputPath && !args.noPrompt) {
      const input = await this.pickInputFile('predict.input', this.s.context.workspaceState.get<string>(STATE_INPUT));
      if (!input) throw new Cancelled();
      values.inputPath = input;
    }
    const outputFor = (input: unknown) => (typeof input === 'string' && input ? defaultPredictionsPath(resolveIn(input), path.join, path.dirname, path.basename) : undefined);
    let autoOutput = values.outputPath === undefined;
    const build = (v: OptionValues) => buildPredictCommand({ ...prep.ctx, ...(v as object), modelUri: modelUri!, outputPath: (v.outputPath as string | undefined) ?? (autoOutput ? outputFor(v.inputPath) : undefined) } as Parameters<typeof buildPredictCommand>[0]);
    if (!args.noPrompt) {
      for (;;) {
        const extras: FormExtra[] = [
          { id: 'model', label: '$(package) Model', description: modelUri, detail: 'Choose another model' },
          { id: 'input', label: '$(file) Input', description: String(values.inputPath ?? 'standard input'), detail: 'Choose another input file' },
        ];
        const r = await showOptionsForm({ id: 'predict.form', command: 'predict', title: `${title} with ${shortTarget(modelUri!, 60)}`, runLabel: 'Predict', values, version: prep.version, autoText: { outputPath: outputFor(values.inputPath) ?? 'standard output', contentType: 'from the file extension' }, extras, build });
        if (!r) throw new Cancelled();
        if (r.action === 'run') break;
        if (r.id === 'model') modelUri = (await pickModel(conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: modelUri })) ?? modelUri;
        if (r.id === 'input') values.inputPath = (await this.pickInputFile('predict.input', String(values.inputPath ?? ''))) ?? values.inputPath;
      }
    }
    if (typeof values.inputPath === 'string') values.inputPath = resolveIn(values.inputPath);
    const outputPath = (values.outputPath as string | undefined) ?? (autoOutput ? outputFor(values.inputPath) : undefined);
    autoOutput = false;
    values.outputPath = outputPath;
    const cmd = await this.accept(build(values), args, 'predict', title);
    if (!cmd) return { status: 'failed', message: 'invalid options' };
    await this.remember('predict', values, modelUri);
    if (typeof values.inputPath === 'string') await this.s.context.workspaceState.update(STATE_INPUT, values.inputPath);
    if (outputPath) await fs.promises.rm(outputPath, { force: true }).catch(() => undefined);
    const task = await this.runner.run(cmd, { action: 'predict', slot: this.runner.freeSlot(slotName('predict')) });
    const exitCode = await task.exited;
    if (exitCode === 0 && outputPath && fs.existsSync(outputPath)) {
      await vscode.window.showTextDocument(vscode.Uri.file(outputPath), { preview: false });
    }
    return { status: exitCode === 0 ? 'done' : 'failed', command: cmd, exitCode, outputPath, terminalName: task.slot };
  }

  // ---- docker --------------------------------------------------------------------------------------

  async buildDocker(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    const title = COMMAND_TITLES['build-docker'];
    const conn = this.connFor(args, node);
    if (!this.trusted(title)) return { status: 'blocked' };
    if (!args.skipDockerCheck) {
      const docker = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MLflow: checking the Docker engine…' }, () => checkDocker());
      if (!docker.ok) {
        this.s.log.warn(`[docker] ${docker.message}${docker.detail ? `\n${docker.detail}` : ''}`);
        // "Generate Dockerfile Instead" needs MLflow: offer it only when MLflow is there, else what gets MLflow.
        const cli = await this.cli.discover(conn?.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri);
        if (!cli.ok) {
          void this.cli.explain({ ...cli.problem, message: `${docker.message} ${cli.problem.message}` }, (argv) => this.install(argv));
          return { status: 'blocked', message: docker.message };
        }
        void prompter()
          .notify('error', `MLflow: ${docker.message}`, { id: 'docker.unavailable' }, 'Generate Dockerfile Instead', 'Show Log')
          .then((p) => {
            if (p === 'Show Log') this.s.log.show();
            else if (p) void vscode.commands.executeCommand('mlflow.generateDockerfile', arg);
          });
        return { status: 'blocked', message: docker.message };
      }
      this.s.log.info(`[docker] engine ${docker.version ?? ''} answers (via ${docker.via})`);
    }
    return this.dockerLike('build-docker', args, node, conn);
  }

  async generateDockerfile(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    return this.dockerLike('generate-dockerfile', args, node, this.connFor(args, node));
  }

  private async dockerLike(command: 'build-docker' | 'generate-dockerfile', args: CommandArgs, node: Node | ModelNode | undefined, conn: Connection | undefined): Promise<CommandResult> {
    const title = COMMAND_TITLES[command];
    const prep = await this.prepare(title, conn);
    if (!prep) return { status: 'blocked' };
    let modelUri = await this.modelUriFor(args, node, conn, title, true);
    const values: OptionValues = { ...knownOptions(command, this.remembered(command), prep.version), ...this.optionsFrom(command, args) };
    const build = (v: OptionValues) =>
      command === 'build-docker'
        ? buildBuildDockerCommand({ ...prep.ctx, ...(v as object), modelUri } as Parameters<typeof buildBuildDockerCommand>[0])
        : buildGenerateDockerfileCommand({ ...prep.ctx, ...(v as object), modelUri } as Parameters<typeof buildGenerateDockerfileCommand>[0]);
    if (!args.noPrompt) {
      for (;;) {
        const extras: FormExtra[] = [{ id: 'model', label: '$(package) Model', description: modelUri ?? '(none: mount one at /opt/ml/model)', detail: 'Choose another model' }];
        const r = await showOptionsForm({ id: `${command}.form`, command, title: `${title}${modelUri ? `: ${shortTarget(modelUri, 60)}` : ''}`, runLabel: command === 'build-docker' ? 'Build Image' : 'Generate Dockerfile', values, version: prep.version, extras, build });
        if (!r) throw new Cancelled();
        if (r.action === 'run') break;
        modelUri = (await pickModel(conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: modelUri })) ?? modelUri;
      }
    }
    const cmd = await this.accept(build(values), args, command, title);
    if (!cmd) return { status: 'failed', message: 'invalid options' };
    await this.remember(command, values, modelUri);
    const task = await this.runner.run(cmd, { action: command, slot: this.runner.freeSlot(slotName(command)) });
    const exitCode = await task.exited;
    if (exitCode !== 0) return { status: 'failed', command: cmd, exitCode, terminalName: task.slot };
    if (command === 'generate-dockerfile') {
      const dir = String(values.outputDirectory ?? 'mlflow-dockerfile');
      const outDir = prep.ctx.cwd && !path.isAbsolute(dir) ? path.resolve(prep.ctx.cwd, dir) : dir;
      const dockerfile = path.join(outDir, 'Dockerfile');
      if (fs.existsSync(dockerfile)) await vscode.window.showTextDocument(vscode.Uri.file(dockerfile), { preview: false });
      return { status: 'done', command: cmd, exitCode, outputPath: dockerfile, terminalName: task.slot };
    }
    const name = String(values.name ?? 'mlflow-pyfunc-servable');
    const run = `docker run --rm -p 5002:8080 ${name}`;
    void prompter()
      .notify('info', `MLflow: built the Docker image ${name}. It serves the model on port 8080: ${run}`, { id: 'docker.built' }, 'Copy docker run')
      .then((p) => {
        if (p) void vscode.env.clipboard.writeText(run);
      });
    return { status: 'done', command: cmd, exitCode, terminalName: task.slot };
  }

  // ---- gc ------------------------------------------------------------------------------------------

  async gc(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    const title = COMMAND_TITLES.gc;
    const conn = this.connFor(args, node);
    const prep = await this.prepare(title, conn);
    if (!prep) return { status: 'blocked' };
    if (!conn) {
      void prompter().notify('error', 'MLflow: Garbage collection needs a connected tracking store (an mlruns folder or a SQLite database).', { id: 'gc.noStore' });
      return { status: 'blocked' };
    }
    const resolved = conn.resolved;
    const values: OptionValues = { ...knownOptions('gc', this.remembered('gc'), prep.version), ...this.optionsFrom('gc', args) };
    delete values.backendStoreUri;
    Object.assign(values, this.optionsFrom('gc', args));
    if (!values.backendStoreUri) values.backendStoreUri = backendStoreOf(resolved);
    const suggestions = (prep.ctx.cwd ? [detectDefaultStore(prep.ctx.cwd, { exists: fs.existsSync, listDir: (p) => { try { return fs.readdirSync(p); } catch { return []; } } })?.uri] : []).filter((x): x is string => !!x);
    if (!values.backendStoreUri) {
      const why = `mlflow gc deletes data directly in a backend store (an mlruns folder or a SQL database). This window is connected to the tracking server ${resolved?.display ?? resolved?.uri ?? ''}, which gc cannot purge through.`;
      if (args.noPrompt) {
        void prompter().notify('error', `MLflow: ${why} Give the server's --backend-store-uri.`, { id: 'gc.http' });
        return { status: 'blocked', message: why };
      }
      const pick = await prompter().confirm(why, { id: 'gc.http', detail: 'Enter the --backend-store-uri the server was started with (e.g. sqlite:////srv/mlflow/mlflow.db or file:///srv/mlflow/mlruns). The list of deleted runs below still comes from the server.' }, 'Enter Backend Store URI…');
      if (!pick) throw new Cancelled();
      const uri = await prompter().input({ id: 'gc.backendStoreUri', title: 'Backend store of the tracking server', value: suggestions[0] ?? '', placeHolder: 'sqlite:////abs/mlflow.db or file:///abs/mlruns', validateInput: (t) => (/^https?:/i.test(t.trim()) ? 'Not the server URL: the database or folder the server stores its data in.' : t.trim() ? undefined : 'Enter a URI.') });
      if (!uri) throw new Cancelled();
      values.backendStoreUri = uri.trim();
    }

    // What is in the deleted state, from the store.
    const store = await conn.store();
    const loaded = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MLflow: listing deleted runs and experiments…' }, async () => {
      const deletedExps: DeletedExperiment[] = [];
      let token: string | undefined;
      do {
        const page = await store.searchExperiments({ viewType: 'DELETED_ONLY', maxResults: 1000, pageToken: token });
        for (const e of page.items) deletedExps.push({ experimentId: e.experimentId, name: e.name, lastUpdateTime: e.lastUpdateTime });
        token = page.nextPageToken;
      } while (token && deletedExps.length < 10_000);
      const active = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 1000 })).items;
      const names = new Map([...active.map((e) => [e.experimentId, e.name] as const), ...deletedExps.map((e) => [e.experimentId, e.name] as const)]);
      const runs: DeletedRun[] = [];
      if (active.length) {
        token = undefined;
        do {
          const page = await store.searchRuns({ experimentIds: active.map((e) => e.experimentId), runViewType: 'DELETED_ONLY', maxResults: 1000, pageToken: token });
          for (const r of page.items) runs.push({ runId: r.info.runId, name: r.info.runName, experimentId: r.info.experimentId, experimentName: names.get(r.info.experimentId), time: r.info.endTime ?? r.info.startTime });
          token = page.nextPageToken;
        } while (token && runs.length < 10_000);
      }
      for (const e of deletedExps) {
        try {
          e.runCount = (await store.searchRuns({ experimentIds: [e.experimentId], runViewType: 'ALL', maxResults: 1000 })).items.length || undefined;
        } catch {
          e.runCount = undefined;
        }
      }
      return { deletedExps, runs };
    });

    // Which of them.
    let runIds = toList(args.runIds ?? values.runIds);
    let experimentIds = toList(args.experimentIds ?? values.experimentIds);
    if (node && isNode(node, 'run') && node.run.info.lifecycleStage === 'deleted') runIds = [node.run.info.runId];
    if (node && isNode(node, 'experiment') && node.experiment.lifecycleStage === 'deleted') experimentIds = [node.experiment.experimentId];
    if (!runIds && !experimentIds && !args.noPrompt) {
      const { deletedExps, runs } = loaded;
      if (!deletedExps.length && !runs.length) {
        void prompter().notify('info', `MLflow: nothing to purge: ${resolved?.display ?? 'the store'} has no deleted runs or experiments.`, { id: 'gc.nothing' });
        return { status: 'done', message: 'nothing to purge' };
      }
      const scope = await prompter().pick(
        [
          { label: '$(trash) Everything in the deleted state', description: `${runs.length} run${runs.length === 1 ? '' : 's'}, ${deletedExps.length} experiment${deletedExps.length === 1 ? '' : 's'}`, id: 'all' },
          ...(runs.length ? [{ label: '$(list-selection) Choose deleted runs…', description: '', id: 'runs' }] : []),
          ...(deletedExps.length ? [{ label: '$(list-selection) Choose deleted experiments…', description: '', id: 'exps' }] : []),
        ],
        { id: 'gc.scope', title: `${title}: what to purge from ${resolved?.display ?? values.backendStoreUri}` },
      );
      if (!scope) throw new Cancelled();
      if (scope.id === 'runs') {
        const picked = await prompter().pickMany(runs.map((r) => ({ label: r.name || r.runId, description: r.runId, detail: r.experimentName, id: r.runId })), { id: 'gc.runs', title: 'Deleted runs to purge', matchOnDescription: true });
        if (!picked?.length) throw new Cancelled();
        runIds = picked.map((p) => p.id);
      } else if (scope.id === 'exps') {
        const picked = await prompter().pickMany(deletedExps.map((e) => ({ label: e.name, description: e.experimentId, detail: e.runCount ? `${e.runCount} runs` : undefined, id: e.experimentId })), { id: 'gc.experiments', title: 'Deleted experiments to purge (with all their runs)' });
        if (!picked?.length) throw new Cancelled();
        experimentIds = picked.map((p) => p.id);
      }
    }
    const build = (v: OptionValues) => {
      const plan = planGc(loaded.deletedExps, loaded.runs, { runIds, experimentIds, olderThan: typeof v.olderThan === 'string' ? v.olderThan : undefined });
      return buildGcCommand({ ...prep.ctx, ...(v as object), runIds: plan.runIds, experimentIds: plan.experimentIds, deletedExperimentIds: loaded.deletedExps.map((e) => e.experimentId), suggestedStores: suggestions } as Parameters<typeof buildGcCommand>[0]);
    };
    if (!args.noPrompt) {
      const r = await showOptionsForm({ id: 'gc.form', command: 'gc', title: `${title}: ${values.backendStoreUri}`, runLabel: 'Review and Purge…', values, version: prep.version, build });
      if (!r || r.action !== 'run') throw new Cancelled();
    }
    const plan = planGc(loaded.deletedExps, loaded.runs, { runIds, experimentIds, olderThan: typeof values.olderThan === 'string' ? values.olderThan : undefined });
    if (plan.nothing) {
      void prompter().notify('info', 'MLflow: nothing matches: no deleted run or experiment would be purged.', { id: 'gc.nothing' });
      return { status: 'done', message: 'nothing to purge', plan };
    }
    const built = build(values);
    const cmd = await this.accept(built, { ...args, noPrompt: true }, 'gc', title);
    if (!cmd) return { status: 'failed', message: 'invalid options', plan };
    if (!(args.noPrompt && args.confirmed)) {
      const text = describeGcPlan(plan, String(values.backendStoreUri));
      const extra = built.warnings.filter((w) => w.severity === 'warning' && w.code !== 'gc-run-ids-purges-experiments').map((w) => w.message);
      const ok = await prompter().confirm(text.message, { id: 'gc.confirm', detail: [text.detail, ...extra].filter(Boolean).join('\n\n') }, 'Delete Permanently');
      if (ok !== 'Delete Permanently') throw new Cancelled();
    }
    await this.remember('gc', values);
    const task = await this.runner.run(cmd, { action: 'gc', slot: this.runner.freeSlot(slotName('gc')) });
    const exitCode = await task.exited;
    if (exitCode === 0) {
      this.s.experiments.refresh();
      vscode.window.setStatusBarMessage(`$(trash) MLflow: purged ${plan.runs.length} run(s) and ${plan.experiments.length} experiment(s)`, 8000);
    }
    return { status: exitCode === 0 ? 'done' : 'failed', command: cmd, exitCode, plan, warnings: built.warnings, terminalName: task.slot };
  }

  // ---- ui ------------------------------------------------------------------------------------------

  async startUi(arg?: unknown): Promise<CommandResult> {
    const { args, node } = this.parseArg(arg);
    const title = COMMAND_TITLES.ui;
    const conn = this.connFor(args, node);
    const resolved = conn?.resolved;
    if (resolved?.kind === 'rest') {
      const url = resolved.url ?? resolved.uri;
      void prompter()
        .notify('info', `MLflow: this window is connected to the tracking server ${url}, which has its own UI.`, { id: 'ui.rest' }, 'Open in Browser')
        .then((p) => {
          if (p) void vscode.env.openExternal(vscode.Uri.parse(url));
        });
      return { status: 'blocked', url };
    }
    const backend = (args.options?.backendStoreUri as string | undefined) ?? (args.backendStoreUri as string | undefined) ?? backendStoreOf(resolved);
    if (!backend) {
      void prompter().notify('error', 'MLflow: no local tracking store is connected (an mlruns folder or a SQLite database) to start the MLflow UI for.', { id: 'ui.noStore' }, 'Set Tracking URI').then((p) => {
        if (p) void vscode.commands.executeCommand('mlflow.setTrackingUri');
      });
      return { status: 'blocked' };
    }
    const running = this.servers.all('ui').find((s) => s.target === backend);
    if (running && args.openBrowser !== false) {
      await vscode.env.openExternal(vscode.Uri.parse(running.url));
      return { status: 'done', url: running.url, port: running.port, serverId: running.id, ready: running.ready };
    }
    const prep = await this.prepare(title, conn);
    if (!prep) return { status: 'blocked' };
    const values: OptionValues = { ...knownOptions('ui', this.remembered('ui'), prep.version), ...this.optionsFrom('ui', args), backendStoreUri: backend };
    const autoPort = values.port === undefined || values.port === '';
    const ctx = { ...prep.ctx, tracking: undefined, subcommand: 'ui' as const };
    const build = (v: OptionValues) => buildServerCommand({ ...ctx, ...(v as object), port: v.port ?? 5000 } as Parameters<typeof buildServerCommand>[0]);
    if (!args.noPrompt) {
      const r = await showOptionsForm({ id: 'ui.form', command: 'ui', title: `${title}: ${resolved?.display ?? backend}`, runLabel: 'Start MLflow UI', values, version: prep.version, autoText: { port: 'a free port' }, build });
      if (!r || r.action !== 'run') throw new Cancelled();
    }
    const host = typeof values.host === 'string' && values.host ? values.host : '127.0.0.1';
    const port = autoPort && (values.port === undefined || values.port === '') ? await findFreePort({ host: host === '0.0.0.0' ? '127.0.0.1' : host, preferred: 5000 }) : Number(values.port);
    const cmd = await this.accept(build({ ...values, port }), args, 'ui', title);
    if (!cmd) return { status: 'failed', message: 'invalid options' };
    await this.remember('ui', values);
    const task = await this.runner.run(cmd, { action: 'ui', slot: this.runner.freeSlot(slotName('ui', backend, port)) });
    const url = localUrlFor(host, port);
    const server = this.servers.add({ kind: 'ui', target: backend, url, port, task, conn, cwd: prep.ctx.cwd });
    const ready = await this.waitReady(server, args.readyTimeoutMs ?? 120_000, true, args.openBrowser !== false);
    return { status: 'started', command: cmd, url, port, serverId: server.id, ready, terminalName: task.slot };
  }
}

function toList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.map(String).filter(Boolean);
  return undefined;
}

export type { RunningTask };

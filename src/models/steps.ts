// The steps every model command shares: which mlflow and environment (prepare), workspace trust, the
// connection, the model URI, remembered options, and accepting a built command (errors, warnings).
import * as vscode from 'vscode';
import { modelUriChoices } from '../explorer/modelViewCommands';
import type { BuildContext, BuildResult, CliCommand, MlflowInvocation } from '../cli/commands';
import { activationEnv, detectEnvironment } from '../cli/activation';
import { nodeDiscoveryFs } from '../cli/discovery';
import type { CommandId } from '../cli/options';
import type { MlflowVersion } from '../cli/version';
import { CancelledByUser } from '../core/command';
import { modelUris } from '../explorer/runCommands';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import { toTrackingError } from '../core/errors';
import type { Services } from '../services';
import { isNode } from '../explorer/nodes';
import type { CommandArgs, CommandTarget } from './commandArgs';
import { MlflowCli } from './mlflowCli';
import { pickModel } from './modelPicker';
import { OptionValues, knownOptions, rememberable } from './optionForm';
import { Servers } from './servers';
import { TaskRunner } from './taskRunner';
import { trackingContextFor } from './trackingEnv';
import { slotName } from './text';

export interface Prepared {
  invocation: MlflowInvocation;
  version: MlflowVersion;
  conn?: Connection;
  ctx: BuildContext;
}

const STATE_OPTIONS = (c: CommandId) => `mlflow.models.options.${c}`;
const STATE_MODEL = 'mlflow.models.lastModel';

export class ModelSteps implements vscode.Disposable {
  readonly cli: MlflowCli;
  readonly runner: TaskRunner;
  readonly servers: Servers;

  constructor(readonly s: Services) {
    this.cli = new MlflowCli(s.log, s.prompter);
    this.runner = new TaskRunner(s.log, s.prompter);
    this.servers = new Servers(s.prompter);
  }

  get ui(): Services['prompter'] {
    return this.s.prompter;
  }

  dispose(): void {
    this.cli.dispose();
    this.runner.dispose();
    this.servers.dispose();
  }

  /** False (and says why, with a way out) in an untrusted workspace. */
  trusted(title: string): boolean {
    if (vscode.workspace.isTrusted) return true;
    void this.ui
      .notify('warning', `MLflow: ${title} runs the mlflow command line chosen by this workspace's settings and Python environment, so it is disabled until you trust this workspace.`, { id: 'untrusted' }, 'Manage Workspace Trust')
      .then((p) => {
        if (p) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  connFor(args: CommandArgs, node?: { conn?: Connection }): Connection | undefined {
    if (node?.conn) return node.conn;
    if (args.connKey) return this.s.connections.get(args.connKey);
    return this.s.connections.active();
  }

  /** Which mlflow, which version, and the environment for the connection. undefined: explained to the user. */
  async prepare(title: string, conn: Connection | undefined): Promise<Prepared | undefined> {
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

  async install(argv: string[]): Promise<void> {
    const [executable, ...args] = argv;
    const env = activationEnv(await detectEnvironment(executable, { fs: nodeDiscoveryFs, platform: process.platform }), process.env, process.platform);
    const t = await this.runner.run({ executable, args, env, title: 'installing MLflow' }, { action: 'install', slot: this.runner.freeSlot(slotName('install')) });
    await t.exited;
  }

  /** The options remembered for the command in this workspace, less any the detected version lacks. */
  remembered(command: CommandId, version: MlflowVersion): OptionValues {
    return knownOptions(command, this.s.context.workspaceState.get<OptionValues>(STATE_OPTIONS(command), {}), version);
  }

  async remember(command: CommandId, values: OptionValues, modelUri?: string): Promise<void> {
    await this.s.context.workspaceState.update(STATE_OPTIONS(command), rememberable(command, values));
    if (modelUri) await this.s.context.workspaceState.update(STATE_MODEL, modelUri);
  }

  /** The model URI of a tree node (asks when the node has several, e.g. a registered model). */
  private async modelFromNode(node: CommandTarget, noPrompt: boolean, title: string): Promise<string | undefined> {
    let choices: { uri: string; detail: string }[];
    if (isNode(node, 'run')) {
      choices = modelUris(node.run).map((uri) => ({ uri, detail: uri.startsWith('models:/') ? 'logged model' : 'run artifact' }));
    } else {
      choices = await modelUriChoices(node);
    }
    if (choices.length <= 1 || noPrompt) return choices[0]?.uri;
    const pick = await this.ui.pick(choices.map((c) => ({ label: c.uri, description: c.detail })), { id: 'model.fromNode', title });
    if (!pick) throw new CancelledByUser();
    return pick.label;
  }

  /** The model from the argument, the node, or asked for; with `optional`, none when noPrompt gives none. */
  async modelUriFor(args: CommandArgs, node: CommandTarget | undefined, conn: Connection | undefined, title: string): Promise<string>;
  async modelUriFor(args: CommandArgs, node: CommandTarget | undefined, conn: Connection | undefined, title: string, optional: true): Promise<string | undefined>;
  async modelUriFor(args: CommandArgs, node: CommandTarget | undefined, conn: Connection | undefined, title: string, optional = false): Promise<string | undefined> {
    if (typeof args.modelUri === 'string' && args.modelUri.trim()) return args.modelUri.trim();
    if (node) {
      const uri = await this.modelFromNode(node, !!args.noPrompt, title);
      if (uri) return uri;
    }
    if (args.noPrompt) {
      if (optional) return undefined;
      throw toTrackingError(new Error(`${title} needs a model URI.`));
    }
    const uri = await pickModel(this.ui, conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: this.s.context.workspaceState.get<string>(STATE_MODEL) });
    if (!uri) throw new CancelledByUser();
    return uri;
  }

  /** "Choose another model" in a form: the chosen one, or `current` when the user backs out. */
  async otherModel<T extends string | undefined>(conn: Connection | undefined, title: string, current: T): Promise<string | T> {
    return (await pickModel(this.ui, conn, this.s.log, { id: 'model.pick', title: `${title}: which model?`, recent: current })) ?? current;
  }

  /** Errors → message; warnings → modal "Run anyway" (unless noPrompt). Returns the command or undefined. */
  async accept(built: BuildResult, args: CommandArgs, id: string, title: string): Promise<CliCommand | undefined> {
    for (const w of built.warnings) this.s.log.info(`[models] ${id}: ${w.severity} ${w.code}: ${w.message}`);
    if (!built.ok) {
      const msg = built.errors.map((e) => e.message).join(' ');
      void this.ui.notify('error', `MLflow: ${msg}`, { id: `${id}.invalid` });
      return undefined;
    }
    const warnings = built.warnings.filter((w) => w.severity === 'warning');
    if (warnings.length && !args.noPrompt) {
      const go = await this.ui.confirm(`${title}: please check before running.`, { id: `${id}.warnings`, detail: warnings.map((w) => `• ${w.message}`).join('\n') }, 'Run Anyway');
      if (go !== 'Run Anyway') throw new CancelledByUser();
    }
    return built.command;
  }
}

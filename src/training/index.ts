// MLflow: Run Script… / Run Script with Arguments… / Re-run Last Script: runs a Python file as a Task (argv,
// no shell line) in a terminal of its own, with the interpreter of the Python extension (else mlflow.cliPath's
// Python, else python3) and the explorer's tracking URI and credentials in the environment, then follows the
// runs it starts (session.ts). activate() calls registerTraining(services) once.
//
// Command argument: a file Uri (explorer, editor title, code lens), or for tests
//   { script: string, args?: string[], argLine?: string, noPrompt?: boolean, compareWithBest?: boolean }.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activationEnv, detectEnvironment } from '../cli/activation';
import { nodeDiscoveryFs } from '../cli/discovery';
import { tryQuoteForShell } from '../cli/quote';
import { registerCommand, CancelledByUser } from '../core/command';
import { readSettings } from '../config';
import type { Connection } from '../connection/connection';
import { Commands, ContextKeys, TrainingCommands } from '../ids';
import { activeInterpreter, pythonExtensionApi } from '../models/mlflowCli';
import { findTerminal, TaskRunner } from '../models/taskRunner';
import { trackingContextFor } from '../models/trackingEnv';
import type { Services } from '../services';
import { buildScriptLaunch, type BuiltLaunch } from './launch';
import { choosePython } from './python';
import { parseArgLine } from './scriptArgs';
import { scriptStore, storeNotice, type ScriptStore } from './scriptStore';
import { TrainingSession, type SessionEnd } from './session';
import { TrainingStatusItem } from './statusItem';

const STATE_ARGS = 'mlflow.training.args';
const STATE_LAST = 'mlflow.training.last';

export interface RunScriptArgs {
  script?: string;
  args?: string[];
  argLine?: string;
  noPrompt?: boolean;
  compareWithBest?: boolean;
  openPlot?: boolean;
}

export interface RunScriptResult {
  status: 'started' | 'cancelled' | 'blocked';
  message?: string;
  session?: TrainingSession;
  command?: Extract<BuiltLaunch, { ok: true }>['command'];
  python?: string;
  pythonSource?: string;
}

class Training implements vscode.Disposable {
  readonly runner: TaskRunner;
  readonly status = new TrainingStatusItem();
  readonly sessions = new Map<string, TrainingSession>();
  last?: TrainingSession;

  constructor(private readonly s: Services) {
    this.runner = new TaskRunner(s.log, s.prompter);
    const last = this.lastLaunch();
    if (last) {
      this.status.showRerun(last.script, last.argLine);
      void vscode.commands.executeCommand('setContext', ContextKeys.scriptRan, true);
    }
  }

  private argsByFile(): Record<string, string> {
    const v = this.s.context.workspaceState.get<unknown>(STATE_ARGS);
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  }

  private lastLaunch(): { script: string; argLine: string } | undefined {
    const v = this.s.context.workspaceState.get<{ script?: unknown; argLine?: unknown }>(STATE_LAST);
    return v && typeof v.script === 'string' ? { script: v.script, argLine: typeof v.argLine === 'string' ? v.argLine : '' } : undefined;
  }

  private trusted(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void this.s.prompter
      .notify('warning', 'MLflow: Run Script runs Python code of this workspace, so it is disabled until you trust this workspace.', { id: 'untrusted' }, 'Manage Workspace Trust')
      .then((p) => {
        if (p) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  /** The script to run: the argument, else the active Python editor, else one the user picks. */
  private async scriptFrom(arg: unknown): Promise<string> {
    if (arg instanceof vscode.Uri) return this.savedPath(arg);
    if (arg && typeof arg === 'object' && typeof (arg as RunScriptArgs).script === 'string') return path.resolve((arg as RunScriptArgs).script!);
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && doc.languageId === 'python') return this.savedPath(doc.uri);
    const picked = await this.s.prompter.open({ id: 'training.pickScript', canSelectMany: false, filters: { Python: ['py'] }, openLabel: 'Run as MLflow Run', title: 'MLflow: Run Script' });
    if (!picked?.length) throw new CancelledByUser();
    return picked[0].fsPath;
  }

  private async savedPath(uri: vscode.Uri): Promise<string> {
    if (uri.scheme !== 'file') throw new Error('Save the script to a file first: Run Script runs a Python file from disk.');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty && !(await doc.save())) throw new Error(`${path.basename(uri.fsPath)} has unsaved changes that could not be saved.`);
    return uri.fsPath;
  }

  private connFor(script: string): Connection | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(script));
    return (folder && this.s.connections.get(folder.uri.toString())) ?? this.s.connections.active();
  }

  async run(arg: unknown, withArgs: boolean): Promise<RunScriptResult> {
    if (!this.trusted()) return { status: 'blocked', message: 'untrusted workspace' };
    const o: RunScriptArgs = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg) : {};
    const script = await this.scriptFrom(arg);
    const name = path.basename(script);
    const remembered = this.argsByFile()[script] ?? '';
    let argLine = o.argLine ?? (o.args ? undefined : remembered);
    let args = o.args;
    if (withArgs && !o.noPrompt) {
      const typed = await this.s.prompter.input({
        id: 'training.args',
        title: `MLflow: Run ${name} with Arguments`,
        prompt: 'Arguments as in a shell (quotes and backslashes work; nothing is expanded). Remembered for this file.',
        value: remembered,
        placeHolder: '--epochs 10 --lr 0.001',
        validateInput: (v) => {
          const p = parseArgLine(v);
          return p.ok ? undefined : p.error;
        },
      });
      if (typed === undefined) return { status: 'cancelled' };
      argLine = typed;
      args = undefined;
    }
    if (!args) {
      const parsed = parseArgLine(argLine ?? '');
      if (!parsed.ok) throw new Error(`The arguments remembered for ${name} cannot be read: ${parsed.error} Use Run Script with Arguments… to change them.`);
      args = parsed.args;
    }
    if (argLine === undefined) {
      const q = tryQuoteForShell(args, 'sh');
      argLine = 'line' in q ? q.line : args.join(' ');
    }

    const conn = this.connFor(script);
    if (conn && conn.state.name === 'idle') await conn.connect().catch(() => undefined);
    const resolved = conn?.resolved;
    const cwd = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(script))?.uri.fsPath ?? path.dirname(script);
    const own = this.ownStore(script, cwd, resolved);
    const follow = own.kind === 'other' && conn ? { resolved: own.resolved, raw: own.raw } : undefined;
    if (!resolved && !follow && !o.noPrompt) {
      const pick = await this.s.prompter.notify('warning', `MLflow: no tracking store is connected, so the runs of ${name} cannot be followed. Run it anyway (MLflow then uses its default store)?`, { id: 'training.noStore' }, 'Run Anyway', 'Set Tracking URI');
      if (pick === 'Set Tracking URI') await vscode.commands.executeCommand('mlflow.setTrackingUri');
      if (pick !== 'Run Anyway') return { status: 'cancelled' };
    }

    const scope = conn?.folder?.uri ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(script))?.uri;
    const settings = readSettings(scope);
    const de = { env: process.env, platform: process.platform, fs: nodeDiscoveryFs };
    const api = await pythonExtensionApi(this.s.log);
    const chosen = await choosePython({ extension: activeInterpreter(api, scope, this.s.log), cliPath: settings.cliPath }, de);
    const extraEnv = activationEnv(await detectEnvironment(chosen.python, de), process.env, process.platform);
    const creds = resolved?.kind === 'rest' ? await this.s.credentials.get(resolved.uri) : undefined;
    const tracking = trackingContextFor(resolved, creds, { caFile: settings.caFile || undefined, insecure: settings.insecure });
    const launchId = crypto.randomBytes(8).toString('hex');
    const built = buildScriptLaunch({ python: chosen.python, script, args, cwd, tracking, extraEnv, launchId, inheritedRunContext: process.env.MLFLOW_RUN_CONTEXT });
    if (!built.ok) throw new Error(built.errors.map((e) => e.message).join(' '));

    const slot = `MLflow: ${name}`;
    const running = this.runner.get(slot);
    if (running) {
      const pick = o.noPrompt ? 'Stop and Run Again' : await this.s.prompter.confirm(`${name} is still running.`, { id: 'training.restart', detail: 'Stop it and run it again?' }, 'Stop and Run Again');
      if (pick !== 'Stop and Run Again') return { status: 'cancelled' };
      await running.stop();
    }

    await this.s.context.workspaceState.update(STATE_ARGS, { ...this.argsByFile(), [script]: argLine });
    await this.s.context.workspaceState.update(STATE_LAST, { script, argLine });
    const launchedAt = Date.now();
    const task = await this.runner.run(built.command, { action: 'train', slot, quiet: true });
    this.s.log.info(`[training] ${name}: ${chosen.python} (from ${chosen.source}), store ${resolved?.display ?? 'none'}, launch ${launchId}`);
    this.tellStore(script, own, resolved?.display);
    const session = new TrainingSession(
      this.s,
      resolved || follow ? conn : undefined,
      { launchId, script, launchedAt },
      task,
      { compareWithBest: o.compareWithBest ?? vscode.workspace.getConfiguration('mlflow', scope).get<boolean>('training.compareWithBest', false), openPlot: o.openPlot ?? true, reveal: true, scriptStore: follow },
      (sess, end) => this.ended(sess, end, argLine),
    );
    this.sessions.get(slot)?.dispose();
    this.sessions.set(slot, session);
    this.last = session;
    this.status.show(session);
    void vscode.commands.executeCommand('setContext', ContextKeys.scriptRan, true);
    return { status: 'started', session, command: built.command, python: chosen.python, pythonSource: chosen.source };
  }

  /** The store the script sets itself with set_tracking_uri, if it does (an unreadable file: none). */
  private ownStore(script: string, cwd: string, explorer: Connection['resolved']): ScriptStore {
    let text: string;
    try {
      text = fs.readFileSync(script, 'utf8');
    } catch {
      return { kind: 'none' };
    }
    return scriptStore(text, cwd, explorer, process.env);
  }

  private tellStore(script: string, own: ScriptStore, explorerDisplay: string | undefined): void {
    const notice = storeNotice(path.basename(script), own, explorerDisplay);
    if (!notice) return;
    this.s.log.info(`[training] ${notice.message}`);
    void this.s.prompter.notify(notice.level, `MLflow: ${notice.message}`, { id: 'training.scriptStore' }, ...(notice.showCall ? ['Go to set_tracking_uri'] : [])).then(async (pick) => {
      if (pick !== 'Go to set_tracking_uri' || !('line' in own)) return;
      const pos = new vscode.Position(own.line, 0);
      await vscode.window.showTextDocument(vscode.Uri.file(script), { selection: new vscode.Range(pos, pos) });
    });
  }

  private async ended(session: TrainingSession, end: SessionEnd, argLine: string): Promise<void> {
    this.status.showRerun(session.launch.script, argLine);
    const run = end.run;
    const conn = session.conn;
    const actions: string[] = [];
    if (run && conn) {
      if (end.report.offerMarkFailed) actions.push('Mark as FAILED');
      actions.push('Open Run Details');
      if (end.best && end.best.run.info.runId !== run.info.runId) actions.push('Compare with Best');
      actions.push('Open Runs Table');
    } else actions.push('Show Terminal');
    if (session.switched && conn) actions.push('Switch Explorer Back');
    const pick = await this.s.prompter.notify(end.report.level, `MLflow: ${end.report.message}`, { id: 'training.end' }, ...actions);
    switch (pick) {
      case 'Mark as FAILED':
        if (run && conn) {
          try {
            await (await conn.store()).setRunStatus(run.info.runId, 'FAILED', Date.now());
            this.s.log.info(`[training] marked run ${run.info.runId} FAILED`);
            this.s.experiments.refresh();
          } catch (e) {
            void this.s.prompter.notify('error', `MLflow: the run could not be marked FAILED: ${e instanceof Error ? e.message : String(e)}`, { id: 'training.markFailed.error' });
          }
        }
        break;
      case 'Open Run Details':
        await vscode.commands.executeCommand(Commands.openRunDetails, { connKey: conn!.key, runId: run!.info.runId });
        break;
      case 'Compare with Best':
        await vscode.commands.executeCommand(Commands.compareRuns, { connKey: conn!.key, runIds: [run!.info.runId, end.best!.run.info.runId] });
        break;
      case 'Open Runs Table':
        await vscode.commands.executeCommand(Commands.openRunsTable, { connKey: conn!.key, experimentId: run!.info.experimentId });
        break;
      case 'Switch Explorer Back':
        if (conn && session.switched) {
          this.s.connections.setOverride(conn, session.switched.restore);
          await conn.reconnect();
        }
        break;
      case 'Show Terminal':
        findTerminal(session.task.slot)?.show();
        break;
      case undefined: // dismissed
        break;
    }
  }

  async rerun(): Promise<RunScriptResult> {
    const last = this.lastLaunch();
    if (!last) return this.run(undefined, false);
    return this.run({ script: last.script, argLine: last.argLine }, false);
  }

  async focusPlot(): Promise<void> {
    const s = this.last;
    if (!s) throw new Error('No script has been run from the editor yet.');
    if (s.plot && !s.plot.disposed) return s.plot.reveal();
    const run = s.followed.current;
    if (run && s.conn) {
      await vscode.commands.executeCommand(Commands.plotMetric, { connKey: s.conn.key, runIds: [run.info.runId], beside: true });
      return;
    }
    findTerminal(s.task.slot)?.show();
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.status.dispose();
    this.runner.dispose();
  }
}

export function registerTraining(s: Services): vscode.Disposable[] {
  const t = new Training(s);
  return [
    t,
    registerCommand(s, TrainingCommands.runScript, (arg?: unknown) => t.run(arg, false)),
    registerCommand(s, TrainingCommands.runScriptWithArgs, (arg?: unknown) => t.run(arg, true)),
    registerCommand(s, TrainingCommands.rerunLast, () => t.rerun()),
    registerCommand(s, TrainingCommands.focusPlot, () => t.focusPlot()),
  ];
}

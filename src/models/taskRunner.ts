// Runs a built MLflow command as a vscode.Task with a ProcessExecution: the argv array and the environment go
// to the process as they are (no shell line is ever assembled), in a terminal of its own per action ("slot"),
// reused by the next run of that action. Exit codes are reported; a failure offers "Show Output".
import * as vscode from 'vscode';
import type { CliCommand } from '../cli/commands';
import { redactEnv } from '../cli/commands';
import type { Log } from '../log';
import { endProcessTree, signalGroup } from './processTree';
import type { Prompter } from '../core/prompter';

export const TASK_TYPE = 'mlflow';
const SOURCE = 'MLflow';

export interface RunOptions {
  /** serve / predict / build-docker / generate-dockerfile / gc / ui / install */
  action: string;
  /** Terminal/task name; one task per slot runs at a time and reuses its terminal. */
  slot: string;
  /** Do not report a non-zero exit (the caller does). */
  quiet?: boolean;
}

export interface RunningTask {
  slot: string;
  command: CliCommand;
  execution: vscode.TaskExecution;
  /** Exit code (undefined: the process could not start or its code is unknown). */
  readonly exited: Promise<number | undefined>;
  readonly running: boolean;
  /** Set when the user (or the extension) stopped it. */
  readonly stopped: boolean;
  /** The process VS Code started (once it has started). */
  readonly pid: number | undefined;
  /** Ends the process and everything it started (workers included), then the task. */
  stop(): Promise<void>;
  /** stop() without waiting. */
  terminate(): void;
  terminal(): vscode.Terminal | undefined;
}

export class TaskRunner implements vscode.Disposable {
  private readonly active = new Map<string, RunningTask & { finish(code: number | undefined): void; started(pid: number): void }>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly log: Log, private readonly prompter: Prompter) {
    this.subs.push(
      vscode.tasks.onDidStartTaskProcess((e) => this.find(e.execution)?.started(e.processId)),
      vscode.tasks.onDidEndTaskProcess((e) => this.ended(e.execution, e.exitCode)),
      // a task whose process never started ends without onDidEndTaskProcess
      vscode.tasks.onDidEndTask((e) => setTimeout(() => this.ended(e.execution, undefined), 500)),
    );
  }

  private find(execution: vscode.TaskExecution) {
    const def = execution.task.definition;
    if (def.type !== TASK_TYPE) return undefined;
    const r = this.active.get(String(def.slot));
    if (!r) return undefined;
    // the same TaskExecution object comes back in the events; before executeTask resolved, match by name
    return r.execution === execution || (!r.execution && r.slot === execution.task.name) ? r : undefined;
  }

  private readonly finished = new WeakSet<vscode.TaskExecution>();

  private ended(execution: vscode.TaskExecution, code: number | undefined): void {
    if (this.finished.has(execution)) return;
    const r = this.find(execution);
    if (!r) return;
    this.finished.add(execution);
    r.finish(code);
  }

  isRunning(slot: string): boolean {
    return this.active.has(slot);
  }

  get(slot: string): RunningTask | undefined {
    return this.active.get(slot);
  }

  /** A slot name not in use: `base`, else `base (2)`, `base (3)`… */
  freeSlot(base: string): string {
    if (!this.active.has(base)) return base;
    for (let i = 2; ; i++) if (!this.active.has(`${base} (${i})`)) return `${base} (${i})`;
  }

  async run(cmd: CliCommand, o: RunOptions): Promise<RunningTask> {
    if (this.active.has(o.slot)) throw new Error(`"${o.slot}" is already running.`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const definition = { type: TASK_TYPE, action: o.action, slot: o.slot };
    const exec = new vscode.ProcessExecution(cmd.executable, cmd.args, { env: cmd.env, ...(cmd.cwd ? { cwd: cmd.cwd } : {}) });
    const task = new vscode.Task(definition, folder ?? vscode.TaskScope.Workspace, o.slot, SOURCE, exec, []);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, showReuseMessage: false, echo: true, focus: false };
    task.isBackground = o.action === 'serve' || o.action === 'ui';
    this.log.info(`[task] ${o.slot}: ${JSON.stringify([cmd.executable, ...cmd.args])} env ${JSON.stringify(redactEnv(cmd.env))}${cmd.cwd ? ` cwd ${cmd.cwd}` : ''}`);
    let finish!: (code: number | undefined) => void;
    const exited = new Promise<number | undefined>((resolve) => (finish = resolve));
    let running = true;
    let stopped = false;
    let pid: number | undefined;
    const started = Date.now();
    const log = this.log;
    const slot = o.slot;
    const entry = {
      slot,
      command: cmd,
      execution: undefined as unknown as vscode.TaskExecution,
      exited,
      get running() {
        return running;
      },
      get stopped() {
        return stopped;
      },
      get pid() {
        return pid;
      },
      started: (p: number) => {
        pid = p;
      },
      stop: async () => {
        stopped = true;
        if (pid !== undefined && running) {
          const r = await endProcessTree(pid);
          log.info(`[task] ${slot}: ended process ${pid} and ${r.pids.length - 1} it started${r.killed ? ' (SIGKILL needed)' : ''}${r.survivors.length ? `; still alive: ${r.survivors.join(', ')}` : ''}`);
          await Promise.race([exited, new Promise((res) => setTimeout(res, 1500))]);
        }
        if (running) entry.execution?.terminate();
      },
      terminate: () => void entry.stop(),
      terminal: () => findTerminal(slot),
      finish: (code: number | undefined) => {
        if (!running) return;
        running = false;
        this.active.delete(slot);
        // workers left behind when the terminal was closed (SIGHUP reaches only the process VS Code started)
        if (pid !== undefined) signalGroup(pid);
        this.log.info(`[task] ${slot}: ended ${code === undefined ? '(no exit code)' : `with exit code ${code}`}${stopped ? ' (stopped)' : ''} after ${Date.now() - started} ms`);
        finish(code);
        if (!o.quiet && !stopped && code !== 0) void this.reportFailure(slot, cmd, code);
      },
    };
    this.active.set(slot, entry);
    try {
      entry.execution = await vscode.tasks.executeTask(task);
    } catch (e) {
      this.active.delete(slot);
      running = false;
      throw e;
    }
    return entry;
  }

  private async reportFailure(slot: string, cmd: CliCommand, code: number | undefined): Promise<void> {
    const what = code === undefined ? 'could not start' : `failed (exit code ${code})`;
    const pick = await this.prompter.notify('error', `MLflow: ${cmd.title} ${what}. The terminal "${slot}" shows MLflow's output.`, { id: 'task.failed' }, 'Show Output', 'Show Log');
    if (pick === 'Show Output') findTerminal(slot)?.show();
    if (pick === 'Show Log') this.log.show();
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
    for (const r of this.active.values()) if (r.pid !== undefined) signalGroup(r.pid);
  }
}

/** The terminal VS Code runs a task of that name in. */
export function findTerminal(slot: string): vscode.Terminal | undefined {
  const ts = vscode.window.terminals;
  return ts.find((t) => t.name === slot) ?? ts.find((t) => t.name.includes(slot));
}

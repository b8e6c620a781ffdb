// Which `mlflow` the commands run: mlflow.cliPath → the Python extension's active interpreter → mlflow on
// PATH (src/cli/discovery.ts), probed once with `--version` per configuration (cached until the setting or
// the interpreter changes). Failures are explained with actions.
import * as vscode from 'vscode';
import { type DiscoveryProblem, type DiscoveryResult, discoverMlflow, nodeDiscoveryFs, nodeProbeRunner } from '../cli/discovery';
import { readSettings } from '../config';
import type { Log } from '../log';
import type { Prompter } from '../core/prompter';

interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

/** The Python extension's API (ms-python.python), activated, when it is installed. */
export async function pythonExtensionApi(log: Log): Promise<PythonApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    log.warn(`[mlflow-cli] the Python extension did not start: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The interpreter the Python extension has selected for `scope`. */
export function activeInterpreter(api: PythonApi | undefined, scope: vscode.Uri | undefined, log: Log): string | undefined {
  try {
    return api?.environments?.getActiveEnvironmentPath(scope)?.path || undefined;
  } catch (e) {
    log.warn(`[mlflow-cli] the Python extension did not give an interpreter: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export class MlflowCli implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<DiscoveryResult>>();
  private readonly subs: vscode.Disposable[] = [];
  private pythonHooked = false;

  constructor(private readonly log: Log, private readonly prompter: Prompter) {
    this.subs.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mlflow.cliPath') && this.cache.clear()));
  }

  /** The Python extension's interpreter for `scope`, when that extension is installed. */
  private async pythonInterpreter(scope?: vscode.Uri): Promise<string | undefined> {
    const api = await pythonExtensionApi(this.log);
    if (!this.pythonHooked && api?.environments?.onDidChangeActiveEnvironmentPath) {
      this.pythonHooked = true;
      this.subs.push(api.environments.onDidChangeActiveEnvironmentPath(() => this.cache.clear()));
    }
    return activeInterpreter(api, scope, this.log);
  }

  /** Finds and probes MLflow (cached per setting/interpreter). */
  async discover(scope?: vscode.Uri): Promise<DiscoveryResult> {
    const cliPath = readSettings(scope).cliPath;
    const pythonInterpreter = cliPath ? undefined : await this.pythonInterpreter(scope);
    const key = JSON.stringify([cliPath, pythonInterpreter]);
    let p = this.cache.get(key);
    if (!p) {
      const started = Date.now();
      p = discoverMlflow({ cliPath, pythonInterpreter }, { env: process.env, platform: process.platform, fs: nodeDiscoveryFs }, nodeProbeRunner());
      this.cache.set(key, p);
      void p.then((r) => {
        if (r.ok) {
          this.log.info(`[mlflow-cli] using ${r.invocation.kind === 'python' ? `${r.invocation.path} -m mlflow` : r.invocation.path} (MLflow ${r.version.raw}, from ${r.source}; ${r.environment.kind === 'plain' ? 'no virtual environment' : `${r.environment.kind} ${r.environment.root}`}) after ${Date.now() - started} ms`);
          for (const s of r.skipped) this.log.info(`[mlflow-cli] skipped: ${s.message}`);
        } else {
          this.cache.delete(key); // try again next time (the user may fix it meanwhile)
          this.log.warn(`[mlflow-cli] ${r.problem.message} Tried: ${r.problem.tried.join('; ')}${r.problem.detail ? `\n${r.problem.detail}` : ''}`);
        }
      });
    }
    return p;
  }

  /** Shows a discovery problem with its actions (Select Interpreter, Open Settings, Install MLflow, Show Log). */
  async explain(problem: DiscoveryProblem, runInstall: (argv: string[]) => Promise<void>): Promise<void> {
    // Without the Python extension, "Select Python Interpreter" would only lead to another message.
    const actions = problem.actions.filter((a) => a.id !== 'selectInterpreter' || vscode.extensions.getExtension('ms-python.python'));
    const pick = await this.prompter.notify('error', `MLflow: ${problem.message}`, { id: 'cli.problem' }, ...actions.map((a) => a.label));
    const action = actions.find((a) => a.label === pick);
    if (!action) return;
    switch (action.id) {
      case 'selectInterpreter':
        try {
          await vscode.commands.executeCommand('python.setInterpreter');
        } catch {
          const go = await this.prompter.notify('info', 'Selecting an interpreter needs the Python extension (ms-python.python). Set mlflow.cliPath to a Python or mlflow executable instead?', { id: 'cli.noPython' }, 'Open Settings');
          if (go) await vscode.commands.executeCommand('workbench.action.openSettings', 'mlflow.cliPath');
        }
        break;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
        break;
      case 'installMlflow':
        await runInstall(action.argv);
        this.cache.clear();
        break;
      case 'showLog':
        this.log.show();
        break;
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

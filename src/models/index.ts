// The VS Code layer of the model and maintenance commands (serve, predict, build-docker,
// generate-dockerfile, gc, MLflow UI). activate() calls registerModelCommands(services) once.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ModelCommands } from './modelCommands';

export const MODEL_COMMAND_IDS = [
  'mlflow.serveModel',
  'mlflow.predictModel',
  'mlflow.buildDocker',
  'mlflow.generateDockerfile',
  'mlflow.gc',
  'mlflow.startUi',
  'mlflow.sendTestRequest',
  'mlflow.stopModelServer',
] as const;

/** Context key: a model server or MLflow UI started from the extension is running. */
export const MODEL_SERVERS_RUNNING = 'mlflow.modelServersRunning';

export function registerModelCommands(services: Services): vscode.Disposable[] {
  const m = new ModelCommands(services);
  const reg = (id: (typeof MODEL_COMMAND_IDS)[number], fn: (arg?: unknown) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, (arg?: unknown) => m.guard(id, () => fn(arg) as never));
  const running = () => void vscode.commands.executeCommand('setContext', MODEL_SERVERS_RUNNING, m.servers.all().length > 0);
  running();
  return [
    m,
    m.servers.onDidChange(running),
    reg('mlflow.serveModel', (a) => m.serve(a)),
    reg('mlflow.predictModel', (a) => m.predict(a)),
    reg('mlflow.buildDocker', (a) => m.buildDocker(a)),
    reg('mlflow.generateDockerfile', (a) => m.generateDockerfile(a)),
    reg('mlflow.gc', (a) => m.gc(a)),
    reg('mlflow.startUi', (a) => m.startUi(a)),
    reg('mlflow.sendTestRequest', (a) => m.sendTestRequest(a)),
    reg('mlflow.stopModelServer', (a) => m.stopServer(a)),
  ];
}

export type { CommandResult } from './modelCommands';

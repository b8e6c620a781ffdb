// The VS Code layer of the model and maintenance commands (serve, predict, build-docker,
// generate-dockerfile, gc, MLflow UI). activate() calls registerModelCommands(services) once.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ModelCommands } from './modelCommands';
import { Commands, ContextKeys } from '../ids';

export const MODEL_COMMAND_IDS = [
  Commands.serveModel,
  Commands.predictModel,
  Commands.buildDocker,
  Commands.generateDockerfile,
  Commands.gc,
  Commands.startUi,
  Commands.sendTestRequest,
  Commands.stopModelServer,
] as const;

export function registerModelCommands(services: Services): vscode.Disposable[] {
  const m = new ModelCommands(services);
  const reg = (id: (typeof MODEL_COMMAND_IDS)[number], fn: (arg?: unknown) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, (arg?: unknown) => m.guard(id, () => fn(arg) as never));
  const running = () => void vscode.commands.executeCommand('setContext', ContextKeys.modelServersRunning, m.servers.all().length > 0);
  running();
  return [
    m,
    m.servers.onDidChange(running),
    reg(Commands.serveModel, (a) => m.serve(a)),
    reg(Commands.predictModel, (a) => m.predict(a)),
    reg(Commands.buildDocker, (a) => m.buildDocker(a)),
    reg(Commands.generateDockerfile, (a) => m.generateDockerfile(a)),
    reg(Commands.gc, (a) => m.gc(a)),
    reg(Commands.startUi, (a) => m.startUi(a)),
    reg(Commands.sendTestRequest, (a) => m.sendTestRequest(a)),
    reg(Commands.stopModelServer, (a) => m.stopServer(a)),
  ];
}

export type { CommandArgs, CommandResult } from './modelCommands';

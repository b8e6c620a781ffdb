// The VS Code layer of the model and maintenance commands (serve, predict, build-docker,
// generate-dockerfile, gc, MLflow UI). activate() calls registerModelCommands(services) once.
// Each runs `mlflow …` as a task (taskRunner.ts) with the argv from the pure builders in src/cli/commands.ts
// and the active connection's tracking URI and credentials in the environment.
import * as vscode from 'vscode';
import { registerCommand } from '../core/command';
import type { Services } from '../services';
import { type CommandResult, MODEL_OUTCOMES } from './commandArgs';
import { buildDocker, generateDockerfile } from './dockerCommands';
import { gc } from './gcCommand';
import { predict } from './predictCommand';
import { sendTestRequest, serve, startUi, stopServer } from './serverCommands';
import { ModelSteps } from './steps';
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

type ModelCommandId = (typeof MODEL_COMMAND_IDS)[number];

const COMMANDS: Record<ModelCommandId, (m: ModelSteps, arg?: unknown) => Promise<CommandResult>> = {
  [Commands.serveModel]: serve,
  [Commands.predictModel]: predict,
  [Commands.buildDocker]: buildDocker,
  [Commands.generateDockerfile]: generateDockerfile,
  [Commands.gc]: gc,
  [Commands.startUi]: startUi,
  [Commands.sendTestRequest]: sendTestRequest,
  [Commands.stopModelServer]: stopServer,
};

/** Context key: a model server or MLflow UI started from the extension is running. */
export const MODEL_SERVERS_RUNNING = ContextKeys.modelServersRunning;

export function registerModelCommands(services: Services): vscode.Disposable[] {
  const m = new ModelSteps(services);
  const running = () => void vscode.commands.executeCommand('setContext', MODEL_SERVERS_RUNNING, m.servers.all().length > 0);
  running();
  return [
    m,
    m.servers.onDidChange(running),
    ...MODEL_COMMAND_IDS.map((id) => registerCommand(services, id, (arg?: unknown) => COMMANDS[id](m, arg), MODEL_OUTCOMES)),
  ];
}

export type { CommandArgs, CommandResult } from './commandArgs';

// Build Docker Image (`mlflow models build-docker`, after checking the Docker engine answers) and
// Generate Dockerfile (`mlflow models generate-dockerfile`, the Dockerfile opened afterwards).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type BuildContext, type BuildResult, buildBuildDockerCommand, buildGenerateDockerfileCommand } from '../cli/commands';
import { COMMAND_TITLES } from '../cli/options';
import { CancelledByUser } from '../core/command';
import type { Connection } from '../connection/connection';
import { type CommandArgs, type CommandResult, type CommandTarget, optionsFrom, parseArg } from './commandArgs';
import { checkDocker } from './dockerCheck';
import type { FormValues } from './optionForm';
import { FormExtra, showOptionsForm } from './optionsUi';
import type { ModelSteps } from './steps';
import { shortTarget, slotName } from './text';
import { Commands } from '../ids';

type DockerCommand = 'build-docker' | 'generate-dockerfile';

export async function buildDocker(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const title = COMMAND_TITLES['build-docker'];
  const conn = m.connFor(args, node);
  if (!m.trusted(title)) return { status: 'blocked' };
  if (!args.skipDockerCheck) {
    const blocked = await dockerMissing(m, arg, conn);
    if (blocked) return blocked;
  }
  const r = await runDockerLike(m, 'build-docker', args, node, conn, (ctx, v, modelUri) => buildBuildDockerCommand({ ...ctx, ...v, modelUri }));
  if (!r.ran) return r.result;
  const name = String(r.values.name ?? 'mlflow-pyfunc-servable');
  const run = `docker run --rm -p 5002:8080 ${name}`;
  void m.ui.notify('info', `MLflow: built the Docker image ${name}. It serves the model on port 8080: ${run}`, { id: 'docker.built' }, 'Copy docker run').then((p) => {
    if (p) void vscode.env.clipboard.writeText(run);
  });
  return r.result;
}

/** When the Docker engine does not answer: says so with the way on (a Dockerfile, or first MLflow) and blocks. */
async function dockerMissing(m: ModelSteps, arg: unknown, conn: Connection | undefined): Promise<CommandResult | undefined> {
  const docker = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MLflow: checking the Docker engine…' }, () => checkDocker());
  if (docker.ok) {
    m.s.log.info(`[docker] engine ${docker.version ?? ''} answers (via ${docker.via})`);
    return undefined;
  }
  m.s.log.warn(`[docker] ${docker.message}${docker.detail ? `\n${docker.detail}` : ''}`);
  // "Generate Dockerfile Instead" needs MLflow: offer it only when MLflow is there, else what gets MLflow.
  const cli = await m.cli.discover(conn?.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri);
  if (!cli.ok) {
    void m.cli.explain({ ...cli.problem, message: `${docker.message} ${cli.problem.message}` }, (argv) => m.install(argv));
    return { status: 'blocked', message: docker.message };
  }
  void m.ui.notify('error', `MLflow: ${docker.message}`, { id: 'docker.unavailable' }, 'Generate Dockerfile Instead', 'Show Log').then((p) => {
    if (p === 'Show Log') m.s.log.show();
    else if (p) void vscode.commands.executeCommand(Commands.generateDockerfile, arg);
  });
  return { status: 'blocked', message: docker.message };
}

export async function generateDockerfile(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const r = await runDockerLike(m, 'generate-dockerfile', args, node, m.connFor(args, node), (ctx, v, modelUri) => buildGenerateDockerfileCommand({ ...ctx, ...v, modelUri }));
  if (!r.ran) return r.result;
  const dir = String(r.values.outputDirectory ?? 'mlflow-dockerfile');
  const outDir = r.cwd && !path.isAbsolute(dir) ? path.resolve(r.cwd, dir) : dir;
  const dockerfile = path.join(outDir, 'Dockerfile');
  if (fs.existsSync(dockerfile)) await vscode.window.showTextDocument(vscode.Uri.file(dockerfile), { preview: false });
  return { ...r.result, outputPath: dockerfile };
}

type Builder<C extends DockerCommand> = (ctx: BuildContext, values: FormValues<C>, modelUri: string | undefined) => BuildResult;
type DockerRun<C extends DockerCommand> = { ran: false; result: CommandResult } | { ran: true; result: CommandResult; values: FormValues<C>; cwd?: string };

/** The shared part: model (optional: one can be mounted later), form, run in a terminal. `ran`: it exited 0. */
async function runDockerLike<C extends DockerCommand>(m: ModelSteps, command: C, args: CommandArgs, node: CommandTarget | undefined, conn: Connection | undefined, builder: Builder<C>): Promise<DockerRun<C>> {
  const title = COMMAND_TITLES[command];
  const prep = await m.prepare(title, conn);
  if (!prep) return { ran: false, result: { status: 'blocked' } };
  let modelUri = await m.modelUriFor(args, node, conn, title, true);
  const values: FormValues<C> = { ...m.remembered(command, prep.version), ...optionsFrom(command, args) };
  const build = (v: FormValues<C>) => builder(prep.ctx, v, modelUri);
  if (!args.noPrompt) {
    for (;;) {
      const extras: FormExtra[] = [{ id: 'model', label: '$(package) Model', description: modelUri ?? '(none: mount one at /opt/ml/model)', detail: 'Choose another model' }];
      const r = await showOptionsForm(m.ui, { id: `${command}.form`, command, title: `${title}${modelUri ? `: ${shortTarget(modelUri, 60)}` : ''}`, runLabel: command === 'build-docker' ? 'Build Image' : 'Generate Dockerfile', values, version: prep.version, extras, build });
      if (!r) throw new CancelledByUser();
      if (r.action === 'run') break;
      modelUri = await m.otherModel(conn, title, modelUri);
    }
  }
  const cmd = await m.accept(build(values), args, command, title);
  if (!cmd) return { ran: false, result: { status: 'failed', message: 'invalid options' } };
  await m.remember(command, values, modelUri);
  const task = await m.runner.run(cmd, { action: command, slot: m.runner.freeSlot(slotName(command)) });
  const exitCode = await task.exited;
  if (exitCode !== 0) return { ran: false, result: { status: 'failed', command: cmd, exitCode, terminalName: task.slot } };
  return { ran: true, result: { status: 'done', command: cmd, exitCode, terminalName: task.slot }, values, cwd: prep.ctx.cwd };
}

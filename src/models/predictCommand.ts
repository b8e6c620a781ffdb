// Predict: `mlflow models predict` on an input file, the predictions opened beside it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildPredictCommand } from '../cli/commands';
import { COMMAND_TITLES } from '../cli/options';
import { CancelledByUser } from '../core/command';
import type { Connection } from '../connection/connection';
import { type CommandArgs, type CommandResult, optionsFrom, parseArg } from './commandArgs';
import type { FormValues } from './optionForm';
import { FormExtra, showOptionsForm } from './optionsUi';
import type { ModelSteps, Prepared } from './steps';
import { defaultPredictionsPath, shortTarget, slotName } from './text';

const STATE_INPUT = 'mlflow.models.lastPredictInput';

type InputItem = vscode.QuickPickItem & { file?: string; browse?: boolean };

async function inputFileItems(recent: string | undefined): Promise<InputItem[]> {
  const files = vscode.workspace.workspaceFolders?.length ? await vscode.workspace.findFiles('**/*.{csv,json}', '**/{node_modules,.git,mlruns,mlartifacts,.venv,venv,.vscode}/**', 300) : [];
  const items: InputItem[] = [{ label: '$(folder-opened) Browse…', browse: true }];
  if (recent && fs.existsSync(recent)) items.push({ label: `$(history) ${vscode.workspace.asRelativePath(recent)}`, file: recent, description: 'last used' });
  for (const f of files.sort((x, y) => x.fsPath.localeCompare(y.fsPath))) {
    if (/\.predictions\.json$/i.test(f.fsPath)) continue;
    items.push({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, file: f.fsPath, description: /\.csv$/i.test(f.fsPath) ? 'CSV' : 'JSON' });
  }
  return items;
}

async function pickInputFile(m: ModelSteps, id: string, recent?: string): Promise<string | undefined> {
  const pick = await m.ui.pick(inputFileItems(recent), { id, title: 'Predict: input file (CSV, or JSON in a scoring-server format)', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.file) return pick.file;
  const uris = await m.ui.open({ id: `${id}.browse`, canSelectMany: false, filters: { 'CSV or JSON': ['csv', 'json'], 'All files': ['*'] }, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, title: 'Input for the model' });
  return uris?.[0]?.fsPath;
}

export async function predict(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const title = COMMAND_TITLES.predict;
  const conn = m.connFor(args, node);
  const prep = await m.prepare(title, conn);
  if (!prep) return { status: 'blocked' };
  const modelUri = await m.modelUriFor(args, node, conn, title);
  const values: FormValues<'predict'> = { ...m.remembered('predict', prep.version), ...optionsFrom('predict', args) };
  if (!values.inputPath && !args.noPrompt) {
    const input = await pickInputFile(m, 'predict.input', m.s.context.workspaceState.get<string>(STATE_INPUT));
    if (!input) throw new CancelledByUser();
    values.inputPath = input;
  }
  const form = await predictForm(m, args, prep, conn, modelUri, values);
  const cmd = await m.accept(form.built, args, 'predict', title);
  if (!cmd) return { status: 'failed', message: 'invalid options' };
  await m.remember('predict', values, form.modelUri);
  if (typeof values.inputPath === 'string') await m.s.context.workspaceState.update(STATE_INPUT, values.inputPath);
  const outputPath = values.outputPath;
  if (outputPath) await fs.promises.rm(outputPath, { force: true }).catch(() => undefined);
  const task = await m.runner.run(cmd, { action: 'predict', slot: m.runner.freeSlot(slotName('predict')) });
  const exitCode = await task.exited;
  if (exitCode === 0 && outputPath && fs.existsSync(outputPath)) {
    await vscode.window.showTextDocument(vscode.Uri.file(outputPath), { preview: false });
  }
  return { status: exitCode === 0 ? 'done' : 'failed', command: cmd, exitCode, outputPath, terminalName: task.slot };
}

/**
 * The form (unless noPrompt), then the input made absolute and the output path settled: given, or
 * `<input>.predictions.json` beside the input. Edits `values`; returns the model and the built command.
 */
async function predictForm(m: ModelSteps, args: CommandArgs, prep: Prepared, conn: Connection | undefined, model: string, values: FormValues<'predict'>) {
  const title = COMMAND_TITLES.predict;
  let modelUri = model;
  const resolveIn = (p: string) => (prep.ctx.cwd && !path.isAbsolute(p) ? path.resolve(prep.ctx.cwd, p) : p);
  const outputFor = (input: unknown) => (typeof input === 'string' && input ? defaultPredictionsPath(resolveIn(input), path.join, path.dirname, path.basename) : undefined);
  let autoOutput = values.outputPath === undefined;
  const build = (v: FormValues<'predict'>) => buildPredictCommand({ ...prep.ctx, ...v, modelUri, outputPath: v.outputPath ?? (autoOutput ? outputFor(v.inputPath) : undefined) });
  if (!args.noPrompt) {
    for (;;) {
      const extras: FormExtra[] = [
        { id: 'model', label: '$(package) Model', description: modelUri, detail: 'Choose another model' },
        { id: 'input', label: '$(file) Input', description: String(values.inputPath ?? 'standard input'), detail: 'Choose another input file' },
      ];
      const r = await showOptionsForm(m.ui, { id: 'predict.form', command: 'predict', title: `${title} with ${shortTarget(modelUri, 60)}`, runLabel: 'Predict', values, version: prep.version, autoText: { outputPath: outputFor(values.inputPath) ?? 'standard output', contentType: 'from the file extension' }, extras, build });
      if (!r) throw new CancelledByUser();
      if (r.action === 'run') break;
      if (r.id === 'model') modelUri = await m.otherModel(conn, title, modelUri);
      if (r.id === 'input') values.inputPath = (await pickInputFile(m, 'predict.input', String(values.inputPath ?? ''))) ?? values.inputPath;
    }
  }
  if (typeof values.inputPath === 'string') values.inputPath = resolveIn(values.inputPath);
  values.outputPath = values.outputPath ?? (autoOutput ? outputFor(values.inputPath) : undefined);
  autoOutput = false;
  return { modelUri, built: build(values) };
}

// Running model servers (`mlflow models serve`) and MLflow UIs started from the extension: their URLs, their
// tasks, "Send Test Request" (the model's own input example, or a chosen JSON/CSV file) and "Stop".
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ScoringAnswer, ScoringRequest, buildInvocationRequest, describeScoringError, exampleFileNames, invokeModel, requestFromFile } from '../cli/scoring';
import type { Connection } from '../connection/connection';
import type { Log } from '../log';
import { ModelLocation, joinArtifactPath, locateModel } from './modelLocation';
import type { Prompter } from '../core/prompter';
import { prettyLenientJson } from '../tracking/lenientJson';
import type { RunningTask } from './taskRunner';

export interface RunningServer {
  id: string;
  kind: 'model' | 'ui';
  /** Model URI (model servers) or store URI (UIs). */
  target: string;
  url: string;
  port: number;
  task: RunningTask;
  conn?: Connection;
  cwd?: string;
  ready: boolean;
}

export class Servers implements vscode.Disposable {
  private readonly map = new Map<string, RunningServer>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private next = 1;

  constructor(private readonly prompter: Prompter) {}

  add(s: Omit<RunningServer, 'id' | 'ready'>): RunningServer {
    const server: RunningServer = { ...s, id: `${s.kind}-${this.next++}`, ready: false };
    this.map.set(server.id, server);
    void s.task.exited.then(() => {
      this.map.delete(server.id);
      this.changed.fire();
    });
    this.changed.fire();
    return server;
  }

  markReady(s: RunningServer): void {
    s.ready = true;
    this.changed.fire();
  }

  all(kind?: RunningServer['kind']): RunningServer[] {
    return [...this.map.values()].filter((s) => !kind || s.kind === kind);
  }

  /** The server an argument names ({serverId} | {port} | {url} | a RunningServer), else asks when there are several. */
  async choose(arg: unknown, kind: RunningServer['kind'] | undefined, title: string): Promise<RunningServer | undefined> {
    const list = this.all(kind);
    const a = (arg ?? {}) as { serverId?: string; id?: string; port?: number; url?: string };
    const wanted = list.find((s) => s.id === (a.serverId ?? a.id) || (a.port !== undefined && s.port === Number(a.port)) || (a.url && s.url === a.url));
    if (wanted) return wanted;
    if (a.serverId || a.port !== undefined || a.url) return undefined;
    if (list.length <= 1) return list[0];
    const pick = await this.prompter.pick(
      list.map((s) => ({ label: s.target, description: `${s.url}${s.ready ? '' : ' (starting)'}`, s })),
      { id: 'servers.pick', title },
    );
    return pick?.s;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function readAll(it: AsyncIterable<Uint8Array>, max = 20 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of it) {
    chunks.push(Buffer.from(c));
    n += c.byteLength;
    if (n > max) throw new Error('The example file is larger than 20 MB.');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a file of the model (undefined when it does not exist). */
async function readModelFile(loc: ModelLocation, conn: Connection | undefined, name: string): Promise<string | undefined> {
  try {
    if (loc.kind === 'local') return await fs.promises.readFile(path.join(loc.dir, name), 'utf8');
    const store = await conn!.store();
    return await readAll(await store.readArtifact(loc.owner, joinArtifactPath(loc.path, name)));
  } catch {
    return undefined;
  }
}

/** The /invocations request built from the model's serving_input_example.json / input_example.json. */
export async function exampleRequest(modelUri: string, conn: Connection | undefined, cwd: string | undefined, log: Log): Promise<{ request?: ScoringRequest; note?: string }> {
  let loc: ModelLocation | undefined;
  try {
    loc = await locateModel(modelUri, conn ? await conn.store().catch(() => undefined) : undefined, cwd);
  } catch (e) {
    return { note: `Could not find the model's files: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!loc) return { note: `The files of ${modelUri} cannot be read from here; choose a JSON or CSV file to send.` };
  const mlmodel = await readModelFile(loc, conn, 'MLmodel');
  let names: { servingInput?: string; inputExample?: string } = {};
  try {
    names = exampleFileNames(mlmodel);
  } catch {
    names = {};
  }
  const [servingInputExample, inputExample] = await Promise.all([
    readModelFile(loc, conn, names.servingInput ?? 'serving_input_example.json'),
    readModelFile(loc, conn, names.inputExample ?? 'input_example.json'),
  ]);
  log.info(`[serve] example for ${modelUri}: MLmodel ${mlmodel ? 'found' : 'missing'}, serving input ${servingInputExample ? 'found' : 'missing'}, input example ${inputExample ? 'found' : 'missing'}`);
  return buildInvocationRequest({ mlmodel, servingInputExample, inputExample });
}

/** A request from a workspace file the user chooses (JSON or CSV). */
export async function requestFromChosenFile(ui: Prompter, reason: string | undefined, file?: string): Promise<{ request: ScoringRequest; note?: string; file: string } | undefined> {
  let p = file;
  if (!p) {
    const uris = await ui.open({
      id: 'serve.requestFile',
      title: reason ? `${reason} Choose a JSON or CSV file to send` : 'JSON or CSV file to send to the model',
      canSelectMany: false,
      filters: { 'Scoring input': ['json', 'csv'], 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    p = uris?.[0]?.fsPath;
  }
  if (!p) return undefined;
  const content = await fs.promises.readFile(p, 'utf8');
  return { ...requestFromFile(p, content), file: p };
}

/** Pretty text of an answer for the editor. */
export function answerText(a: ScoringAnswer): string {
  if (a.kind === 'text') return a.raw;
  try {
    return prettyLenientJson(a.raw);
  } catch {
    return a.raw;
  }
}

export async function showAnswer(ui: Prompter, server: RunningServer, req: ScoringRequest, answer: ScoringAnswer, source: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: answerText(answer) });
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Active });
  const err = describeScoringError(answer);
  if (err) void ui.notify('error', `MLflow: the model answered ${err}`, { id: 'serve.answerError' });
  else vscode.window.setStatusBarMessage(`$(check) ${server.target} answered HTTP ${answer.status} to ${source} (${req.contentType})`, 8000);
  return doc;
}

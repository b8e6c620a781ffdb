// Commands that start a server and what follows: Serve Model, Start MLflow UI, Send Test Request, Stop.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildServeCommand, buildServerCommand, localUrlFor } from '../cli/commands';
import { COMMAND_TITLES } from '../cli/options';
import { findFreePort, invokeModel, waitForPing } from '../cli/scoring';
import { CancelledByUser } from '../core/command';
import { type CommandResult, optionsFrom, parseArg } from './commandArgs';
import { waitForHttp } from './dockerCheck';
import type { FormValues } from './optionForm';
import { FormExtra, showOptionsForm } from './optionsUi';
import { waitPortFree } from './processTree';
import { RunningServer, exampleRequest, requestFromChosenFile, showAnswer } from './servers';
import type { ModelSteps } from './steps';
import { backendStoreOf } from './trackingEnv';
import { shortTarget, slotName } from './text';
import { Commands } from '../ids';

/** The port to use: the one given, else a free one near `preferred` (5001 for models, 5000 for the UI). */
async function portFor(values: { host?: string; port?: number | string }, autoPort: boolean, preferred: number): Promise<{ host: string; port: number }> {
  const host = typeof values.host === 'string' && values.host ? values.host : '127.0.0.1';
  const port = autoPort && (values.port === undefined || values.port === '') ? await findFreePort({ host: host === '0.0.0.0' ? '127.0.0.1' : host, preferred }) : Number(values.port);
  return { host, port };
}

export async function serve(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const title = COMMAND_TITLES.serve;
  const conn = m.connFor(args, node);
  const prep = await m.prepare(title, conn);
  if (!prep) return { status: 'blocked' };
  let modelUri = await m.modelUriFor(args, node, conn, title);
  const values: FormValues<'serve'> = { ...m.remembered('serve', prep.version), ...optionsFrom('serve', args) };
  const autoPort = values.port === undefined || values.port === '';
  const build = (v: FormValues<'serve'>) => buildServeCommand({ ...prep.ctx, ...v, modelUri, port: v.port ?? 5000 });
  if (!args.noPrompt) {
    for (;;) {
      const extras: FormExtra[] = [{ id: 'model', label: `$(package) Model`, description: modelUri, detail: 'Choose another model' }];
      const r = await showOptionsForm(m.ui, { id: 'serve.form', command: 'serve', title: `${title}: ${shortTarget(modelUri, 60)}`, runLabel: 'Serve', values, version: prep.version, autoText: { port: 'a free port' }, extras, build });
      if (!r) throw new CancelledByUser();
      if (r.action === 'run') break;
      modelUri = await m.otherModel(conn, title, modelUri);
    }
  }
  const { host, port } = await portFor(values, autoPort, 5001);
  const cmd = await m.accept(build({ ...values, port }), args, 'serve', title);
  if (!cmd) return { status: 'failed', message: 'invalid options' };
  await m.remember('serve', values, modelUri);
  const slot = m.runner.freeSlot(slotName('serve', modelUri, port));
  const task = await m.runner.run(cmd, { action: 'serve', slot });
  const url = localUrlFor(host, port);
  const server = m.servers.add({ kind: 'model', target: modelUri, url, port, task, conn, cwd: prep.ctx.cwd });
  const ready = await waitReady(m, server, args.readyTimeoutMs ?? 15 * 60_000, false);
  return { status: 'started', command: cmd, url, port, serverId: server.id, ready, terminalName: slot };
}

export async function startUi(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const title = COMMAND_TITLES.ui;
  const conn = m.connFor(args, node);
  const resolved = conn?.resolved;
  if (resolved?.kind === 'rest') {
    const url = resolved.url ?? resolved.uri;
    void m.ui.notify('info', `MLflow: this window is connected to the tracking server ${url}, which has its own UI.`, { id: 'ui.rest' }, 'Open in Browser').then((p) => {
      if (p) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
    return { status: 'blocked', url };
  }
  const given: FormValues<'ui'> = optionsFrom('ui', args);
  const backend = given.backendStoreUri ?? backendStoreOf(resolved);
  if (!backend) {
    void m.ui.notify('error', 'MLflow: no local tracking store is connected (an mlruns folder or a SQLite database) to start the MLflow UI for.', { id: 'ui.noStore' }, 'Set Tracking URI').then((p) => {
      if (p) void vscode.commands.executeCommand(Commands.setTrackingUri);
    });
    return { status: 'blocked' };
  }
  const running = m.servers.all('ui').find((s) => s.target === backend);
  if (running && args.openBrowser !== false) {
    await vscode.env.openExternal(vscode.Uri.parse(running.url));
    return { status: 'done', url: running.url, port: running.port, serverId: running.id, ready: running.ready };
  }
  const prep = await m.prepare(title, conn);
  if (!prep) return { status: 'blocked' };
  const values: FormValues<'ui'> = { ...m.remembered('ui', prep.version), ...given, backendStoreUri: backend };
  const autoPort = values.port === undefined || values.port === '';
  const ctx = { ...prep.ctx, tracking: undefined, subcommand: 'ui' as const };
  const build = (v: FormValues<'ui'>) => buildServerCommand({ ...ctx, ...v, port: v.port ?? 5000 });
  if (!args.noPrompt) {
    const r = await showOptionsForm(m.ui, { id: 'ui.form', command: 'ui', title: `${title}: ${resolved?.display ?? backend}`, runLabel: 'Start MLflow UI', values, version: prep.version, autoText: { port: 'a free port' }, build });
    if (!r || r.action !== 'run') throw new CancelledByUser();
  }
  const { host, port } = await portFor(values, autoPort, 5000);
  const cmd = await m.accept(build({ ...values, port }), args, 'ui', title);
  if (!cmd) return { status: 'failed', message: 'invalid options' };
  await m.remember('ui', values);
  const task = await m.runner.run(cmd, { action: 'ui', slot: m.runner.freeSlot(slotName('ui', backend, port)) });
  const url = localUrlFor(host, port);
  const server = m.servers.add({ kind: 'ui', target: backend, url, port, task, conn, cwd: prep.ctx.cwd });
  const ready = await waitReady(m, server, args.readyTimeoutMs ?? 120_000, true, args.openBrowser !== false);
  return { status: 'started', command: cmd, url, port, serverId: server.id, ready, terminalName: task.slot };
}

/** Waits for /ping (model) or any answer (UI) with a cancellable progress notification; then offers the next steps. */
async function waitReady(m: ModelSteps, server: RunningServer, timeoutMs: number, ui: boolean, openBrowser = true): Promise<boolean> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, cancellable: true, title: ui ? `MLflow UI: starting on ${server.url}…` : `Serving ${shortTarget(server.target, 50)}: waiting for ${server.url}/ping (the first run may build the model's environment)…` },
    async (_p, token) => {
      const ctl = new AbortController();
      token.onCancellationRequested(() => ctl.abort());
      const isAlive = () => server.task.running;
      return ui ? waitForHttp(`${server.url}/health`, { timeoutMs, isAlive, signal: ctl.signal }) : waitForPing(server.url, { timeoutMs, isAlive, signal: ctl.signal });
    },
  );
  if (!result.ok) {
    if (result.reason === 'timeout') {
      void m.ui.notify('warning', `MLflow: ${server.url} did not answer within ${Math.round(timeoutMs / 1000)} s. The terminal shows what MLflow is doing.`, { id: 'serve.timeout' }, 'Show Terminal', 'Stop').then((p) => {
        if (p === 'Stop') void stopServer(m, { serverId: server.id });
        else if (p) server.task.terminal()?.show();
      });
    }
    return false;
  }
  m.servers.markReady(server);
  m.s.log.info(`[models] ${server.kind === 'ui' ? 'MLflow UI' : 'model server'} ready at ${server.url}`);
  if (ui) {
    if (openBrowser) await vscode.env.openExternal(vscode.Uri.parse(server.url));
    void m.ui.notify('info', `MLflow UI for ${server.target} is running at ${server.url}.`, { id: 'ui.ready' }, 'Open in Browser', 'Stop').then((p) => {
      if (p === 'Stop') void stopServer(m, { serverId: server.id });
      else if (p) void vscode.env.openExternal(vscode.Uri.parse(server.url));
    });
  } else {
    void m.ui.notify('info', `MLflow: ${shortTarget(server.target, 60)} is being served at ${server.url}.`, { id: 'serve.ready' }, 'Send Test Request', 'Stop').then((p) => {
      if (p === 'Send Test Request') return vscode.commands.executeCommand(Commands.sendTestRequest, { serverId: server.id });
      if (p === 'Stop') return stopServer(m, { serverId: server.id });
      return undefined;
    });
  }
  return true;
}

export async function sendTestRequest(m: ModelSteps, arg?: unknown): Promise<CommandResult & { answer?: unknown; source?: string; document?: vscode.TextDocument }> {
  const file = arg && typeof arg === 'object' && 'file' in arg && typeof arg.file === 'string' ? arg.file : undefined;
  const server = await m.servers.choose(arg, 'model', 'Send a test request to which model server?');
  if (!server) {
    void m.ui.notify('info', 'MLflow: no model server is running. Start one with "MLflow: Serve Model".', { id: 'sendTest.none' });
    return { status: 'blocked' };
  }
  const example = file ? undefined : await exampleRequest(server.target, server.conn, server.cwd, m.s.log);
  let request = example?.request;
  let source: string | undefined = request?.source;
  if (!request) {
    const chosen = await requestFromChosenFile(m.ui, example?.note, file);
    if (!chosen) return { status: 'cancelled' };
    if (chosen.note) m.s.log.warn(`[serve] ${chosen.note}`);
    request = chosen.request;
    source = path.basename(chosen.file);
  }
  const answer = await invokeModel(server.url, request);
  m.s.log.info(`[serve] POST ${server.url}/invocations (${source}) → HTTP ${answer.status}`);
  const document = await showAnswer(m.ui, server, request, answer, source ?? 'request');
  return { status: 'done', url: server.url, answer, source, document };
}

export async function stopServer(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const server = await m.servers.choose(arg, undefined, 'Stop which server?');
  if (!server) return { status: 'blocked', message: 'No server is running.' };
  await server.task.stop();
  await Promise.race([server.task.exited, new Promise((r) => setTimeout(r, 10_000))]);
  const host = new URL(server.url).hostname.replace(/^\[|\]$/g, '');
  const portFree = await waitPortFree(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, server.port, 5000);
  if (!portFree) {
    m.s.log.warn(`[models] ${server.url} still answers after Stop`);
    void m.ui.notify('warning', `MLflow: stopped ${shortTarget(server.target, 60)}, but something still answers on port ${server.port}. Another process holds the port; find it with "lsof -i :${server.port}" (or "netstat -ano" on Windows) and end it.`, { id: 'stop.portBusy' });
  } else {
    vscode.window.setStatusBarMessage(`$(debug-stop) MLflow: stopped ${shortTarget(server.target, 40)}; port ${server.port} is free`, 8000);
  }
  return { status: portFree ? 'done' : 'failed', url: server.url, port: server.port, portFree };
}

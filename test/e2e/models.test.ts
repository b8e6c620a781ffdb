// The model and maintenance commands running the REAL `mlflow` command line, through the extension inside the
// real extension host: Serve Model on a registered alias (+ Send Test Request, Stop), Predict, Generate
// Dockerfile, Build Docker Image (no Docker engine here), gc, Start MLflow UI (+ Stop). The store is a SQLite
// database written by MLflow's own client (test/e2e/python/log_model.py, runs.py); the outputs are compared with
// what the same MLflow writes when run by hand, and gc's effect is read back with MLflow's client.
//
// mlflow.cliPath is the Python of MLflow's virtual environment while nothing of that environment is on the
// extension host's PATH: exactly the set-up in which `mlflow models serve` used to fail with exit code 127
// (MLflow starts uvicorn/gunicorn by bare name) before the commands ran as in an activated environment.
//
// What each flow's terminal showed is written to shots/transcripts/mlflow-<version>-<flow>.txt.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { isProcessAlive as alive, processTable, treeOf } from '../../src/models/processTree';
import type { Prompts } from '../../src/core/prompter';
import type { CommandResult } from '../../src/models';
import { EXTENSION_ID, api, useTrackingUri, waitFor } from '../vscode/helpers';
import { py, pythonEnv, real } from './support/real';
import { Commands } from '../../src/ids';

const MODEL = 'e2e-iris';
const ALIAS_URI = `models:/${MODEL}@champion`;

interface Logged {
  run_id: string;
  model_uri: string;
  version: string;
  input_csv: string;
  input_json: string;
  expected: number[];
}

type Result = CommandResult & { answer?: { kind: string; status: number; raw: string }; document?: vscode.TextDocument };

const run = (id: string, arg: object) => vscode.commands.executeCommand<Result>(id, arg);

/** `python -m mlflow …` by hand, as a user would in an activated environment. */
function mlflowByHand(args: string[], env: Record<string, string>, cwd: string, timeoutMs = 300000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(real.python(), ['-m', 'mlflow', ...args], { env: pythonEnv(env), cwd, timeout: timeoutMs, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}

/** A free loopback port from the OS (the extension's defaults, 5000/5001, are shared with everyone else's tests). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: data });
          }
        });
      })
      .on('error', reject);
  });
}

/** The server's processes: those whose command line has `--port <port>`, with all they started (workers). */
async function serverProcesses(port: number): Promise<number[]> {
  const lines = await new Promise<string[]>((resolve) => execFile('ps', ['-eo', 'pid=,args='], (_e, out) => resolve(String(out).split('\n'))));
  const roots = lines.filter((l) => new RegExp(`--port[ =]${port}\\b`).test(l) && !/\bps -eo\b/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
  const table = await processTable();
  return [...new Set(roots.flatMap((p) => treeOf(p, table)))];
}

/** What the flow's terminal shows, into shots/transcripts (read by the harness from the workbench's xterm). */
async function transcript(terminalName: string | undefined, flow: string): Promise<string> {
  const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const file = path.join(root, 'shots', 'transcripts', `mlflow-${real.version()}-${flow}.txt`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  const term = vscode.window.terminals.find((t) => t.name === terminalName) ?? vscode.window.terminals.find((t) => terminalName && t.name.includes(terminalName));
  if (!term) return '';
  term.show(false);
  await new Promise((r) => setTimeout(r, 800));
  console.log(`#dump-terminal ${file}`);
  try {
    await waitFor('the terminal transcript', () => (fs.existsSync(file) ? true : undefined), 10000);
  } catch {
    return '';
  }
  return fs.readFileSync(file, 'utf8');
}

describe(`e2e: model commands with the real mlflow CLI (MLflow ${process.env.MLFLOW_E2E_VERSION ?? '?'})`, function () {
  this.timeout(600000);
  let dir = '';
  let uri = '';
  let logged: Logged;
  let gcRuns: { experiment_id: string; active: string[]; deleted: string[] };
  const venv = () => path.dirname(path.dirname(real.python()));
  const notices: { id: string; message: string; actions: string[] }[] = [];
  let scriptedPrompts: vscode.Disposable | undefined;
  const prompter: Partial<Prompts> = {
    async notify(_kind, message, opts, ...actions) {
      notices.push({ id: opts.id, message, actions });
      return undefined;
    },
  };

  before(async function () {
    this.timeout(900000);
    dir = real.workDir('models');
    uri = `sqlite:///${path.join(dir, 'mlflow.db')}`;
    logged = await py<Logged>('log_model.py', [uri, MODEL, 'champion', path.join(dir, 'in')], {}, 600000);
    gcRuns = await py('runs.py', [uri, 'seed', 'e2e-gc', '1', '3'], {}, 300000);
    scriptedPrompts = (await api()).services.prompter.override(prompter);
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', real.python(), vscode.ConfigurationTarget.Workspace);
    const a = await useTrackingUri(uri);
    const conn = a.services.connections.all()[0];
    assert.equal(conn.state.name, 'connected', JSON.stringify((conn.state as { error?: unknown }).error));
  });

  after(async () => {
    scriptedPrompts?.dispose();
    const cfg = vscode.workspace.getConfiguration('mlflow');
    await cfg.update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg.update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('Serve Model on the registered alias from a venv not on PATH: waits for /ping, Send Test Request returns MLflow\'s predictions, Stop frees the port', async () => {
    const bin = path.join(venv(), 'bin');
    assert.ok(!(process.env.PATH ?? '').split(path.delimiter).includes(bin), `precondition: ${bin} is not on the extension host's PATH`);
    const r = await run(Commands.serveModel, { modelUri: ALIAS_URI, envManager: 'local', port: await freePort(), noPrompt: true, readyTimeoutMs: 420000 });
    const shown = await transcript(r.terminalName, 'serve');
    assert.equal(r.status, 'started', r.message);
    assert.equal(r.ready, true, `the model server did not answer /ping; the terminal showed:\n${shown}`);
    assert.equal(r.command?.env.VIRTUAL_ENV, venv(), 'run as in the activated environment');
    assert.ok(r.command?.env.PATH?.startsWith(`${bin}${path.delimiter}`), r.command?.env.PATH);

    // the model's own input example (3 rows), then a chosen file (5 rows of three classes)
    const example = await run(Commands.sendTestRequest, { serverId: r.serverId });
    assert.equal(example.answer?.status, 200, example.answer?.raw);
    assert.equal((JSON.parse(example.answer!.raw) as { predictions: unknown[] }).predictions.length, 3);
    const chosen = await run(Commands.sendTestRequest, { serverId: r.serverId, file: logged.input_json });
    assert.equal(chosen.answer?.status, 200, chosen.answer?.raw);
    assert.deepEqual((JSON.parse(chosen.answer!.raw) as { predictions: number[] }).predictions, logged.expected);
    assert.match(chosen.document?.getText() ?? '', /"predictions"/);
    await transcript(r.terminalName, 'serve');

    const procs = await serverProcesses(r.port!);
    assert.ok(procs.length >= 1, 'the scoring server runs');
    const stop = await run(Commands.stopModelServer, { serverId: r.serverId });
    assert.equal(stop.portFree, true, 'Stop checked the port');
    await new Promise((res) => setTimeout(res, 2000));
    assert.equal(await portAnswers(r.port!), false, 'nothing answers on the port after Stop');
    assert.deepEqual(procs.filter(alive), [], 'no worker left behind');
    assert.ok(!notices.some((n) => n.id === 'task.failed'), 'stopping is not reported as a failure');
  });

  it('Predict writes the file MLflow itself writes for the same model and input', async () => {
    const ours = path.join(dir, 'predict-extension.json');
    const r = await run(Commands.predictModel, { modelUri: ALIAS_URI, inputPath: logged.input_csv, outputPath: ours, envManager: 'local', noPrompt: true });
    const shown = await transcript(r.terminalName ?? 'predict', 'predict');
    assert.equal(r.status, 'done', `exit ${r.exitCode}; terminal:\n${shown}`);
    const theirs = path.join(dir, 'predict-by-hand.json');
    const byHand = await mlflowByHand(['models', 'predict', '-m', ALIAS_URI, '-i', logged.input_csv, '-t', 'csv', '-o', theirs, '--env-manager', 'local'], { MLFLOW_TRACKING_URI: uri }, dir);
    assert.equal(byHand.code, 0, byHand.out);
    assert.equal(fs.readFileSync(ours, 'utf8'), fs.readFileSync(theirs, 'utf8'));
    assert.deepEqual((JSON.parse(fs.readFileSync(ours, 'utf8')) as { predictions: number[] }).predictions, logged.expected);
  });

  it('Generate Dockerfile writes the Dockerfile MLflow writes by hand', async () => {
    const ours = path.join(dir, 'docker-extension');
    const r = await run(Commands.generateDockerfile, { modelUri: ALIAS_URI, outputDirectory: ours, envManager: 'local', noPrompt: true });
    const shown = await transcript(r.terminalName ?? 'generate', 'generate-dockerfile');
    assert.equal(r.status, 'done', `exit ${r.exitCode}; terminal:\n${shown}`);
    assert.equal(r.outputPath, path.join(ours, 'Dockerfile'));
    const theirs = path.join(dir, 'docker-by-hand');
    const byHand = await mlflowByHand(['models', 'generate-dockerfile', '-m', ALIAS_URI, '-d', theirs, '--env-manager', 'local'], { MLFLOW_TRACKING_URI: uri }, dir);
    assert.equal(byHand.code, 0, byHand.out);
    const dockerfile = fs.readFileSync(path.join(ours, 'Dockerfile'), 'utf8');
    assert.equal(dockerfile, fs.readFileSync(path.join(theirs, 'Dockerfile'), 'utf8'));
    assert.match(dockerfile, /^FROM /m);
    assert.deepEqual(fs.readdirSync(path.join(ours, 'model_dir')).sort(), fs.readdirSync(path.join(theirs, 'model_dir')).sort());
  });

  it('Build Docker Image without a Docker engine says so and offers Generate Dockerfile; forced, MLflow\'s failure is reported once', async () => {
    notices.length = 0;
    const r = await run(Commands.buildDocker, { modelUri: ALIAS_URI, noPrompt: true });
    assert.equal(r.status, 'blocked');
    assert.match(r.message ?? '', /Docker/);
    const n = await waitFor('the Docker notification', () => notices.find((x) => x.id === 'docker.unavailable'));
    assert.match(n.message, /^MLflow: .*Docker/);
    assert.ok(n.actions.includes('Generate Dockerfile Instead'), n.actions.join());
    // past the check, the real CLI fails on the missing engine: one failure notice, no doubled prefix
    const forced = await run(Commands.buildDocker, { modelUri: ALIAS_URI, envManager: 'local', noPrompt: true, skipDockerCheck: true });
    const shown = await transcript(forced.terminalName ?? 'build', 'build-docker');
    assert.equal(forced.status, 'failed');
    assert.notEqual(forced.exitCode, 0);
    const failed = await waitFor('the failure notification', () => notices.find((x) => x.id === 'task.failed'));
    assert.match(failed.message, /^MLflow: build Docker image \S+ failed \(exit code \d+\)/);
    assert.ok(!/MLflow: MLflow/.test(failed.message), failed.message);
    if (shown) assert.match(shown, /[Dd]ocker/);
  });

  it('gc purges exactly the chosen deleted runs (read back with MLflow\'s client)', async () => {
    const [a, b, kept] = gcRuns.deleted;
    const r = await run(Commands.gc, { runIds: [a, b], noPrompt: true, confirmed: true });
    const shown = await transcript(r.terminalName ?? 'gc', 'gc');
    assert.equal(r.status, 'done', `exit ${r.exitCode}; terminal:\n${shown}`);
    assert.deepEqual(r.plan?.runIds, [a, b]);
    const state = await py<Record<string, string>>('runs.py', [uri, 'state', a, b, kept, ...gcRuns.active, logged.run_id]);
    assert.deepEqual(state, { [a]: 'gone', [b]: 'gone', [kept]: 'deleted', [gcRuns.active[0]]: 'active', [logged.run_id]: 'active' });
  });

  it('Start MLflow UI serves the shown store; Stop ends every worker and frees the port', async () => {
    const r = await run(Commands.startUi, { port: await freePort(), noPrompt: true, openBrowser: false, readyTimeoutMs: 300000 });
    const shown = await transcript(r.terminalName, 'ui');
    assert.equal(r.status, 'started', r.message);
    assert.equal(r.ready, true, `the UI did not answer; terminal:\n${shown}`);
    assert.ok(r.command?.args.some((x) => x.startsWith('sqlite:') && x.endsWith(path.join(dir, 'mlflow.db'))), `started on ${uri}: ${r.command?.args.join(' ')}`);
    const health = await getJson(`${r.url}/health`);
    assert.equal(health.status, 200);
    const exps = await getJson(`${r.url}/api/2.0/mlflow/experiments/search?max_results=100`);
    const names = ((exps.body as { experiments?: { name: string }[] }).experiments ?? []).map((e) => e.name).sort();
    assert.deepEqual(names, ['Default', 'e2e-gc', 'e2e-models']);
    const before = await serverProcesses(r.port!);
    assert.ok(before.length >= 2, `the server and its workers run: ${before.join(', ')}`);

    const stop = await run(Commands.stopModelServer, { serverId: r.serverId });
    assert.equal(stop.portFree, true);
    // uvicorn's/gunicorn's manager would restart killed workers within a second or two: the port stays free
    await new Promise((res) => setTimeout(res, 3000));
    assert.equal(await portAnswers(r.port!), false, 'nothing answers on the port');
    assert.deepEqual(before.filter(alive), [], 'no process of the server is left (re-parented workers included)');
  });
});

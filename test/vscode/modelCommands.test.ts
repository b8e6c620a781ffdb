// The model and maintenance commands inside the real extension host, with a fake `mlflow`
// (test/fixtures/fake-mlflow/mlflow) that records its argv and environment: serve (+ test request, stop),
// predict, build-docker, generate-dockerfile, gc and the MLflow UI, from code-lens arguments, tree nodes
// and the palette flows (quick inputs answered by a scripted prompter).
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/models';
import type { Prompts } from '../../src/core/prompter';
import type { ModelNode } from '../../src/explorer/modelsProvider';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, copyToTemp, fakeMlflowCli, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const LOGGED = 'm-e63fa0d1605b40e0a469868bb3b015ca'; // has serving_input_example.json
const DELETED_RUN = 'ca11930773dd40ec9c8b833bb827b068';
const DELETED_EXP = '416468689634622688';

interface Record {
  argv: string[];
  env: { [k: string]: string };
  cwd: string;
}

// ---- the scripted prompter ------------------------------------------------------------------------------

type Opts = { id: string } & object;
type Answer = (items: vscode.QuickPickItem[] | undefined, opts: Opts, extra?: { message?: string; actions?: string[] }) => unknown;
const answers = new Map<string, Answer[]>();
const asked: { id: string; message?: string; detail?: string; actions?: string[] }[] = [];
function answer(id: string, fn: Answer): void {
  answers.set(id, [...(answers.get(id) ?? []), fn]);
}
function next(id: string): Answer | undefined {
  const q = answers.get(id);
  return q?.shift();
}
const scripted: Partial<Prompts> = {
  async pick(items, opts) {
    const list = (await items) as vscode.QuickPickItem[];
    asked.push({ id: opts.id });
    const fn = next(opts.id);
    if (!fn) throw new Error(`unexpected quick pick ${opts.id}: ${list.map((i) => i.label).join(' | ')}`);
    return fn(list, opts) as never;
  },
  async pickMany(items, opts) {
    const list = (await items) as vscode.QuickPickItem[];
    asked.push({ id: opts.id });
    const fn = next(opts.id);
    if (!fn) throw new Error(`unexpected quick pick ${opts.id}`);
    return fn(list, opts) as never;
  },
  async input(opts) {
    asked.push({ id: opts.id });
    const fn = next(opts.id);
    if (!fn) throw new Error(`unexpected input box ${opts.id}`);
    return fn(undefined, opts) as never;
  },
  async confirm(message, opts, ...actions) {
    asked.push({ id: opts.id, message, detail: opts.detail, actions });
    const fn = next(opts.id);
    if (!fn) throw new Error(`unexpected confirmation ${opts.id}: ${message}`);
    return fn(undefined, opts, { message, actions }) as never;
  },
  async open(opts) {
    asked.push({ id: opts.id });
    const fn = next(opts.id);
    if (!fn) throw new Error(`unexpected open dialog ${opts.id}`);
    return fn(undefined, opts) as never;
  },
  async notify(_kind, message, opts, ...actions) {
    asked.push({ id: opts.id, message, actions });
    const fn = next(opts.id);
    return (fn ? fn(undefined, opts, { message, actions }) : undefined) as never;
  },
};
/** The item whose label contains `text`. */
const item = (text: string): Answer => (items) => {
  const found = items?.find((i) => i.label.includes(text));
  if (!found) throw new Error(`no item "${text}" among ${items?.map((i) => i.label).join(' | ')}`);
  return found;
};

// ---- fixtures ----------------------------------------------------------------------------------------------

let tmp: string;
let recordFile: string;
let wrapper: string;
let store: string;

function records(): Record[] {
  if (!fs.existsSync(recordFile)) return [];
  return fs.readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record);
}
function lastRun(words: string[]): Record {
  const r = records().filter((x) => words.every((w, i) => x.argv[i] === w));
  assert.ok(r.length, `no recorded run of mlflow ${words.join(' ')}; recorded: ${records().map((x) => x.argv.join(' ')).join(' / ')}`);
  return r[r.length - 1];
}
async function run(id: string, arg?: unknown): Promise<CommandResult> {
  return (await vscode.commands.executeCommand(id, arg)) as CommandResult;
}
function mlflowTask(action: string): vscode.TaskExecution | undefined {
  return vscode.tasks.taskExecutions.find((e) => e.task.definition.type === 'mlflow' && e.task.definition.action === action);
}
async function setCliPath(p: string): Promise<void> {
  await vscode.workspace.getConfiguration('mlflow').update('cliPath', p, vscode.ConfigurationTarget.Workspace);
}

describe('model commands', function () {
  this.timeout(60000);
  let scriptedPrompts: vscode.Disposable | undefined;

  before(async function () {
    scriptedPrompts = (await api()).services.prompter.override(scripted);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-models-'));
    recordFile = path.join(tmp, 'record.jsonl');
    wrapper = fakeMlflowCli(tmp, recordFile);
    await setCliPath(wrapper);
    store = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
  });

  afterEach(() => {
    const left = [...answers.entries()].filter(([, q]) => q.length);
    answers.clear();
    assert.deepEqual(left.map(([k]) => k), [], 'every scripted answer was used');
  });

  after(async () => {
    scriptedPrompts?.dispose();
    for (const e of vscode.tasks.taskExecutions) if (e.task.definition.type === 'mlflow') e.terminate();
    await setCliPath('');
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('on a file store (fake mlflow)', function () {
    before(async () => {
      const conn = (await useTrackingUri(store)).services.connections.all()[0];
      assert.equal(conn.state.name, 'connected');
    });

    it('serve from a code lens ({modelUri}): exact argv and env in a task, /ping, Send Test Request, Stop', async () => {
      const conn = (await api()).services.connections.all()[0];
      const r = await run(Commands.serveModel, { modelUri: `models:/${LOGGED}`, envManager: 'local', noPrompt: true, readyTimeoutMs: 30000 });
      assert.equal(r.status, 'started', r.message);
      assert.equal(r.ready, true);
      assert.ok(r.port && r.port > 0);
      const rec = lastRun(['models', 'serve']);
      assert.deepEqual(rec.argv, ['models', 'serve', '--model-uri', `models:/${LOGGED}`, '--port', String(r.port), '--env-manager', 'local']);
      assert.equal(rec.env.MLFLOW_TRACKING_URI, conn.resolved!.uri);
      // the task: a ProcessExecution of exactly that argv, in a terminal of its own
      const exec = mlflowTask('serve');
      assert.ok(exec, 'a running mlflow serve task');
      const pe = exec.task.execution as vscode.ProcessExecution;
      assert.ok(pe instanceof vscode.ProcessExecution || 'process' in pe);
      assert.equal(pe.process, wrapper);
      assert.deepEqual(pe.args, rec.argv);
      assert.equal(pe.options?.env?.MLFLOW_TRACKING_URI, conn.resolved!.uri);
      assert.match(r.terminalName ?? '', /^MLflow: Serve .*:\d+$/);
      await waitFor('the serve terminal', () => vscode.window.terminals.find((t) => t.name === r.terminalName));
      // the model's own serving_input_example.json goes to /invocations; the answer opens in an editor
      const t = (await run(Commands.sendTestRequest, { serverId: r.serverId })) as CommandResult & { answer: { kind: string; predictions: unknown }; source: string };
      assert.equal(t.status, 'done', t.message);
      assert.equal(t.source, 'serving_input_example.json');
      assert.equal(t.answer.kind, 'predictions');
      assert.ok(Array.isArray(t.answer.predictions));
      assert.match(vscode.window.activeTextEditor?.document.getText() ?? '', /"predictions"/);
      const stop = await run(Commands.stopModelServer, { serverId: r.serverId });
      assert.equal(stop.status, 'done');
      await waitFor('the serve task to end', () => (mlflowTask('serve') ? undefined : true));
      assert.ok(!asked.some((a) => a.id === 'task.failed'), 'stopping is not reported as a failure');
    });

    it('serve from a Models-view alias node, through the options form (env manager changed, remembered)', async () => {
      const conn = (await api()).services.connections.all()[0];
      const node = { type: 'alias', id: 'x', conn, alias: 'champion', version: '2', modelName: 'iris-classifier', parent: undefined } as unknown as ModelNode;
      answer('serve.form', item('--env-manager'));
      answer('serve.form.envManager', item('local'));
      answer('serve.form', (items) => {
        assert.ok(items?.some((i) => i.label === '--env-manager' && /local/.test(i.description ?? '')), 'the form shows the new value');
        assert.ok(items?.some((i) => i.label.includes('More options')), 'more options are offered');
        return item('Serve')(items, { id: '' });
      });
      const r = await run(Commands.serveModel, node);
      assert.equal(r.status, 'started', r.message);
      const rec = lastRun(['models', 'serve']);
      assert.deepEqual(rec.argv.slice(0, 4), ['models', 'serve', '--model-uri', 'models:/iris-classifier@champion']);
      assert.ok(rec.argv.includes('--env-manager') && rec.argv[rec.argv.indexOf('--env-manager') + 1] === 'local');
      await run(Commands.stopModelServer, { serverId: r.serverId });
      // remembered for the next run in this workspace
      const again = await run(Commands.serveModel, { modelUri: `models:/${LOGGED}`, noPrompt: true });
      assert.ok(lastRun(['models', 'serve']).argv.join(' ').includes('--env-manager local'));
      await run(Commands.stopModelServer, { serverId: again.serverId });
    });

    it('Models view: Serve and Predict on the @champion row run mlflow models serve / predict with its URI', async () => {
      const a = await api();
      const child = async (parent: ModelNode | undefined, text: string): Promise<ModelNode> => {
        const kids = await a.services.models.getChildren(parent);
        const found = kids.find((k) => String(a.services.models.getTreeItem(k).label) === text);
        assert.ok(found, `no "${text}" among: ${kids.map((k) => String(a.services.models.getTreeItem(k).label)).join(', ')}`);
        return found;
      };
      const alias = await child(await child(await child(undefined, 'Registered Models'), 'iris-classifier'), '@champion');
      answer('serve.form', item('Serve'));
      const served = await run(Commands.modelsServe, alias);
      assert.equal(served.status, 'started', served.message);
      assert.deepEqual(lastRun(['models', 'serve']).argv.slice(0, 4), ['models', 'serve', '--model-uri', 'models:/iris-classifier@champion']);
      await run(Commands.stopModelServer, { serverId: served.serverId });
      const input = path.join(tmp, 'champion input.csv');
      fs.writeFileSync(input, 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n');
      answer('predict.input', item('Browse'));
      answer('predict.input.browse', () => [vscode.Uri.file(input)]);
      answer('predict.form', item('Predict'));
      const predicted = await run(Commands.modelsPredict, alias);
      assert.equal(predicted.status, 'done', predicted.message);
      assert.deepEqual(lastRun(['models', 'predict']).argv.slice(0, 6), ['models', 'predict', '--model-uri', 'models:/iris-classifier@champion', '--input-path', input]);
    });

    it('"More options…" reaches every option (workers, timeout) and checks typed values', async () => {
      answer('serve.form', item('More options'));
      answer('serve.form', item('--workers'));
      answer('serve.form.workers', (_i, opts) => {
        const validate = (opts as vscode.InputBoxOptions).validateInput as (t: string) => string | undefined;
        assert.match(validate('zero') ?? '', /whole number/);
        return '3';
      });
      answer('serve.form', item('--timeout'));
      answer('serve.form.timeout', () => '120');
      answer('serve.form', item('Serve'));
      const r = await run(Commands.serveModel, { modelUri: `models:/${LOGGED}` });
      const argv = lastRun(['models', 'serve']).argv.join(' ');
      assert.match(argv, /--timeout 120 --workers 3/);
      await run(Commands.stopModelServer, { serverId: r.serverId });
    });

    it('predict: a CSV from the workspace, content type inferred, output written and opened', async () => {
      const input = path.join(tmp, 'iris input.csv');
      fs.writeFileSync(input, 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.2,2.9,4.3,1.3\n6.9,3.1,5.4,2.1\n');
      const r = await run(Commands.predictModel, { modelUri: 'models:/iris-classifier/2', inputPath: input, envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      assert.equal(r.exitCode, 0);
      const out = path.join(tmp, 'iris input.predictions.json');
      assert.equal(r.outputPath, out);
      assert.deepEqual(lastRun(['models', 'predict']).argv, ['models', 'predict', '--model-uri', 'models:/iris-classifier/2', '--input-path', input, '--output-path', out, '--content-type', 'csv', '--env-manager', 'local']);
      assert.deepEqual(JSON.parse(fs.readFileSync(out, 'utf8')), { predictions: [0, 1, 2] });
      await waitFor('the output in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === out || undefined);
    });

    it('predict from the palette: model and input picked, a failing exit code is reported with Show Output', async () => {
      const input = path.join(tmp, 'rows.json');
      fs.writeFileSync(input, JSON.stringify({ dataframe_records: [{ a: 1 }] }));
      answer('model.pick', item('Enter a model URI'));
      answer('model.pick.uri', () => 'models:/no-such-model/1');
      answer('predict.input', item('Browse'));
      answer('predict.input.browse', () => [vscode.Uri.file(input)]);
      answer('predict.form', (items) => {
        assert.ok(items?.some((i) => i.label.includes('Input') && i.description === input));
        return item('Predict')(items, { id: '' });
      });
      answer('task.failed', () => undefined);
      const r = await run(Commands.predictModel);
      assert.equal(r.status, 'failed');
      assert.equal(r.exitCode, 1);
      assert.ok(lastRun(['models', 'predict']).argv.includes('json'), 'JSON content type from the extension');
      await waitFor('the failure notification', () => asked.find((a) => a.id === 'task.failed' && /^MLflow: predict with .* failed \(exit code 1\)/.test(a.message ?? "") && !/MLflow: MLflow/.test(a.message ?? "")));
      assert.ok(asked.find((a) => a.id === 'task.failed')?.actions?.includes('Show Output'));
    });

    it('build-docker: says so when no Docker engine answers; runs when one does', async () => {
      const savedPath = process.env.PATH;
      const savedHost = process.env.DOCKER_HOST;
      try {
        process.env.PATH = '/nonexistent';
        process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
        answer('docker.unavailable', () => undefined);
        const blocked = await run(Commands.buildDocker, { modelUri: 'models:/iris-classifier@champion', noPrompt: true });
        assert.equal(blocked.status, 'blocked');
        assert.match(blocked.message ?? '', /Docker/);
        const dockerDir = path.join(tmp, 'dockerbin');
        fs.mkdirSync(dockerDir, { recursive: true });
        fs.writeFileSync(path.join(dockerDir, 'docker'), '#!/bin/sh\necho 27.3.1\n', { mode: 0o755 });
        process.env.PATH = `${dockerDir}:${savedPath}`;
        const r = await run(Commands.buildDocker, { modelUri: 'models:/iris-classifier@champion', name: 'iris-test:1', noPrompt: true });
        assert.equal(r.status, 'done', r.message);
        assert.deepEqual(lastRun(['models', 'build-docker']).argv, ['models', 'build-docker', '--model-uri', 'models:/iris-classifier@champion', '--name', 'iris-test:1']);
      } finally {
        process.env.PATH = savedPath;
        if (savedHost === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = savedHost;
      }
    });

    it('generate-dockerfile: writes into the workspace and opens the Dockerfile', async () => {
      const r = await run(Commands.generateDockerfile, { modelUri: 'models:/iris-classifier@champion', outputDirectory: 'dockerfile-out', envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      const rec = lastRun(['models', 'generate-dockerfile']);
      assert.deepEqual(rec.argv, ['models', 'generate-dockerfile', '--model-uri', 'models:/iris-classifier@champion', '--output-directory', 'dockerfile-out', '--env-manager', 'local']);
      const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
      assert.equal(rec.cwd, ws);
      assert.equal(r.outputPath, path.join(ws, 'dockerfile-out', 'Dockerfile'));
      await waitFor('the Dockerfile in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === r.outputPath || undefined);
      fs.rmSync(path.join(ws, 'dockerfile-out'), { recursive: true, force: true });
    });

    it('gc from the palette: lists what goes, passes the deleted experiments explicitly, asks a modal confirmation', async () => {
      const conn = (await api()).services.connections.all()[0];
      answer('gc.scope', item('Choose deleted runs'));
      answer('gc.runs', (items) => items?.filter((i) => i.description === DELETED_RUN));
      answer('gc.form', item('Review and Purge'));
      answer('gc.confirm', (_i, _o, x) => {
        assert.match(x?.message ?? '', /Permanently delete 1 deleted run and 1 deleted experiment/);
        return 'Delete Permanently';
      });
      const r = await run(Commands.gc);
      assert.equal(r.status, 'done', r.message);
      const conf = asked.find((a) => a.id === 'gc.confirm')!;
      assert.match(conf.detail ?? '', /obsolete-experiment/);
      assert.match(conf.detail ?? '', /deleted-run/);
      assert.match(conf.detail ?? '', /--experiment-ids/);
      const rec = lastRun(['gc']);
      assert.deepEqual(rec.argv, ['gc', '--backend-store-uri', conn.resolved!.uri, '--run-ids', DELETED_RUN, '--experiment-ids', DELETED_EXP]);
      assert.equal(rec.env.MLFLOW_TRACKING_URI, conn.resolved!.uri);
    });

    it('gc: cancelling the confirmation runs nothing; --older-than is passed', async () => {
      const before = records().length;
      answer('gc.confirm', () => undefined);
      const r = await run(Commands.gc, { olderThan: '30d', noPrompt: true });
      assert.equal(r.status, 'cancelled');
      assert.equal(records().length, before);
      const ok = await run(Commands.gc, { olderThan: '30d', noPrompt: true, confirmed: true });
      assert.equal(ok.status, 'done', JSON.stringify(ok) + JSON.stringify(asked.slice(-3)));
      assert.deepEqual(lastRun(['gc']).argv, ['gc', '--older-than', '30d', '--backend-store-uri', (await api()).services.connections.all()[0].resolved!.uri]);
    });

    it('Start MLflow UI: mlflow ui on a free port for the store, ready once it answers', async () => {
      const conn = (await api()).services.connections.all()[0];
      const r = await run(Commands.startUi, { noPrompt: true, openBrowser: false });
      assert.equal(r.status, 'started', r.message);
      assert.equal(r.ready, true);
      assert.deepEqual(lastRun(['ui']).argv, ['ui', '--backend-store-uri', conn.resolved!.uri, '--port', String(r.port)]);
      const res = await fetch(`${r.url}/health`);
      assert.equal(res.status, 200);
      await run(Commands.stopModelServer, { serverId: r.serverId });
    });

    it('mlflow is probed with --version once per path', () => {
      const probes = records().filter((x) => x.argv[0] === '--version');
      assert.equal(probes.length, 1);
    });

    it('a broken mlflow.cliPath is explained with actions', async () => {
      await setCliPath(path.join(tmp, 'nope', 'mlflow'));
      try {
        answer('cli.problem', () => undefined);
        const r = await run(Commands.serveModel, { modelUri: 'models:/x/1', noPrompt: true });
        assert.equal(r.status, 'blocked');
        const p = await waitFor('the explanation', () => asked.find((a) => a.id === 'cli.problem'));
        assert.match(p.message ?? '', /does not exist/);
        assert.ok(p.actions?.includes('Open Settings'));
        // offered only where it can work: with the Python extension (issue 16 #4)
        assert.equal(p.actions?.includes('Select Python Interpreter'), !!vscode.extensions.getExtension('ms-python.python'));
      } finally {
        await setCliPath(wrapper);
      }
    });
  });

  describe('on a tracking server with credentials (fake mlflow)', function () {
    let server: http.Server;
    let url: string;
    let ws: string;

    before(async function () {
      server = http.createServer((req, res) => {
        const ok = req.headers.authorization === `Basic ${Buffer.from('alice:s3cret pass').toString('base64')}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(ok ? JSON.stringify({ experiments: [] }) : '{"error_code":"UNAUTHENTICATED"}');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const a = await api();
      await a.services.credentials.set(url, { type: 'basic', username: 'alice', password: 's3cret pass' });
      const conn = (await useTrackingUri(url)).services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', JSON.stringify(conn.state));
      ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    });

    after(async () => {
      server?.close();
      if (url) await (await api()).services.credentials.delete(url);
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('predict: tracking URI and credentials in the environment, never in argv', async () => {
      const input = path.join(ws, 'in.csv');
      fs.writeFileSync(input, 'a,b\n1,2\n');
      const r = await run(Commands.predictModel, { modelUri: 'models:/iris-classifier@champion', inputPath: 'in.csv', envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      const rec = lastRun(['models', 'predict']);
      assert.equal(rec.env.MLFLOW_TRACKING_URI, url);
      assert.equal(rec.env.MLFLOW_TRACKING_USERNAME, 'alice');
      assert.equal(rec.env.MLFLOW_TRACKING_PASSWORD, 's3cret pass');
      assert.ok(!rec.argv.some((a) => a.includes('s3cret') || a.includes(url)), `argv: ${rec.argv.join(' ')}`);
      assert.equal(rec.argv[rec.argv.indexOf('--input-path') + 1], input, 'relative input resolved against the workspace');
    });

    it('gc on a server connection explains that it needs the backend store', async () => {
      answer('gc.http', () => undefined);
      const r = await run(Commands.gc, {});
      assert.equal(r.status, 'cancelled');
      const q = asked.find((a) => a.id === 'gc.http')!;
      assert.match(q.message ?? '', /cannot purge through/);
      const blocked = await run(Commands.gc, { noPrompt: true });
      assert.equal(blocked.status, 'blocked');
    });

    it('Start MLflow UI on a server connection offers the server\'s own UI', async () => {
      answer('ui.rest', () => undefined);
      const r = await run(Commands.startUi, { noPrompt: true });
      assert.equal(r.status, 'blocked');
      assert.equal(r.url, url);
    });
  });
});

// Security in the real extension host: webview HTML without data and the message validator at the
// boundary (hostile store), shell metacharacters through the model commands (fake mlflow records
// argv), secrets of a basic-auth and a bearer-token server never written anywhere, destructive
// actions only after confirmation, SQLite stores never written.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { detectShellKind, quoteForShell, type ShellKind } from '../../src/cli/quote';
import type { CommandResult } from '../../src/models';
import type { Prompts } from '../../src/core/prompter';
import type { Node } from '../../src/explorer/nodes';
import type { RunDetailsToWebview } from '../../src/runDetails/protocol';
import type { PanelController } from '../../src/webviews/panel';
import { HOSTILE, writeHostileStore, type HostileStore } from '../support/hostileStore';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, copyToTemp, fakeMlflowCli, filesUnder, recordWebviews, useTrackingUri, waitFor, webviewMessages } from './helpers';
import { Commands } from '../../src/ids';

// ---- fixtures -----------------------------------------------------------------------------------------------------

interface Rec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

let tmp: string;
let recordFile: string;
let wrapper: string;

function records(): Rec[] {
  if (!fs.existsSync(recordFile)) return [];
  return fs.readFileSync(recordFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);
}
function lastRun(words: string[]): Rec {
  const r = records().filter((x) => words.every((w, i) => x.argv[i] === w));
  assert.ok(r.length, `no recorded mlflow ${words.join(' ')}`);
  return r[r.length - 1];
}
const run = async (id: string, arg?: unknown) => (await vscode.commands.executeCommand(id, arg)) as CommandResult;

/** A connection state as text (the state object itself holds the store, which is circular). */
function stateText(s: { name: string }): string {
  const e = (s as { error?: { message?: string; userMessage?: string } }).error;
  return e ? `${s.name}: ${e.userMessage ?? ''} ${e.message ?? ''}` : s.name;
}

/** Replaces vscode.window[name] for the test; returns the restore function. */
function stubWindow(name: 'showWarningMessage' | 'showErrorMessage' | 'showInformationMessage' | 'showQuickPick' | 'showInputBox', fn: (...a: unknown[]) => unknown): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const orig = w[name];
  w[name] = fn;
  assert.strictEqual(w[name], fn, `vscode.window.${name} could not be stubbed`);
  return () => {
    w[name] = orig;
  };
}

/** Scripted answers for the model commands' prompter (quick picks by id). */
const answers = new Map<string, ((items: vscode.QuickPickItem[]) => unknown)[]>();
/** Messages the commands showed through the prompter (every command's failure goes there). */
const notified: string[] = [];
const scripted: Partial<Prompts> = {
  async pick(items, opts) {
    const list = (await items) as vscode.QuickPickItem[];
    const fn = answers.get(opts.id)?.shift();
    if (!fn) throw new Error(`unexpected quick pick ${opts.id}`);
    return fn(list) as never;
  },
  async notify(_kind, message, _opts, ...actions) {
    notified.push(message, JSON.stringify(actions));
    return undefined as never;
  },
  async confirm() {
    return undefined as never;
  },
};
function answer(id: string, fn: (items: vscode.QuickPickItem[]) => unknown): void {
  answers.set(id, [...(answers.get(id) ?? []), fn]);
}

async function allNodes(a: Awaited<ReturnType<typeof api>>, depth: number, parent?: Node): Promise<Node[]> {
  const kids = await a.services.experiments.getChildren(parent);
  const out: Node[] = [...kids];
  if (depth > 0) for (const k of kids.slice(0, 20)) {
    const item = a.services.experiments.getTreeItem(k);
    if (item.collapsibleState !== vscode.TreeItemCollapsibleState.None) out.push(...(await allNodes(a, depth - 1, k)));
  }
  return out;
}

function hashDir(dir: string): Record<string, string> {
  const h: Record<string, string> = {};
  for (const f of filesUnder(dir)) h[path.relative(dir, f)] = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  return h;
}

// One outer suite: its before/after must not become root hooks of every extension-host suite.
describe('security', function () {
  recordWebviews();
  let scriptedPrompts: vscode.Disposable | undefined;
  before(async function () {
    this.timeout(60000);
    const a = await api();
    // Options remembered by earlier suites (e.g. --workers 3) would be added to the argv checked here.
    const ws = a.services.context.workspaceState;
    for (const k of ws.keys()) if (k.startsWith('mlflow.models.')) await ws.update(k, undefined);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-sec-'));
    recordFile = path.join(tmp, 'record.jsonl');
    wrapper = fakeMlflowCli(tmp, recordFile);
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', wrapper, vscode.ConfigurationTarget.Workspace);
    scriptedPrompts = a.services.prompter.override(scripted);
  });

  after(async () => {
    scriptedPrompts?.dispose();
    for (const e of vscode.tasks.taskExecutions) if (e.task.definition.type === 'mlflow') e.terminate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // ---- 1. webviews on a hostile store -------------------------------------------------------------------

  describe('security: webviews on a store of hostile strings', function () {
    this.timeout(90000);
    let hs: HostileStore;
    let connKey: string;

    before(async function () {
      hs = writeHostileStore(fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-hostile-')));
      const a = await useTrackingUri(hs.storeDir);
      const conn = a.services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', stateText(conn.state));
      connKey = conn.key;
    });
    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('tree labels and tooltips carry the hostile names as plain strings (not MarkdownStrings with HTML enabled)', async () => {
      const a = await api();
      const nodes = await allNodes(a, 2);
      const items = nodes.map((n) => a.services.experiments.getTreeItem(n));
      const labels = items.map((i) => (typeof i.label === 'string' ? i.label : i.label?.label ?? ''));
      assert.ok(labels.includes(HOSTILE.experimentName), `experiment label: ${labels.slice(0, 10).join(' | ')}`);
      for (const i of items) {
        if (i.tooltip instanceof vscode.MarkdownString) {
          // store data never becomes markdown (was: the git commit went into a code span raw; a backtick broke out)
          assert.ok(!i.tooltip.value.includes('**PWNED**'), `markdown injected into the tooltip: ${i.tooltip.value}`);
          assert.ok(!i.tooltip.supportHtml, `tooltip of ${String(i.label)} enables HTML`);
          assert.ok(!i.tooltip.isTrusted, `tooltip of ${String(i.label)} is trusted (command: links would run)`);
        }
      }
    });

    it('the run details and plots HTML holds no store data and a strict CSP; the data arrives by message', async () => {
      const runId = hs.runIds[0];
      const c = await vscode.commands.executeCommand<PanelController>('mlflow.openRunDetails', { connKey, runId });
      await waitFor('runDetails posted', () => webviewMessages(c).find((r) => r.type === 'runDetails'), 30000);
      const p = await vscode.commands.executeCommand<PanelController>('mlflow.compareRuns', { connKey, runIds: hs.runIds });
      await waitFor('plotInit posted', () => webviewMessages(p).find((r) => r.type === 'plotInit'), 30000);
      for (const ctl of [c, p]) {
        const html = ctl.panel.webview.html;
        for (const s of [HOSTILE.experimentName, ...HOSTILE.runNames, HOSTILE.paramKey, HOSTILE.paramValue, HOSTILE.tagValue, HOSTILE.metricKey, HOSTILE.user]) {
          assert.ok(!html.includes(s), `HTML contains store data ${s}`);
        }
        assert.ok(!/__pwned|onerror|onload|alert\(/.test(html), 'no payload fragment in the HTML');
        const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;/g, "'") ?? '';
        assert.match(csp, /default-src 'none'/);
        const script = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
        assert.match(script, /^'nonce-[A-Za-z0-9+/=]+'$/, `script-src: ${script}`);
        assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
        // exactly one script element, carrying the nonce of the CSP
        const scripts = html.match(/<script\b[^>]*>/g) ?? [];
        assert.equal(scripts.length, 1);
        assert.ok(scripts[0]!.includes(`nonce="${/'nonce-([^']+)'/.exec(script)![1]}"`));
      }
      const details = webviewMessages(c).find((r) => r.type === 'runDetails')!.msg as Extract<RunDetailsToWebview, { type: 'runDetails' }>;
      assert.equal(details.details.name, HOSTILE.runNames[0], 'the name travels as data');
      assert.equal(details.details.note, HOSTILE.note);
    });

    it('the message validator drops malformed and unknown messages at the boundary; non-http links are refused', async () => {
      const c = await vscode.commands.executeCommand<PanelController>('mlflow.openRunDetails', { connKey, runId: hs.runIds[1] });
      await waitFor('runDetails posted', () => webviewMessages(c).find((r) => r.type === 'runDetails'), 30000);
      const before = webviewMessages(c, 'fromWebview').length;
      const opened: string[] = [];
      const env = vscode.env as unknown as Record<string, unknown>;
      const origOpen = env.openExternal;
      let stubbed = false;
      try {
        env.openExternal = async (u: vscode.Uri) => (opened.push(u.toString()), true);
        stubbed = env.openExternal !== origOpen;
      } catch {
        stubbed = false;
      }
      const receive = (m: unknown) => (c as unknown as { receive(m: unknown): void }).receive(m);
      try {
        for (const m of [
          null,
          'openLink',
          { type: 'openLink' },
          { type: 'openLink', url: 'https://x', extra: 1 },
          { type: '__proto__', url: 'x' },
          { type: 'constructor' },
          { type: 'runCommand', command: 'workbench.action.quit' },
          { type: 'copy', text: 'x'.repeat(200_000) },
          { type: 'openArtifact', path: { toString: () => '../../etc/passwd' } },
          JSON.parse('{"type":"refresh","__proto__":{"polluted":1}}'),
        ]) receive(m);
        assert.equal(webviewMessages(c, 'fromWebview').length, before, 'no malformed message got through');
        assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
        for (const url of ['javascript:parent.__pwned=1', 'command:workbench.action.quit', 'file:///etc/passwd', 'vscode://x/y', 'data:text/html,<script>1</script>']) receive({ type: 'openLink', url });
        await new Promise((r) => setTimeout(r, 300));
        if (stubbed) assert.deepEqual(opened, [], 'no non-http link was opened');
        assert.equal(webviewMessages(c, 'fromWebview').length, before + 5, 'well-formed openLink messages are received (then refused by the handler)');
      } finally {
        if (stubbed) env.openExternal = origOpen;
      }
    });
  });

  // ---- 2. shell metacharacters through the model commands -------------------------------------------------

  const META = "$(touch CANARY)`touch CANARY`;touch CANARY&&touch CANARY|touch CANARY 'q' \"dq\" ünï🚀 \u202e";

  describe('security: shell metacharacters through the model commands (fake mlflow)', function () {
    this.timeout(90000);
    let ws: string;
    let storePath: string;
    let watched: string[];

    before(async function () {
      ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
      // the store itself lives at a hostile path (gc gets it as --backend-store-uri)
      const parent = path.join(tmp, `store ${META}`);
      fs.mkdirSync(parent, { recursive: true });
      storePath = path.join(parent, 'mlruns');
      fs.cpSync(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'), storePath, { recursive: true });
      const conn = (await useTrackingUri(storePath)).services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', stateText(conn.state));
      watched = [ws, tmp, parent, os.homedir(), process.cwd()];
    });

    const noCanary = () => {
      for (const d of watched) assert.ok(!fs.existsSync(path.join(d, 'CANARY')), `CANARY created in ${d}`);
    };

    it('serve: the model URI arrives as one argument, byte for byte', async () => {
      const uri = `models:/${META}/1`;
      const r = await run(Commands.serveModel, { modelUri: uri, envManager: 'local', noPrompt: true, readyTimeoutMs: 30000 });
      assert.equal(r.status, 'started', r.message);
      const rec = lastRun(['models', 'serve']);
      assert.deepEqual(rec.argv, ['models', 'serve', '--model-uri', uri, '--port', String(r.port), '--env-manager', 'local']);
      await run(Commands.stopModelServer, { serverId: r.serverId });
      noCanary();
    });

    it('predict: input and output paths with metacharacters', async () => {
      const input = path.join(tmp, `in ${META}.csv`);
      fs.writeFileSync(input, 'a,b\n1,2\n');
      const uri = `runs:/0123456789abcdef0123456789abcdef/${META}`;
      const r = await run(Commands.predictModel, { modelUri: uri, inputPath: input, envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      const rec = lastRun(['models', 'predict']);
      assert.deepEqual(rec.argv, ['models', 'predict', '--model-uri', uri, '--input-path', input, '--output-path', r.outputPath!, '--content-type', 'csv', '--env-manager', 'local']);
      assert.ok(fs.existsSync(r.outputPath!), 'the output went to the hostile path itself');
      noCanary();
    });

    it('generate-dockerfile: an output directory with metacharacters', async () => {
      const dir = `out ${META}`;
      const r = await run(Commands.generateDockerfile, { modelUri: `models:/m@${META.replace(/[^\w ]/g, 'x')}`, outputDirectory: dir, envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      assert.deepEqual(lastRun(['models', 'generate-dockerfile']).argv.slice(4), ['--output-directory', dir, '--env-manager', 'local']);
      assert.ok(fs.existsSync(path.join(ws, dir, 'Dockerfile')));
      fs.rmSync(path.join(ws, dir), { recursive: true, force: true });
      noCanary();
    });

    it('gc: a backend store at a path with metacharacters', async () => {
      const conn = (await api()).services.connections.all()[0];
      const r = await run(Commands.gc, { olderThan: '30d', noPrompt: true, confirmed: true });
      assert.equal(r.status, 'done', r.message);
      assert.deepEqual(lastRun(['gc']).argv, ['gc', '--older-than', '30d', '--backend-store-uri', conn.resolved!.uri]);
      assert.ok(decodeURIComponent(conn.resolved!.uri).includes("$(touch CANARY)"), conn.resolved!.uri);
      noCanary();
    });

    it('Copy Command Line, pasted into every installed shell, runs exactly the argv', async () => {
      const input = path.join(tmp, `copy ${META}.csv`);
      fs.writeFileSync(input, 'a,b\n1,2\n');
      const uri = `models:/${META}/2`;
      answer('predict.form', (items) => items.find((i) => i.label.includes('Copy Command Line')));
      answer('predict.form', () => undefined);
      const r = await run(Commands.predictModel, { modelUri: uri, inputPath: input, envManager: 'local' });
      assert.equal(r.status, 'cancelled', JSON.stringify(r));
      const line = await vscode.env.clipboard.readText();
      const kind: ShellKind = detectShellKind(vscode.env.shell) ?? 'bash';
      const expected = ['models', 'predict', '--model-uri', uri, '--input-path', input];
      const exe = (k: ShellKind) => (k === 'sh' ? 'sh' : k);
      const paste = (sh: ShellKind, cmd: string): string[] => {
        const n = records().length;
        const res = spawnSync(exe(sh), sh === 'fish' ? ['--no-config', '-c', cmd] : ['-c', cmd], { cwd: tmp, encoding: 'utf8', timeout: 30000 });
        const recs = records();
        assert.equal(recs.length, n + 1, `${sh}: ${res.stderr}`);
        return recs[recs.length - 1].argv;
      };
      // the line on the clipboard, in the shell it was written for
      const argv = paste(kind, line);
      assert.deepEqual(argv.slice(0, expected.length), expected, kind);
      assert.ok(!argv.some((x) => x.startsWith('MLFLOW_TRACKING')), 'no environment in the line');
      // the same argv quoted for each other installed shell
      const tried = [kind];
      for (const sh of ['bash', 'sh', 'zsh', 'fish'] as ShellKind[]) {
        if (sh === kind || spawnSync('which', [exe(sh)]).status !== 0) continue;
        assert.deepEqual(paste(sh, quoteForShell([wrapper, ...argv], sh)), argv, sh);
        tried.push(sh);
      }
      console.log(`      copied line (${kind}) ran exactly; also pasted into ${tried.slice(1).join(', ')}`);
      noCanary();
    });
  });

  // ---- 3. secrets ---------------------------------------------------------------------------------------------

  describe('security: secrets never leave SecretStorage (basic auth + bearer token)', function () {
    this.timeout(120000);
    const RIGHT = 'password1234'; // the replay server's admin password (v3-auth transcripts)
    const WRONG = `wrong-${crypto.randomBytes(6).toString('hex')}`;
    const TOKEN = `tok-${crypto.randomBytes(12).toString('hex')}`;
    const shown: string[] = [];
    const logged: string[] = [];
    const restores: (() => void)[] = [];
    const panels: PanelController[] = [];
    let replay: { url: string; close(): Promise<void> } | undefined;
    let bearer: http.Server | undefined;
    let bearerUrl = '';
    const inputs: string[] = [];

    before(async function () {
      const a = await api();
      // spy on everything logged and every message shown
      const log = a.services.log as unknown as Record<string, (...x: unknown[]) => unknown>;
      for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append', 'replace']) {
        const orig = log[m];
        if (typeof orig !== 'function') continue;
        log[m] = function (this: unknown, ...x: unknown[]) {
          logged.push(x.map(String).join(' '));
          return orig.apply(a.services.log, x);
        };
        restores.push(() => (log[m] = orig));
      }
      inputs.push('admin', WRONG, 'admin', RIGHT);
      restores.push(
        stubWindow('showWarningMessage', async (msg, ...rest) => {
          shown.push(String(msg), JSON.stringify(rest));
          return /MLflow: /.test(String(msg)) && rest.includes('Sign In') ? 'Sign In' : undefined;
        }),
        stubWindow('showErrorMessage', async (msg, ...rest) => void shown.push(String(msg), JSON.stringify(rest))),
        stubWindow('showInformationMessage', async (msg, ...rest) => void shown.push(String(msg), JSON.stringify(rest))),
        stubWindow('showQuickPick', async (items: unknown) => ((await items) as { id?: string }[]).find((i) => i.id === 'basic')),
        stubWindow('showInputBox', async (opts: unknown) => {
          shown.push(String((opts as vscode.InputBoxOptions).title));
          return inputs.shift();
        }),
      );
      const { startReplayServer } = await import('../support/replayServer');
      replay = await startReplayServer(['v3-auth', 'v3'], { lenient: true });
      bearer = http.createServer((req, res) => {
        const ok = req.headers.authorization === `Bearer ${TOKEN}`;
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        if (!ok) return void res.end('{"error_code":"UNAUTHENTICATED","message":"bad token"}');
        const u = req.url ?? '';
        if (u.includes('experiments/search')) return void res.end(JSON.stringify({ experiments: [{ experiment_id: '7', name: 'bearer-exp', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/7' }] }));
        if (u.includes('experiments/get')) return void res.end(JSON.stringify({ experiment: { experiment_id: '7', name: 'bearer-exp', lifecycle_stage: 'active' } }));
        if (u.includes('runs/search')) return void res.end(JSON.stringify({ runs: [] }));
        res.end('{}');
      });
      await new Promise<void>((r) => bearer!.listen(0, '127.0.0.1', r));
      bearerUrl = `http://127.0.0.1:${(bearer.address() as { port: number }).port}`;
    });

    after(async () => {
      for (const p of panels) p.dispose();
      restores.reverse().forEach((r) => r());
      const a = await api();
      if (replay) await a.services.credentials.delete(replay.url);
      if (bearerUrl) await a.services.credentials.delete(bearerUrl);
      await replay?.close();
      bearer?.close();
    });

    it('basic auth: 401 → Sign In (wrong password → 401 again → right one), browse, details, plots, predict', async () => {
      const a = await useTrackingUri(replay!.url);
      const conn = a.services.connections.all()[0];
      await waitFor('signed in after the second prompt', () => (conn.state.name === 'connected' ? true : undefined), 45000);
      assert.deepEqual(inputs, [], 'both sign-in prompts were answered (the wrong password first)');
      assert.deepEqual(await a.services.credentials.get(replay!.url), { type: 'basic', username: 'admin', password: RIGHT });
      a.services.experiments.refresh();
      const nodes = await allNodes(a, 2);
      const runNodes = nodes.filter((n) => (n as { type: string }).type === 'run') as (Node & { run: { info: { runId: string } } })[];
      assert.ok(runNodes.length, `a run among ${nodes.length} nodes`);
      // the replay server answers only what its transcripts recorded: take the first run whose details it serves
      let runId = '';
      const notices: string[] = [];
      for (const rn of runNodes.slice(0, 8)) {
        const d = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey: conn.key, runId: rn.run.info.runId });
        panels.push(d);
        const first = await waitFor('run details', () => webviewMessages(d).find((r) => r.type === 'runDetails' || r.type === 'notice'), 30000);
        if (first.type === 'runDetails') {
          runId = rn.run.info.runId;
          break;
        }
        notices.push(JSON.stringify(first.msg));
      }
      assert.ok(runId, `no run's details could be shown: ${notices.join(' / ')}`);
      const p = await vscode.commands.executeCommand<PanelController>(Commands.plotMetric, { connKey: conn.key, runIds: [runId] });
      panels.push(p);
      await waitFor('plots', () => webviewMessages(p).find((r) => r.type === 'plotInit' || r.type === 'notice'), 30000);
      const input = path.join(tmp, 'basic.csv');
      fs.writeFileSync(input, 'a\n1\n');
      const r = await run(Commands.predictModel, { modelUri: 'models:/iris-classifier@champion', inputPath: input, envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      const rec = lastRun(['models', 'predict']);
      assert.equal(rec.env.MLFLOW_TRACKING_PASSWORD, RIGHT, 'credentials reach mlflow through its environment');
    });

    it('bearer token: browse and predict', async () => {
      const a = await api();
      await a.services.credentials.set(bearerUrl, { type: 'bearer', token: TOKEN });
      await useTrackingUri(bearerUrl);
      const conn = a.services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', stateText(conn.state));
      const nodes = await allNodes(a, 1);
      assert.ok(nodes.some((n) => a.services.experiments.getTreeItem(n).label === 'bearer-exp'));
      const input = path.join(tmp, 'bearer.csv');
      fs.writeFileSync(input, 'a\n1\n');
      const r = await run(Commands.predictModel, { modelUri: 'models:/iris-classifier@champion', inputPath: input, envManager: 'local', noPrompt: true });
      assert.equal(r.status, 'done', r.message);
      assert.equal(lastRun(['models', 'predict']).env.MLFLOW_TRACKING_TOKEN, TOKEN);
      // and a wrong token: an error the user sees, without the token
      await a.services.credentials.set(bearerUrl, { type: 'bearer', token: `${TOKEN}-wrong` });
      await conn.reconnect();
      await waitFor('401 with a wrong token', () => (conn.state.name === 'error' ? true : undefined));
      shown.push(stateText(conn.state));
      await a.services.credentials.set(bearerUrl, { type: 'bearer', token: TOKEN });
    });

    it('neither password nor token appears in anything the extension wrote, logged, showed or persisted', async function () {
      const ud = process.env.MLFLOW_TEST_USER_DATA_DIR;
      await new Promise((r) => setTimeout(r, 2500)); // log files and state are written asynchronously
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const needles = [RIGHT, WRONG, TOKEN, b64(`admin:${RIGHT}`), b64(`admin:${WRONG}`)];
      const hits: string[] = [];
      const files = [...(ud ? filesUnder(ud) : []), ...filesUnder(vscode.workspace.workspaceFolders![0].uri.fsPath)];
      for (const f of files) {
        let buf: Buffer;
        try {
          buf = fs.readFileSync(f);
        } catch {
          continue;
        }
        for (const n of needles) {
          if (buf.includes(Buffer.from(n)) || buf.includes(Buffer.from(n, 'utf16le'))) hits.push(`${f}: ${n === RIGHT || n === WRONG ? 'password' : n === TOKEN ? 'token' : 'basic header'}`);
        }
      }
      // VS Code's SecretStorage (code-server: secrets live in the browser; desktop: the OS keychain) is the one allowed place
      assert.deepEqual(hits, [], `secrets in files:\n${hits.join('\n')}`);
      assert.ok(!ud || files.some((f) => f.endsWith('MLflow.log')), 'the MLflow log file was searched');
      console.log(`      searched ${files.length} files (${files.filter((f) => /\.vscdb$/.test(f)).length} state DBs, ${files.filter((f) => f.endsWith('.log')).length} logs), ${records().length} mlflow runs, ${logged.length} log lines, ${shown.length / 2} messages`);
      for (const rec of records()) for (const n of needles) assert.ok(!rec.argv.some((x) => x.includes(n)), `secret in argv: ${rec.argv.join(' ')}`);
      assert.ok(records().some((r) => r.env.MLFLOW_TRACKING_PASSWORD === RIGHT), 'the fake mlflow got the password in its env (the one allowed place)');
      const texts = { logged: logged.join('\n'), shown: [...shown, ...notified].join('\n'), panels: panels.map((p) => JSON.stringify(webviewMessages(p).map((h) => h.msg))).join('\n') };
      for (const [where, text] of Object.entries(texts)) for (const n of needles) assert.ok(!text.includes(n), `secret in ${where}`);
      assert.ok(shown.some((s) => /401|sign|credential|auth/i.test(s)), `the 401 was reported: ${shown.slice(0, 6).join(' | ')}`);
      assert.ok(logged.length > 0, 'the log spy saw lines');
    });
  });

  // ---- 4. destructive actions and read-only stores -----------------------------------------------------------

  describe('security: destructive actions ask first; browsing a SQLite store never writes to it', function () {
    this.timeout(90000);

    it('mlflow.deleteRun deletes nothing without confirmation, then deletes after "Delete"', async function () {
      const store = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
      const a = await useTrackingUri(store);
      const nodes = await allNodes(a, 1);
      const runNode = nodes.find((n) => (n as { type: string }).type === 'run') as Node & { run: { info: { runId: string; experimentId: string } } };
      assert.ok(runNode);
      const meta = path.join(store, runNode.run.info.experimentId, runNode.run.info.runId, 'meta.yaml');
      const before = fs.readFileSync(meta, 'utf8');
      const asked: unknown[][] = [];
      let reply: string | undefined;
      const restore = stubWindow('showWarningMessage', async (...x) => (asked.push(x), reply));
      try {
        await vscode.commands.executeCommand(Commands.deleteRun, runNode);
        assert.equal(asked.length, 1, 'a confirmation was asked');
        assert.deepEqual((asked[0][1] as { modal?: boolean }).modal, true, 'modal');
        assert.equal(fs.readFileSync(meta, 'utf8'), before, 'nothing deleted without confirmation');
        reply = 'Delete';
        await vscode.commands.executeCommand(Commands.deleteRun, runNode);
        assert.match(fs.readFileSync(meta, 'utf8'), /lifecycle_stage: deleted/);
      } finally {
        restore();
      }
    });

    it('a full session on a SQLite store (tree, details, plots, compare) leaves its files byte-identical', async function () {
      const dir = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'sqlite'));
      const before = hashDir(dir);
      const a = await useTrackingUri(`sqlite:///${path.join(dir, 'mlflow.db')}`);
      const conn = a.services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', stateText(conn.state));
      const nodes = await allNodes(a, 3);
      const runs = nodes.filter((n) => (n as { type: string }).type === 'run') as (Node & { run: { info: { runId: string } } })[];
      assert.ok(runs.length >= 2, `${runs.length} runs`);
      const ids = [...new Set(runs.map((r) => r.run.info.runId))].slice(0, 3);
      const opened: PanelController[] = [];
      for (const runId of ids) {
        const d = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey: conn.key, runId });
        opened.push(d);
        await waitFor('details', () => webviewMessages(d).find((r) => r.type === 'runDetails'), 30000);
      }
      const p = await vscode.commands.executeCommand<PanelController>(Commands.compareRuns, { connKey: conn.key, runIds: ids });
      opened.push(p);
      await waitFor('plots', () => webviewMessages(p).find((r) => r.type === 'series'), 30000);
      opened.forEach((c) => c.dispose());
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
      await conn.reconnect();
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(hashDir(dir), before, 'the SQLite store changed (or gained -journal/-wal files)');
    });
  });
});

// A tracking server that answers 401, with its URI in settings.json (not entered through Set Tracking URI):
// the warning offers Sign In, the error node has a "Sign In…" row, and a second attempt after a wrong password
// starts with the user name already filled in.
import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';
import { api, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const USER = 'ada';
const RIGHT = 'right-password';
const WRONG = 'wrong-password';

function stub<K extends 'showWarningMessage' | 'showQuickPick' | 'showInputBox' | 'showInformationMessage'>(name: K, fn: (...a: unknown[]) => unknown): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const orig = w[name];
  w[name] = fn;
  return () => void (w[name] = orig);
}

describe('sign in to a tracking server named in settings.json', function () {
  this.timeout(60000);
  let server: http.Server;
  let url = '';
  const restores: (() => void)[] = [];
  const warnings: { message: string; actions: unknown[] }[] = [];
  const usernameBoxes: (string | undefined)[] = [];
  const answers: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const want = `Basic ${Buffer.from(`${USER}:${RIGHT}`).toString('base64')}`;
      if (req.headers.authorization !== want) {
        res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': 'Basic realm="mlflow"' });
        return void res.end('You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      if ((req.url ?? '').includes('experiments/search')) return void res.end(JSON.stringify({ experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0' }] }));
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    restores.push(
      stub('showWarningMessage', async (message: unknown, ...actions: unknown[]) => void warnings.push({ message: String(message), actions })),
      stub('showInformationMessage', async () => undefined),
      stub('showQuickPick', async (items: unknown) => ((await items) as { id?: string }[]).find((i) => i.id === 'basic')),
      stub('showInputBox', async (opts: unknown) => {
        const o = opts as vscode.InputBoxOptions;
        if (/^Username/.test(o.title ?? '')) usernameBoxes.push(o.value);
        const next = answers.shift();
        return next === '<keep>' ? o.value : next;
      }),
    );
  });

  after(async () => {
    restores.reverse().forEach((r) => r());
    const a = await api();
    await a.services.credentials.delete(url);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    server.close();
  });

  it('401: a warning with Sign In and a "Sign In…" row in the tree; a wrong password, then the user name is kept', async () => {
    const a = await useTrackingUri(url); // writes .vscode/settings.json, as a user editing it would
    const conn = a.services.connections.all()[0];
    assert.equal(conn.state.name, 'error');
    const warning = await waitFor('the sign-in warning', () => warnings.find((w) => w.actions.includes('Sign In')));
    assert.match(warning.message, /^MLflow: .*requires sign-in/);

    const [errorNode] = await a.services.experiments.getChildren(undefined);
    assert.equal(errorNode.type, 'error');
    const rows = await a.services.experiments.getChildren(errorNode);
    const items = rows.map((r) => a.services.experiments.getTreeItem(r));
    const signIn = items.find((i) => i.label === 'Sign In…');
    assert.ok(signIn, `rows: ${items.map((i) => String(i.label)).join(' | ')}`);
    assert.equal(signIn.command?.command, Commands.signIn);
    assert.ok(!items.some((i) => /`/.test(String(i.label))), 'no markdown backticks in plain tree rows');

    answers.push(USER, WRONG);
    const first = await vscode.commands.executeCommand<boolean>(signIn.command!.command, ...(signIn.command!.arguments ?? []));
    assert.equal(first, false);
    assert.equal(conn.state.name, 'error');
    assert.deepEqual(usernameBoxes, [undefined]);

    answers.push('<keep>', RIGHT);
    const second = await vscode.commands.executeCommand<boolean>(signIn.command!.command, ...(signIn.command!.arguments ?? []));
    assert.equal(second, true);
    assert.deepEqual(usernameBoxes, [undefined, USER], 'the second prompt starts with the user name');
    assert.equal(conn.state.name, 'connected');
    assert.deepEqual(await a.services.credentials.get(url), { type: 'basic', username: USER, password: RIGHT });
    const cfg = JSON.stringify(vscode.workspace.getConfiguration('mlflow'));
    assert.ok(!cfg.includes(RIGHT) && !cfg.includes(WRONG), 'no password in settings');
  });
});

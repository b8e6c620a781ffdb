// Basic auth against a live `mlflow server --app-name basic-auth` (generated admin password): the
// first connection gets a 401 and the extension offers Sign In; a wrong password is refused by the
// server and asked again, the right one connects; browsing and a write then work with the saved
// credentials, and the password is nowhere but SecretStorage: not in settings, the MLflow log
// (channel and file), nor any file of the workspace or the user data folder.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { childByLabel, api, filesUnder, waitFor } from '../vscode/helpers';
import { py, real } from './support/real';
import { answer } from './support/ui';

describe('e2e: basic auth on a live server', function () {
  this.timeout(240000);
  const server = real.auth();
  const WRONG = `wrong-${crypto.randomBytes(6).toString('hex')}`;
  const logged: string[] = [];
  const restores: (() => void)[] = [];

  before(async () => {
    const a = await api();
    // everything the extension logs, as it goes to the MLflow output channel
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
    await a.services.credentials.delete(server.url);
  });

  after(async () => {
    restores.reverse().forEach((r) => r());
    const a = await api();
    await a.services.credentials.delete(server.url);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('first connection: 401 → Sign In → wrong password refused and asked again → right password connects', async () => {
    const exp = `auth-${Date.now()}`;
    const seeded = await py<{ experiment_id: string; run_ids: string[] }>('seed.py', [server.url, exp, '1'], { MLFLOW_TRACKING_USERNAME: server.username, MLFLOW_TRACKING_PASSWORD: server.password });
    const a = await api();
    const conn = a.services.connections.all()[0];
    const prompts = answer({
      warning: (msg, buttons) => (buttons.includes('Sign In') ? 'Sign In' : undefined),
      pick: (items) => items.find((i) => (i as { id?: string }).id === 'basic'),
      inputs: [server.username, WRONG, server.username, server.password],
    });
    try {
      // the URI comes from the settings, as a user would put it there
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', server.url, vscode.ConfigurationTarget.Workspace);
      await waitFor('signed in after the second prompt', () => (conn.state.name === 'connected' && conn.resolved?.uri.startsWith(server.url) ? true : undefined), 90000).catch((e) => {
        throw new Error(`${(e as Error).message}; state ${conn.state.name}; shown: ${JSON.stringify(prompts.seen.messages)}; inputs asked: ${prompts.seen.inputs.map((i) => i.title).join(' | ')}`);
      });
    } finally {
      prompts.restore();
    }
    const offers = prompts.seen.messages.filter((m) => m.buttons.includes('Sign In'));
    assert.equal(offers.length, 2, `Sign In offered on the first 401 and again after the wrong password: ${JSON.stringify(prompts.seen.messages)}`);
    assert.match(offers[0].text, /401|credential|sign|auth/i);
    assert.equal(prompts.seen.inputs.length, 4, 'user name and password asked twice');
    assert.ok(prompts.seen.inputs.filter((i) => i.password).length === 2, 'the password boxes hide what is typed');
    assert.deepEqual(await a.services.credentials.get(server.url), { type: 'basic', username: server.username, password: server.password });

    // browsing with the saved credentials: what MLflow's client wrote is there
    a.services.experiments.refresh();
    const expNode = await waitFor('the experiment in the tree', () => childByLabel(a, undefined, exp).catch(() => undefined), 30000);
    const runs = await a.services.experiments.getChildren(expNode);
    assert.deepEqual(runs.filter((r) => r.type === 'run').map((r) => (r as { run: { info: { runId: string } } }).run.info.runId), seeded.run_ids);

    // a write with them, read back through MLflow's client
    const store = await conn.store();
    await store.setRunTag(seeded.run_ids[0], 'signed-in', 'yes');
    const snap = await py<{ runs: { run_id: string; tags: Record<string, string> }[] }>('snapshot.py', [server.url, exp], { MLFLOW_TRACKING_USERNAME: server.username, MLFLOW_TRACKING_PASSWORD: server.password });
    assert.equal(snap.runs[0].tags['signed-in'], 'yes');
  });

  it('the password is in no setting, log line, log file or workspace file', async () => {
    await new Promise((r) => setTimeout(r, 2500)); // log files and state are written asynchronously
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const needles = [server.password, WRONG, b64(`${server.username}:${server.password}`), b64(`${server.username}:${WRONG}`)];
    const settings = JSON.stringify(vscode.workspace.getConfiguration('mlflow'));
    for (const n of needles) assert.ok(!settings.includes(n), 'secret in the mlflow settings');
    const ud = process.env.MLFLOW_TEST_USER_DATA_DIR;
    assert.ok(ud, 'the harness names the user data folder');
    const files = [...filesUnder(ud), ...filesUnder(vscode.workspace.workspaceFolders![0].uri.fsPath)];
    const hits: string[] = [];
    for (const f of files) {
      let buf: Buffer;
      try {
        buf = fs.readFileSync(f);
      } catch {
        continue;
      }
      for (const n of needles) if (buf.includes(Buffer.from(n)) || buf.includes(Buffer.from(n, 'utf16le'))) hits.push(f);
    }
    assert.deepEqual(hits, [], 'files holding the secret');
    const logFiles = files.filter((f) => f.endsWith('MLflow.log'));
    assert.ok(logFiles.length > 0, 'the MLflow log file was searched');
    assert.ok(logFiles.some((f) => fs.readFileSync(f, 'utf8').includes(server.url.replace(/^http:\/\//, ''))), 'the log file records this server (it is the right file)');
    const text = logged.join('\n');
    assert.ok(logged.length > 0, 'the log spy saw lines');
    for (const n of needles) assert.ok(!text.includes(n), 'secret in a log line');
    console.log(`      searched ${files.length} files (${logFiles.length} MLflow log) and ${logged.length} log lines`);
  });
});

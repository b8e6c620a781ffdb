// The extension is loaded from the project folder (extensionDevelopmentPath) and activates.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mlflow-vscode.mlflow-vscode';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
  return ext;
}

describe('activation', () => {
  it('the extension is present', () => {
    const ext = extension();
    assert.strictEqual(ext.packageJSON.name, 'mlflow-vscode');
    assert.strictEqual(ext.packageJSON.main, './dist/extension.js');
  });

  it('activates without throwing', async () => {
    const ext = extension();
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  it('runs in the real (Node) extension host of code-server', () => {
    // remote extension host: remoteName is "<host:port>" (desktop: undefined; web worker: no process)
    assert.ok(vscode.env.remoteName, 'expected a remote extension host');
    assert.strictEqual(typeof process.versions.node, 'string');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'the fixture workspace is open');
  });
});

describe('log output channel', () => {
  it('activation creates the "MLflow" LogOutputChannel (its log file appears)', async () => {
    // test/harness/ext-host.js passes the user-data dir; a LogOutputChannel is backed by
    // <user-data>/logs/<session>/exthost<N>/<extension id>/<channel name>.log
    const ud = process.env.MLFLOW_TEST_USER_DATA_DIR;
    assert.ok(ud, 'test/harness/ext-host.js sets MLFLOW_TEST_USER_DATA_DIR');
    await extension().activate();
    const logs = path.join(ud, 'logs');
    const find = () => {
      const found: string[] = [];
      for (const session of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
        const dir = path.join(logs, session);
        if (!fs.statSync(dir).isDirectory()) continue;
        for (const host of fs.readdirSync(dir).filter(d => d.startsWith('exthost'))) {
          const f = path.join(dir, host, EXTENSION_ID, 'MLflow.log');
          if (fs.existsSync(f)) found.push(f);
        }
      }
      return found;
    };
    const deadline = Date.now() + 10000; // the file is created asynchronously
    while (!find().length && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
    assert.ok(find().length, `no ${EXTENSION_ID}/MLflow.log under ${logs}`);
  });
});

// The extension is loaded from the project folder (extensionDevelopmentPath) and activates; activate()
// alone registers everything package.json contributes, and registers no mlflow.* command it does not
// contribute except the deliberately internal ones (src/ids.ts InternalCommands).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandResult } from '../../src/models';
import { Commands, InternalCommands, Views } from '../../src/ids';
import { api, fakeMlflowCli, waitFor } from './helpers';

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

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    customEditors?: { viewType: string }[];
    taskDefinitions?: { type: string; required?: string[] }[];
  };
}

/** Commands the workbench itself adds for every contributed view (not registered by the extension). */
const VIEW_COMMANDS = ['focus', 'resetViewLocation', 'toggleVisibility', 'removeView', 'open'];

describe('wiring: activate() alone registers what package.json contributes', function () {
  this.timeout(60000);
  const manifest = () => extension().packageJSON as Manifest;
  const contributedCommands = () => manifest().contributes.commands.map((c) => c.command);
  const viewIds = () => Object.values(manifest().contributes.views).flat().map((v) => v.id);
  const activationTargets = (kind: string) => manifest().activationEvents.filter((e) => e.startsWith(`${kind}:`)).map((e) => e.slice(kind.length + 1));

  before(() => api());

  it('every contributed command is registered', async () => {
    const have = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributedCommands().filter((c) => !have.has(c)), [], 'contributed in package.json, not registered by activate()');
  });

  it('every registered mlflow.* command is contributed or listed in InternalCommands (src/ids.ts)', async () => {
    const have = await vscode.commands.getCommands(true);
    const contributed = new Set(contributedCommands());
    const internal: string[] = Object.values(InternalCommands);
    const generated = new Set(viewIds().flatMap((v) => VIEW_COMMANDS.map((c) => `${v}.${c}`)));
    const stray = have.filter((c) => c.startsWith('mlflow.') && !contributed.has(c) && !internal.includes(c) && !generated.has(c));
    assert.deepStrictEqual(stray, [], 'registered but neither contributed in package.json nor listed in InternalCommands');
    assert.deepStrictEqual(internal.filter((c) => !have.includes(c)), [], 'listed in InternalCommands but not registered');
    assert.deepStrictEqual(internal.filter((c) => contributed.has(c)), [], 'listed in InternalCommands but contributed');
  });

  it('every contributed view shows the tree activate() created for it', async () => {
    const a = await api();
    const providers: Record<string, { getChildren(...x: unknown[]): unknown; refresh(): void }> = { [Views.experiments]: a.services.experiments, [Views.models]: a.services.models };
    for (const id of viewIds()) {
      const p = providers[id];
      assert.ok(p, `contributed view ${id} has no tree provider in services`);
      let asked = 0;
      const original = p.getChildren;
      p.getChildren = function (this: unknown, ...x: unknown[]) {
        asked++;
        return original.apply(this, x);
      };
      try {
        await vscode.commands.executeCommand(`${id}.focus`);
        p.refresh();
        await waitFor(`VS Code asking the ${id} view's provider for rows`, () => asked > 0 || undefined);
      } finally {
        delete (p as { getChildren?: unknown }).getChildren; // back to the class's method
      }
    }
  });

  it('every contributed custom editor has its provider', () => {
    const editors = manifest().contributes.customEditors ?? [];
    assert.ok(editors.length, 'package.json contributes custom editors');
    for (const { viewType } of editors) {
      // a second provider for the same view type is refused while the extension's is registered
      const probe: vscode.CustomReadonlyEditorProvider = { openCustomDocument: (uri) => ({ uri, dispose: () => undefined }), resolveCustomEditor: () => undefined };
      assert.throws(() => vscode.window.registerCustomEditorProvider(viewType, probe).dispose(), /already registered/, `${viewType}: no custom editor provider registered`);
    }
  });

  it('every activation event names something activate() registered (file systems, webview serializers)', () => {
    const known = ['onLanguage', 'workspaceContains', 'onFileSystem', 'onWebviewPanel'];
    assert.deepStrictEqual(manifest().activationEvents.filter((e) => !known.includes(e.split(':')[0])), [], 'an activation event this test does not check yet');
    for (const scheme of activationTargets('onFileSystem')) assert.notStrictEqual(vscode.workspace.fs.isWritableFileSystem(scheme), undefined, `no file system provider for ${scheme}:`);
    for (const viewType of activationTargets('onWebviewPanel')) {
      const probe: vscode.WebviewPanelSerializer = { deserializeWebviewPanel: async () => undefined };
      assert.throws(() => vscode.window.registerWebviewPanelSerializer(viewType, probe).dispose(), /already registered/, `${viewType}: no webview panel serializer registered`);
    }
  });

  it('every contributed task type is the one the model commands run, with its required properties', async () => {
    const definitions = manifest().contributes.taskDefinitions ?? [];
    assert.ok(definitions.length, 'package.json contributes task definitions');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-wiring-'));
    const started: vscode.TaskDefinition[] = [];
    const sub = vscode.tasks.onDidStartTask((e) => started.push(e.execution.task.definition));
    const config = vscode.workspace.getConfiguration('mlflow');
    try {
      await config.update('cliPath', fakeMlflowCli(tmp, path.join(tmp, 'record.jsonl')), vscode.ConfigurationTarget.Workspace);
      const r = await vscode.commands.executeCommand<CommandResult>(Commands.generateDockerfile, { modelUri: 'models:/iris-classifier/1', outputDirectory: path.join(tmp, 'out'), envManager: 'local', noPrompt: true });
      assert.strictEqual(r?.status, 'done', JSON.stringify(r));
      await waitFor('the task to be reported started', () => started.length > 0 || undefined);
      assert.deepStrictEqual([...new Set(started.map((d) => d.type))], definitions.map((d) => d.type));
      for (const d of definitions) for (const def of started.filter((x) => x.type === d.type)) for (const k of d.required ?? []) assert.ok(def[k], `task ${JSON.stringify(def)} lacks required ${k}`);
    } finally {
      sub.dispose();
      await config.update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

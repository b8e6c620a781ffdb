// Issue 16: what a new user tripped over in a walk through every view, against the real v3 file store.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import type { PanelController } from '../../src/webviews/panel';
import type { NodeOf } from '../../src/explorer/nodes';
import type { ModelNode } from '../../src/explorer/modelsProvider';
import { ExperimentsProvider } from '../../src/explorer/experimentsProvider';
import { StoreStatusBar } from '../../src/connection/statusBar';
import type { Connections } from '../../src/connection/connections';
import type { Run } from '../../src/tracking/types';
import type { Prompts } from '../../src/core/prompter';
import { storePath } from '../support/fixtures';
import { api, childByLabel, label, recordWebviews, useTrackingUri, waitFor, webviewMessages } from './helpers';
import { Commands } from '../../src/ids';

async function lensesOn(doc: vscode.TextDocument, linePrefix: string): Promise<vscode.CodeLens[]> {
  const line = doc.getText().split('\n').findIndex((l) => l.trim().startsWith(linePrefix));
  assert.ok(line >= 0, `no line starting with ${linePrefix}`);
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
  return all.filter((l) => l.range.start.line === line);
}

describe('issue 16: walk-through defects (real v3 file store)', function () {
  this.timeout(60000);
  recordWebviews();
  let store: string;

  before(async function () {
    store = storePath('v3', 'mlruns');
    await useTrackingUri(store);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('2: "Open Latest Run" above start_run(run_name=…) opens the latest run of that name; nested, a child of the latest parent', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    // The v3 store's sweep was written by gen-data.py: parent-sweep with children child-C-<C>.
    const file = path.join(folder, 'gen-data.py');
    fs.writeFileSync(file, [
      'import mlflow',
      'mlflow.set_experiment("iris-classification")',
      'with mlflow.start_run(run_name="parent-sweep"):',
      '    for c in [0.01, 0.1, 1.0]:',
      '        with mlflow.start_run(run_name=f"child-C-{c}", nested=True):',
      '            mlflow.log_param("C", c)',
      'with mlflow.start_run(run_name="never-ran"):',
      '    pass',
      '',
    ].join('\n'));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const [parent] = await lensesOn(doc, 'with mlflow.start_run(run_name="parent-sweep")');
    assert.match(parent.command?.title ?? '', /^\$\(history\) Open Latest Run \(parent-sweep, finished\)$/);
    assert.deepEqual(parent.command?.arguments?.[0]?.runId, '4b2e0b02521f4d8f8bd73da05a4152a2');
    const [child] = await lensesOn(doc, 'with mlflow.start_run(run_name=f"child-C-');
    assert.match(child.command?.title ?? '', /^\$\(history\) Open Latest Run \(child-C-[\d.]+, \w+\) · in parent-sweep$/);
    const childId = child.command?.arguments?.[0]?.runId;
    const parentTag = fs.readFileSync(path.join(store, '358387156804898222', childId, 'tags', 'mlflow.parentRunId'), 'utf8').trim();
    assert.equal(parentTag, '4b2e0b02521f4d8f8bd73da05a4152a2', 'the child lens opens a child of parent-sweep');
    const [never] = await lensesOn(doc, 'with mlflow.start_run(run_name="never-ran")');
    assert.equal(never.command?.title, '$(history) no run named never-ran from this file yet');
    assert.equal(never.command?.command, '', 'names no other run and opens nothing');
  });

  it('6: Compare Runs… on a right-clicked run outside the selection compares it with the selection', async () => {
    const a = await api();
    const exp = await childByLabel(a, undefined, 'iris-classification');
    const selected = await childByLabel(a, exp, 'baseline-logreg');
    const clicked = await childByLabel(a, exp, 'tuned-logreg');
    await vscode.commands.executeCommand('workbench.view.extension.mlflow');
    // the view may still be settling after other suites: reveal until the selection is that run
    await waitFor('the selection', async () => {
      await a.services.experimentsView.reveal(selected, { select: true, focus: true }).then(undefined, () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      const ids = a.services.experimentsView.selection.map((n) => n.id);
      return ids.length === 1 && ids[0] === selected.id ? true : undefined;
    });
    // A context-menu entry on an item outside the selection gets that item only.
    const opened = vscode.commands.executeCommand<PlotsPanel>(Commands.compareRuns, clicked);
    const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000));
    const panel = await Promise.race([opened, timeout]);
    if (!panel) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.ok(panel, 'the comparison opened at once (no picker, no silence)');
    assert.deepEqual([...panel.args.runIds].sort(), [(selected as { run: { info: { runId: string } } }).run.info.runId, (clicked as { run: { info: { runId: string } } }).run.info.runId].sort());
    panel.dispose();
  });

  it('9: a parent run lists its own groups before its children; one primary metric per experiment; one tag count everywhere', async () => {
    const a = await api();
    const tree = a.services.experiments;
    const exp = await childByLabel(a, undefined, 'iris-classification');
    const parent = await childByLabel(a, exp, 'parent-sweep');
    const kinds = (await tree.getChildren(parent)).map((n) => n.type);
    assert.ok(kinds.includes('run') && kinds.includes('group'), kinds.join(','));
    assert.ok(kinds.lastIndexOf('group') < kinds.indexOf('run'), `Parameters…Artifacts come before the child runs: ${kinds.join(',')}`);

    const runs = (await tree.getChildren(exp)).filter((n): n is NodeOf<'run'> => n.type === 'run');
    const shown = new Set(runs.map((r) => /^(\S+) [-\d.e+∞NaN]+ · /.exec(String(tree.getTreeItem(r).description))?.[1]).filter(Boolean));
    assert.equal(shown.size, 1, `the same metric beside every run: ${[...shown].join(', ')}`);

    const noted = await childByLabel(a, exp, 'tuned-logreg'); // has a note
    const groups = await tree.getChildren(noted);
    let listed = 0;
    for (const g of groups.filter((n) => n.type === 'group' && /Tags$/.test(label(n, a)))) {
      const tags = await tree.getChildren(g);
      assert.equal(String(tree.getTreeItem(g).description), String(tags.length), `${label(g, a)}: the count says what is listed`);
      assert.ok(!tags.some((t) => label(t, a) === 'mlflow.note.content'), 'the note is not a tag');
      listed += tags.length;
    }
    const details = (await vscode.commands.executeCommand<PanelController>('mlflow.openRunDetails', noted))!;
    const d = (await waitFor('runDetails posted', () => webviewMessages(details).find((r) => r.dir === 'toWebview' && r.type === 'runDetails')?.msg as { details: { tags: unknown[] } } | undefined)).details;
    assert.equal(listed, d.tags.length, 'the tree lists as many tags as Run Details');
    details.dispose();
  });

  it('4: Build Docker Image without Docker and without MLflow offers what gets MLflow (pip install into the interpreter), no dead end', async () => {
    assert.ok(!vscode.extensions.getExtension('ms-python.python'), 'this test assumes no Python extension');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-nomlflow-'));
    const record = path.join(bin, 'argv.txt');
    fs.writeFileSync(path.join(bin, 'python3'), `#!/bin/sh\necho "$@" >> '${record}'\n`, { mode: 0o755 });
    const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST };
    const notes: { id: string; message: string; actions: string[] }[] = [];
    const scriptedPrompts = (await api()).services.prompter.override({
      notify: async (_kind, message, opts, ...actions) => {
        notes.push({ id: opts.id, message, actions });
        return actions.includes('Install MLflow') ? 'Install MLflow' : undefined;
      },
    } satisfies Partial<Prompts>);
    try {
      process.env.PATH = bin; // no docker, no mlflow; a python3 to install into
      process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
      await vscode.workspace.getConfiguration('mlflow').update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
      const r = await vscode.commands.executeCommand<{ status: string }>(Commands.buildDocker, { modelUri: 'models:/iris-classifier/1', noPrompt: true });
      assert.equal(r?.status, 'blocked');
      const shown = await waitFor('a message', () => notes[0]);
      assert.match(shown.message, /docker/i);
      assert.match(shown.message, /MLflow was not found/);
      assert.ok(!shown.actions.includes('Generate Dockerfile Instead'), `no step that needs MLflow: ${shown.actions.join(' | ')}`);
      assert.ok(!shown.actions.includes('Select Python Interpreter'), `no step that needs the Python extension: ${shown.actions.join(' | ')}`);
      assert.equal(shown.actions[0], 'Install MLflow');
      const argv = await waitFor('pip install run in a terminal', () => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8').trim() : undefined), 20000);
      assert.equal(argv, '-m pip install mlflow');
    } finally {
      scriptedPrompts.dispose();
      process.env.PATH = saved.PATH;
      if (saved.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved.DOCKER_HOST;
    }
  });

  it('10: Reveal Run by ID accepts the 8-character prefix the extension shows', async () => {
    const run = await vscode.commands.executeCommand<Run | undefined>(Commands.revealRun, '85c2cd02');
    assert.equal(run?.info.runId, '85c2cd0244ac4908817c29c853d5c0eb');
    assert.equal(run?.info.runName, 'baseline-logreg');
  });

  it('10: the Models view names a version\'s source run, its ID as the description', async () => {
    const a = await api();
    a.services.models.refresh();
    const child = async (parent: ModelNode | undefined, text: string) => {
      const kids = await a.services.models.getChildren(parent);
      const found = kids.find((k) => String(a.services.models.getTreeItem(k).label) === text);
      assert.ok(found, `no ${text} among ${kids.map((k) => a.services.models.getTreeItem(k).label).join(', ')}`);
      return found;
    };
    const v2 = await child(await child(await child(undefined, 'Registered Models'), 'iris-classifier'), 'Version 2');
    const src = (await a.services.models.getChildren(v2)).find((k) => k.type === 'sourceRun')!;
    const item = a.services.models.getTreeItem(src);
    assert.equal(item.label, 'Source run: tuned-logreg');
    assert.equal(item.description, 'e6575f48');
  });

  it('10: the run filter and sort survive a reload (kept per workspace)', async () => {
    const a = await api();
    const q = { filter: "attributes.status = 'FAILED'", orderBy: ['attributes.run_name ASC'] };
    a.services.experiments.setRunQuery(q);
    try {
      // What activate() builds after a reload: a provider over the same workspace state.
      const again = new ExperimentsProvider(a.services.connections, a.services.log, a.services.context.workspaceState);
      assert.deepEqual(again.runQuery, q);
      again.dispose();
    } finally {
      a.services.experiments.setRunQuery({});
    }
    const cleared = new ExperimentsProvider(a.services.connections, a.services.log, a.services.context.workspaceState);
    assert.ok(!cleared.runQuery.filter && !cleared.runQuery.orderBy, 'a cleared filter stays cleared');
    cleared.dispose();
  });

  it('10: expanded experiments, runs and groups come back expanded when the tree is rebuilt (kept per workspace)', async () => {
    const a = await api();
    const C = vscode.TreeItemCollapsibleState;
    const exp = await childByLabel(a, undefined, 'iris-classification');
    const run = await childByLabel(a, exp, 'tuned-logreg');
    const group = await childByLabel(a, run, 'Parameters');
    const other = await childByLabel(a, exp, 'baseline-logreg');
    // Expanding in the view itself goes through the TreeView's expand events that activate() wires up.
    await vscode.commands.executeCommand('mlflow.experiments.focus').then(undefined, () => undefined);
    await a.services.experimentsView.reveal(exp, { expand: true, select: false, focus: false });
    const rebuilt = () => new ExperimentsProvider(a.services.connections, a.services.log, a.services.context.workspaceState);
    await waitFor('the expanded experiment remembered', () => {
      const p = rebuilt();
      const state = p.getTreeItem(exp).collapsibleState;
      p.dispose();
      return state === C.Expanded || undefined;
    });
    // The events call setExpanded; a run and a group expanded the same way.
    a.services.experiments.setExpanded(run, true);
    a.services.experiments.setExpanded(group, true);
    try {
      const again = rebuilt();
      assert.equal(again.getTreeItem(exp).collapsibleState, C.Expanded, 'experiment');
      assert.equal(again.getTreeItem(run).collapsibleState, C.Expanded, 'run');
      assert.equal(again.getTreeItem(group).collapsibleState, C.Expanded, 'group');
      assert.equal(again.getTreeItem(other).collapsibleState, C.Collapsed, 'a run never expanded stays collapsed');
      again.dispose();
    } finally {
      for (const n of [group, run, exp]) a.services.experiments.setExpanded(n, false);
    }
    const collapsed = rebuilt();
    assert.equal(collapsed.getTreeItem(run).collapsibleState, C.Collapsed, 'a collapsed run stays collapsed');
    assert.equal(collapsed.getTreeItem(exp).collapsibleState, C.Collapsed, 'a collapsed experiment stays collapsed');
    collapsed.dispose();
  });

  it("10: the empty-store status bar's accessible label is plain text (no &nbsp; or markup)", () => {
    const changed = new vscode.EventEmitter<void>();
    const reason = 'No MLflow tracking store was found in this workspace.';
    // Only the state the status bar reads: a connection that found no store.
    const connections = { active: () => ({ state: { name: 'noStore', reason } }), onDidChange: changed.event } as unknown as Connections;
    const bar = new StoreStatusBar(connections);
    try {
      const item = (bar as unknown as { item: vscode.StatusBarItem }).item;
      const spoken = item.accessibilityInformation?.label ?? '';
      assert.ok(spoken.includes(reason), spoken);
      assert.ok(!/&nbsp;|&#|<[a-z/]|\*\*|\$\(/i.test(spoken), `markup in the spoken label: ${spoken}`);
      assert.ok(String((item.tooltip as vscode.MarkdownString).value).includes('tracking'), 'the tooltip still says what is wrong');
    } finally {
      bar.dispose();
      changed.dispose();
    }
  });
});

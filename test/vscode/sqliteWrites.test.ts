// Editing runs of a SQLite store in the real extension host (code-server's Node 24 has node:sqlite):
// delete and restore a run, rename it and edit its note on a copy of the real MLflow 3.6 SQLite store,
// through the commands a user runs; the database read back through the project's reader holds what
// MLflow's SQLAlchemy store would have written (lifecycle_stage/deleted_time, runs.name + the
// mlflow.runName tag, the mlflow.note.content tag), and nothing else changed.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { SqliteStore } from '../../src/tracking/sqlite';
import { nodeSqlite } from '../../src/tracking/sqlite/nodeSqliteEngine';
import type { Run } from '../../src/tracking/types';
import type { Node } from '../../src/explorer/nodes';
import { copyStore } from '../support/fixtures';
import { api, label, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

type RunNode = Node & { type: 'run'; run: Run };

function stubWindow(name: 'showWarningMessage' | 'showInputBox', fn: (...a: unknown[]) => unknown): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const orig = w[name];
  w[name] = fn;
  return () => {
    w[name] = orig;
  };
}

async function findRun(name: string): Promise<RunNode> {
  const a = await api();
  const tree = a.services.experiments;
  for (const e of await tree.getChildren(undefined)) {
    for (const r of await tree.getChildren(e)) {
      if ((r as { type: string }).type === 'run' && label(r, a).includes(name)) return r as RunNode;
    }
  }
  throw new Error(`no run ${name} in the tree`);
}

/** The run row and tags as stored (raw, through node:sqlite). */
function rawRun(file: string, runId: string): { name: string; stage: string; deletedTime: number | null; tags: Map<string, string> } {
  const db = new (nodeSqlite()!.DatabaseSync)(file);
  try {
    const st = db.prepare('SELECT name, lifecycle_stage, deleted_time FROM runs WHERE run_uuid = ?');
    st.setReturnArrays!(true);
    const [r] = st.all(runId) as unknown[][];
    const t = db.prepare('SELECT key, value FROM tags WHERE run_uuid = ?');
    t.setReturnArrays!(true);
    return { name: String(r[0]), stage: String(r[1]), deletedTime: r[2] === null ? null : Number(r[2]), tags: new Map((t.all(runId) as string[][]).map((x) => [x[0], x[1]])) };
  } finally {
    db.close();
  }
}

describe('editing runs of a SQLite store (node:sqlite in the extension host)', function () {
  this.timeout(120000);
  let copy: { root: string; dir: string; cleanup(): void };
  let file: string;

  before(async () => {
    copy = copyStore('v3', 'sqlite');
    file = path.join(copy.dir, 'mlflow.db');
    const a = await useTrackingUri(`sqlite:///${file}`);
    assert.equal(a.services.connections.all()[0].state.name, 'connected');
  });
  after(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    await (await api()).services.connections.all()[0].reconnect();
    copy?.cleanup();
  });

  it('the extension host reads and writes through node:sqlite and offers the edits', async () => {
    assert.ok(nodeSqlite(), `node:sqlite in the extension host's Node ${process.versions.node}`);
    const store = (await (await api()).services.connections.all()[0].store()) as SqliteStore;
    assert.equal(store.engine, 'node:sqlite');
    assert.equal((await store.capabilities()).writes, true);
    const run = await findRun('baseline-logreg');
    const ctx = (await api()).services.experiments.getTreeItem(run).contextValue ?? '';
    assert.match(ctx, /Writable/, 'rename/delete/note are in the run menu');
  });

  it('delete, then restore, a run', async () => {
    const run = await findRun('baseline-logreg');
    const id = run.run.info.runId;
    const before = rawRun(file, id);
    const restore = stubWindow('showWarningMessage', async () => 'Delete');
    try {
      await vscode.commands.executeCommand(Commands.deleteRun, run);
    } finally {
      restore();
    }
    const deleted = rawRun(file, id);
    assert.equal(deleted.stage, 'deleted');
    assert.ok(deleted.deletedTime !== null && Math.abs(deleted.deletedTime - Date.now()) < 120000, 'deleted_time is now (ms)');
    assert.deepEqual(deleted.tags, before.tags);
    const reader = await SqliteStore.open(file, { engine: 'sql.js' });
    try {
      assert.equal((await reader.getRun(id)).info.lifecycleStage, 'deleted');
      assert.ok(!(await reader.searchRuns({ experimentIds: [run.run.info.experimentId] })).items.some((r) => r.info.runId === id));
    } finally {
      reader.dispose();
    }
    await waitFor('the run to leave the tree', async () => ((await findRun('baseline-logreg').catch(() => undefined)) ? undefined : true));

    const deletedNode = { ...run, run: { ...run.run, info: { ...run.run.info, lifecycleStage: 'deleted' as const } } };
    await vscode.commands.executeCommand(Commands.restoreRun, deletedNode);
    const restored = rawRun(file, id);
    assert.equal(restored.stage, 'active');
    assert.equal(restored.deletedTime, null);
    await waitFor('the run to come back', () => findRun('baseline-logreg').catch(() => undefined));
  });

  it('rename a run: runs.name and the mlflow.runName tag', async () => {
    const run = await findRun('baseline-logreg');
    const id = run.run.info.runId;
    const before = rawRun(file, id);
    const restore = stubWindow('showInputBox', async () => 'renamed in VS Code');
    try {
      await vscode.commands.executeCommand(Commands.renameRun, run);
    } finally {
      restore();
    }
    const after = rawRun(file, id);
    assert.equal(after.name, 'renamed in VS Code');
    assert.equal(after.tags.get('mlflow.runName'), 'renamed in VS Code');
    const others = (m: Map<string, string>) => [...m].filter(([k]) => k !== 'mlflow.runName').sort();
    assert.deepEqual(others(after.tags), others(before.tags));
    await waitFor('the new name in the tree', () => findRun('renamed in VS Code').catch(() => undefined));
  });

  it('edit the note: saving the note document stores mlflow.note.content', async () => {
    const run = await findRun('renamed in VS Code');
    const id = run.run.info.runId;
    await vscode.commands.executeCommand(Commands.editNote, run);
    const editor = await waitFor('the note editor', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'mlflow-note'));
    const text = '# Findings\n\nBaseline — written from VS Code ✓';
    await editor.edit((b) => b.replace(new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)), text));
    // under load the save participants can time out and save() answers false while the save still
    // completes: wait for what the user sees (a saved document, the note in the store)
    await editor.document.save();
    await waitFor('the note in the database', () => (!editor.document.isDirty && rawRun(file, id).tags.get('mlflow.note.content') === text ? true : undefined), 60000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const reader = await SqliteStore.open(file, { engine: 'sql.js' });
    try {
      const r = await reader.getRun(id);
      assert.equal(r.data.tags.find((t) => t.key === 'mlflow.note.content')?.value, text);
      assert.equal(r.info.runName, 'renamed in VS Code');
    } finally {
      reader.dispose();
    }
    const db = new (nodeSqlite()!.DatabaseSync)(file);
    try {
      const st = db.prepare('PRAGMA integrity_check');
      st.setReturnArrays!(true);
      assert.deepEqual(st.all(), [['ok']]);
    } finally {
      db.close();
    }
  });
});

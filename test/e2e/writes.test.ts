// Writes from the extension, checked against MLflow itself: on live servers and on a file store
// written by MLflow's own client, the extension renames, tags, untags, notes, logs an artifact
// (proxied upload on servers), deletes and restores run A through its commands; MLflow's client does
// the same to twin run B; both are read back through MLflow's client (and its store's own record of
// deleted_time) and must be equal.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MlflowExtensionApi } from '../../src/extension';
import type { LogArtifactFailure, LogArtifactResult } from '../../src/upload';
import type { Node, NodeOf } from '../../src/explorer/nodes';
import { useTrackingUri, waitFor } from '../vscode/helpers';
import { py, real } from './support/real';
import { withPrompts, type Seen } from './support/ui';
import { Commands } from '../../src/ids';

interface State {
  run_name: string;
  lifecycle_stage: string;
  tags: Record<string, string>;
  artifacts: { path: string; is_dir: boolean; file_size: number | null; sha256?: string }[] | null;
  stored: { lifecycle_stage: string; deleted_time: number | null; name: string; meta_keys?: string[] };
  [k: string]: unknown;
}
type Twins = { a: State; b: State };

interface Target {
  name: string;
  /** What the extension connects to. */
  trackingUri: string;
  /** What MLflow's client uses. */
  clientUri: string;
  /** The store behind it, for deleted_time. */
  backend: string;
}

function targets(): Target[] {
  const out: Target[] = [];
  const s = real.sqlite();
  out.push({ name: 'live server (SQLite backend, proxied artifacts)', trackingUri: s.url, clientUri: s.url, backend: s.backend });
  const pg = real.postgres();
  if (pg) out.push({ name: 'live server (PostgreSQL backend, proxied artifacts)', trackingUri: pg.url, clientUri: pg.url, backend: pg.backend });
  const mlruns = path.join(real.workDir('filestore'), 'mlruns');
  out.push({ name: `file store written by MLflow ${real.version()}'s client`, trackingUri: mlruns, clientUri: `file://${mlruns}`, backend: mlruns });
  return out;
}

/** The two states with what must differ between twins taken out; deleted_time compared apart. */
function assertTwins(t: Twins, what: string): void {
  const norm = (s: State) => ({ ...s, stored: { ...s.stored, deleted_time: s.stored.deleted_time == null ? null : 'set' } });
  assert.deepStrictEqual(norm(t.a), norm(t.b), `${what}: run A (changed by the extension) differs from twin B (changed by MLflow's client)`);
  const [da, db] = [t.a.stored.deleted_time, t.b.stored.deleted_time];
  if (da != null && db != null) assert.ok(Math.abs(da - db) < 5 * 60_000, `deleted_time ${da} vs MLflow's ${db}: both "now" in ms`);
}

function noErrors(seen: Seen): void {
  const errors = seen.messages.filter((m) => m.level === 'showErrorMessage');
  assert.deepEqual(errors, [], 'no error shown');
}

describe('e2e: writes equal to what MLflow itself writes', function () {
  this.timeout(180000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  for (const t of targets()) {
    describe(t.name, () => {
      let a: MlflowExtensionApi;
      let ids: { a: string; b: string };
      const twin = (op: string, ...args: string[]) => py<Twins>('twin.py', [t.clientUri, 'op', ids.a, ids.b, t.backend, op, ...args]);
      const node = async (): Promise<NodeOf<'run'>> => {
        const conn = a.services.connections.all()[0];
        return a.services.experiments.nodeForRun(conn, ids.a);
      };

      before(async () => {
        ids = await py<{ a: string; b: string }>('twin.py', [t.clientUri, 'create', `writes-${Date.now()}`]);
        a = await useTrackingUri(t.trackingUri);
        assert.equal(a.services.connections.all()[0].state.name, 'connected');
      });

      it('the twins start equal', async () => {
        assertTwins(await twin('none'), 'before any change');
      });

      it('Rename Run… sets the name and the mlflow.runName tag as MLflow does', async () => {
        const name = 'renamed ✓ in VS Code';
        const { seen } = await withPrompts({ inputs: [name] }, async () => vscode.commands.executeCommand(Commands.renameRun, await node()));
        noErrors(seen);
        const st = await twin('rename', name);
        assert.equal(st.a.run_name, name);
        assert.equal(st.a.tags['mlflow.runName'], name);
        assertTwins(st, 'rename');
      });

      it('Set Tag… sets a tag', async () => {
        const { seen } = await withPrompts({ inputs: ['stage', 'prod 🚀 "quoted"'] }, async () => vscode.commands.executeCommand(Commands.setTag, await node()));
        noErrors(seen);
        const st = await twin('set_tag', 'stage', 'prod 🚀 "quoted"');
        assert.equal(st.a.tags.stage, 'prod 🚀 "quoted"');
        assertTwins(st, 'set tag');
      });

      it('Delete Tag… removes a tag after confirmation', async () => {
        const run = await node();
        const groups = await a.services.experiments.getChildren(run);
        const tags = groups.find((g) => g.type === 'group' && (g as NodeOf<'group'>).group === 'tags')!;
        const tag = (await a.services.experiments.getChildren(tags)).find((n: Node) => n.type === 'tag' && (n as NodeOf<'tag'>).item.key === 'team');
        assert.ok(tag, 'the tag "team" is in the tree');
        const { seen } = await withPrompts({ warning: 'Delete' }, () => vscode.commands.executeCommand(Commands.deleteTag, tag));
        noErrors(seen);
        const st = await twin('delete_tag', 'team');
        assert.equal(st.a.tags.team, undefined);
        assertTwins(st, 'delete tag');
      });

      it('Edit Note: saving the note document sets mlflow.note.content', async () => {
        const text = '# Findings\n\nwritten in **VS Code** ✓\n';
        const { seen } = await withPrompts({}, async () => {
          await vscode.commands.executeCommand(Commands.editNote, await node());
          const editor = await waitFor('the note editor', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'mlflow-note' ? vscode.window.activeTextEditor : undefined));
          const doc = editor.document;
          await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
          // under load the save participants can time out and doc.save() answers false while the
          // save still completes: wait for what the user sees (saved document, note in the store)
          await doc.save();
          const store = await a.services.connections.all()[0].store();
          await waitFor('the note saved into the run', async () => (!doc.isDirty && (await store.getRun(ids.a)).data.tags.find((x) => x.key === 'mlflow.note.content')?.value === text ? true : undefined), 60000);
          await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        });
        noErrors(seen);
        const st = await twin('note', text);
        assert.equal(st.a.tags['mlflow.note.content'], text);
        assertTwins(st, 'note');
      });

      it('Log Artifact… uploads a file (proxied on servers) that MLflow lists and downloads byte for byte', async () => {
        const dir = real.workDir('artifact');
        // an ASCII name: MLflow 3.6's server answers 500 to downloads of non-ASCII names (Content-Disposition)
        const file = path.join(dir, 'report.txt');
        fs.writeFileSync(file, Buffer.concat([Buffer.from('from VS Code ✓\n'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256))]));
        const res = await vscode.commands.executeCommand<LogArtifactResult | LogArtifactFailure>(Commands.logArtifact, { runId: ids.a, paths: [file], artifactPath: 'vscode', onExisting: 'overwrite' });
        assert.ok(res && 'uploaded' in res, JSON.stringify(res));
        assert.deepEqual(res.uploaded.map((u) => u.path), ['vscode/report.txt']);
        const st = await twin('log_artifact', file, 'vscode');
        assert.deepEqual(st.a.artifacts?.map((f) => f.path), ['vscode', 'vscode/report.txt']);
        assertTwins(st, 'log artifact');
      });

      it('Delete Run… marks the run deleted with deleted_time, as MLflow does', async () => {
        const { seen } = await withPrompts({ warning: 'Delete' }, async () => vscode.commands.executeCommand(Commands.deleteRun, await node()));
        noErrors(seen);
        assert.equal(seen.messages.filter((m) => m.buttons.includes('Delete')).length, 1, 'asked once');
        const st = await twin('delete');
        assert.equal(st.a.lifecycle_stage, 'deleted');
        assert.notEqual(st.a.stored.deleted_time, null, 'deleted_time set');
        assertTwins(st, 'delete');
      });

      it('Restore Run brings it back with deleted_time cleared, as MLflow does', async () => {
        const run = await node();
        assert.equal(run.run.info.lifecycleStage, 'deleted');
        const { seen } = await withPrompts({}, () => vscode.commands.executeCommand(Commands.restoreRun, run));
        noErrors(seen);
        const st = await twin('restore');
        assert.equal(st.a.lifecycle_stage, 'active');
        assertTwins(st, 'restore');
      });
    });
  }
});

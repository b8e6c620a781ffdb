// Modal dialogs and notifications are plain text: no markdown backticks the user would see literally.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const RUN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function tinyFileStore(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-dialog-'));
  const mlruns = path.join(root, 'mlruns');
  const exp = path.join(mlruns, '0');
  fs.mkdirSync(path.join(exp, RUN, 'artifacts'), { recursive: true });
  fs.writeFileSync(path.join(exp, 'meta.yaml'), `artifact_location: file://${exp}\ncreation_time: 1700000000000\nexperiment_id: '0'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: Default\n`);
  fs.writeFileSync(
    path.join(exp, RUN, 'meta.yaml'),
    `artifact_uri: file://${exp}/${RUN}/artifacts\nend_time: 1700000001000\nentry_point_name: ''\nexperiment_id: '0'\nlifecycle_stage: active\nrun_id: ${RUN}\nrun_name: plain-text-run\nrun_uuid: ${RUN}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: me\n`,
  );
  return mlruns;
}

describe('dialog text', () => {
  it('Delete Run asks in plain text (no literal backticks around mlflow gc) and deletes nothing when cancelled', async () => {
    const mlruns = tinyFileStore();
    const a = await useTrackingUri(mlruns);
    const [exp] = await a.services.experiments.getChildren(undefined);
    const run = await waitFor('the run node', async () => (await a.services.experiments.getChildren(exp)).find((n) => n.type === 'run'));
    const w = vscode.window as unknown as Record<string, unknown>;
    const orig = w.showWarningMessage;
    const asked: { message: string; options: { modal?: boolean; detail?: string } }[] = [];
    w.showWarningMessage = async (message: string, options: { modal?: boolean; detail?: string }) => void asked.push({ message, options });
    try {
      await vscode.commands.executeCommand(Commands.deleteRun, run);
    } finally {
      w.showWarningMessage = orig;
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(asked.length, 1);
    assert.equal(asked[0].options.modal, true);
    assert.match(asked[0].options.detail ?? '', /mlflow gc/);
    assert.ok(!/`/.test(asked[0].message + (asked[0].options.detail ?? '')), JSON.stringify(asked[0]));
    assert.match(fs.readFileSync(path.join(mlruns, '0', RUN, 'meta.yaml'), 'utf8'), /lifecycle_stage: active/);
  });
});

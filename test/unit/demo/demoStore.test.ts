// The demo `npm start` opens (issue 16 #11): the live run continues, registered versions are real model folders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore } from '../../../src/tracking/file';

interface DemoStore {
  writeDemoStore(dir: string): { runningRunDir: string };
  appendLivePoint(runDir: string): number;
}

describe('demo store (issue 16 #11)', function () {
  this.timeout(60000);
  let dir: string;
  let demo: DemoStore;
  let running: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-demo-unit-'));
    demo = (await import(path.resolve(__dirname, '../../../scripts/demo-store.mjs'))) as DemoStore;
    running = demo.writeDemoStore(dir).runningRunDir;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the live writer continues after the last logged step, also after a restart', () => {
    const file = path.join(running, 'metrics', 'train', 'loss');
    const steps = () => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]));
    const before = steps();
    demo.appendLivePoint(running);
    demo.appendLivePoint(running); // a restarted `npm start` calls it afresh
    const after = steps();
    assert.deepEqual(after.slice(-2), [before[before.length - 1] + 1, before[before.length - 1] + 2]);
    assert.ok(after.every((s, i) => i === 0 || s > after[i - 1]), 'steps only ever increase: no zig-zag band');
  });

  it('every registered model version points to an MLmodel folder with a signature and an input example', async () => {
    const store = new FileStore(path.join(dir, 'mlruns'));
    const models = (await store.searchRegisteredModels({ maxResults: 100 })).items;
    assert.ok(models.length > 0);
    let versions = 0;
    for (const m of models) {
      for (const v of (await store.searchModelVersions({ filter: `name='${m.name}'`, maxResults: 100 })).items) {
        versions++;
        const meta = fs.readFileSync(path.join(dir, 'mlruns', 'models', m.name, `version-${v.version}`, 'meta.yaml'), 'utf8');
        const folder = fileURLToPath(/^storage_location: (\S+)$/m.exec(meta)![1]);
        const mlmodel = fs.readFileSync(path.join(folder, 'MLmodel'), 'utf8');
        assert.match(mlmodel, /^signature:\n {2}inputs: '\[/m, `${m.name}/${v.version}: a signature`);
        assert.match(mlmodel, /^saved_input_example_info:\n {2}artifact_path: input_example.json/m);
        for (const f of ['input_example.json', 'serving_input_example.json', 'model.pkl', 'python_env.yaml', 'requirements.txt']) {
          assert.ok(fs.existsSync(path.join(folder, f)), `${m.name}/${v.version}: ${f}`);
        }
        assert.match(mlmodel, new RegExp(`^run_id: ${v.runId}$`, 'm'));
      }
    }
    assert.ok(versions >= 2);
  });
});

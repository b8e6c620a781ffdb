// The demo `npm start` opens (issue 16 #11) registers a real MLflow 3 logged model: MLflow itself loads
// the champion alias and predicts its input example. (MLflow 2 cannot read MLflow 3's logged models.)
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../vscode/helpers';
import { pythonEnv, real } from './support/real';

if (real.major() >= 3) {
  describe('e2e: the demo store\'s registered model', function () {
    this.timeout(120000);
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-demo-e2e-'));
      const script = pathToFileURL(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'scripts', 'demo-store.mjs')).href;
      execFileSync(process.execPath, ['-e', `import(${JSON.stringify(script)}).then((m) => m.writeDemoStore(${JSON.stringify(dir)}))`], { stdio: 'pipe', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('real MLflow loads models:/iris-classifier@champion and predicts its input example', () => {
      const out = execFileSync(real.python(), ['-c', [
        'import json, mlflow, pandas as pd',
        `mlflow.set_tracking_uri(${JSON.stringify(pathToFileURL(path.join(dir, 'mlruns')).href)})`,
        'm = mlflow.pyfunc.load_model("models:/iris-classifier@champion")',
        'info = mlflow.models.get_model_info("models:/iris-classifier@champion")',
        'assert info.signature is not None and info.saved_input_example_info',
        'print(json.dumps(list(map(int, m.predict(pd.DataFrame([[5.1, 3.5, 1.4, 0.2]], columns=["sepal_length", "sepal_width", "petal_length", "petal_width"]))))))',
      ].join('\n')], { encoding: 'utf8', env: pythonEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
      assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), [0]);
    });
  });
}

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveLocalTrackingUri } from '../../../../src/tracking/uri';

describe('tracking/uri: resolveLocalTrackingUri (a folder on this machine)', () => {
  let ws: string;
  beforeEach(() => (ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-uri-'))));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('reads MLFLOW_TRACKING_URI from the folder .env and keeps the text it came from', () => {
    fs.writeFileSync(path.join(ws, '.env'), 'MLFLOW_TRACKING_URI=sqlite:///db/mlflow.db\n');
    const r = resolveLocalTrackingUri(fs, { env: {}, workspaceFolder: ws });
    assert.equal(r?.resolved.source, 'dotenv');
    assert.equal(r?.resolved.path, path.join(ws, 'db', 'mlflow.db'));
    assert.equal(r?.raw, 'sqlite:///db/mlflow.db');
  });

  it('puts the setting ahead of the environment, and detects ./mlruns when neither is set', () => {
    assert.equal(resolveLocalTrackingUri(fs, { setting: ' http://a:5000 ', env: { MLFLOW_TRACKING_URI: 'http://b:5000' }, workspaceFolder: ws })?.raw, 'http://a:5000');
    assert.equal(resolveLocalTrackingUri(fs, { env: { MLFLOW_TRACKING_URI: 'http://b:5000' }, workspaceFolder: ws })?.resolved.source, 'env');
    assert.equal(resolveLocalTrackingUri(fs, { env: {}, workspaceFolder: ws }), undefined);
    fs.mkdirSync(path.join(ws, 'mlruns', '0'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'mlruns', '0', 'meta.yaml'), 'name: Default\n');
    const r = resolveLocalTrackingUri(fs, { env: {}, workspaceFolder: ws });
    assert.equal(r?.resolved.kind, 'file');
    assert.equal(r?.raw, r?.resolved.uri);
  });
});

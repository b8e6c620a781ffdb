import * as assert from 'node:assert/strict';
import { buildScriptLaunch, LAUNCH_TAG, runContextValue } from '../../../src/training/launch';

describe('training/launch', () => {
  it('argv is [python, script, ...args]; URI and credentials only in the environment', () => {
    const r = buildScriptLaunch({
      python: '/venv/bin/python',
      script: '/ws/train.py',
      args: ['--lr', '0.1'],
      cwd: '/ws',
      tracking: { trackingUri: 'http://127.0.0.1:5000', username: 'alice', password: 's3cret' },
      extraEnv: { PATH: '/venv/bin:/usr/bin', VIRTUAL_ENV: '/venv' },
      launchId: 'L1',
    });
    assert.ok(r.ok);
    const c = r.command;
    assert.equal(c.executable, '/venv/bin/python');
    assert.deepEqual(c.args, ['/ws/train.py', '--lr', '0.1']);
    assert.equal(c.cwd, '/ws');
    assert.equal(c.env.MLFLOW_TRACKING_URI, 'http://127.0.0.1:5000');
    assert.equal(c.env.MLFLOW_TRACKING_USERNAME, 'alice');
    assert.equal(c.env.MLFLOW_TRACKING_PASSWORD, 's3cret');
    assert.equal(c.env.VIRTUAL_ENV, '/venv');
    assert.equal(c.env.PYTHONUNBUFFERED, '1');
    assert.deepEqual(JSON.parse(c.env.MLFLOW_RUN_CONTEXT), { [LAUNCH_TAG]: 'L1' });
    assert.ok(![c.executable, ...c.args].some((a) => a.includes('s3cret') || a.includes('127.0.0.1')));
  });

  it('keeps the user\'s own MLFLOW_RUN_CONTEXT tags and replaces one that is not a JSON object', () => {
    assert.deepEqual(JSON.parse(runContextValue('L2', '{"team":"vision"}')), { team: 'vision', [LAUNCH_TAG]: 'L2' });
    assert.deepEqual(JSON.parse(runContextValue('L2', 'not json')), { [LAUNCH_TAG]: 'L2' });
    assert.deepEqual(JSON.parse(runContextValue('L2', '[1]')), { [LAUNCH_TAG]: 'L2' });
  });

  it('refuses contradictory TLS settings as the CLI builders do', () => {
    const r = buildScriptLaunch({ python: 'python3', script: '/t.py', args: [], tracking: { trackingUri: 'https://x', insecureTls: true, serverCertPath: '/ca.pem' }, launchId: 'L' });
    assert.equal(r.ok, false);
  });
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { dockerSocket, interpretDockerVersion } from '../../../src/models/dockerCheck';
import { defaultPredictionsPath, shortTarget, slotName } from '../../../src/models/text';
import { backendStoreOf, trackingContextFor } from '../../../src/models/trackingEnv';
import { buildServeCommand } from '../../../src/cli/commands';

describe('models/trackingEnv', () => {
  it('a server connection carries its URI and credentials, for the environment only', () => {
    const t = trackingContextFor({ kind: 'rest', uri: 'https://mlflow.example/prefix' }, { type: 'basic', username: 'alice', password: 's3cret' }, { caFile: '/ca.pem' });
    assert.deepEqual(t, { trackingUri: 'https://mlflow.example/prefix', username: 'alice', password: 's3cret', serverCertPath: '/ca.pem' });
    const r = buildServeCommand({ invocation: { kind: 'mlflow', path: '/bin/mlflow' }, version: '3.6.0', tracking: t, modelUri: 'models:/iris@champion', envManager: 'local' });
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.command.env.MLFLOW_TRACKING_PASSWORD, 's3cret');
    assert.ok(!r.command.args.some((a) => a.includes('s3cret') || a.includes('mlflow.example')), 'nothing secret in argv');
    assert.deepEqual(trackingContextFor({ kind: 'rest', uri: 'http://h' }, { type: 'bearer', token: 'tok' }), { trackingUri: 'http://h', token: 'tok' });
  });

  it('local stores: the URI only; credentials and TLS are for servers', () => {
    assert.deepEqual(trackingContextFor({ kind: 'file', uri: 'file:///w/mlruns' }, { type: 'bearer', token: 'x' }, { insecure: true }), { trackingUri: 'file:///w/mlruns' });
    assert.equal(trackingContextFor(undefined, undefined), undefined);
    assert.equal(backendStoreOf({ kind: 'sqlite', uri: 'sqlite:////w/mlflow.db' }), 'sqlite:////w/mlflow.db');
    assert.equal(backendStoreOf({ kind: 'rest', uri: 'http://h' }), undefined);
  });
});

describe('models/dockerCheck', () => {
  it('reads docker version output', () => {
    assert.deepEqual(interpretDockerVersion({ exitCode: 0, stdout: '27.3.1\n', stderr: '' }), { ok: true, version: '27.3.1', via: 'cli' });
    const down = interpretDockerVersion({ exitCode: 1, stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' });
    assert.equal(down.ok, false);
    assert.equal(!down.ok && down.reason, 'no-daemon');
    const perm = interpretDockerVersion({ exitCode: 1, stdout: '', stderr: 'permission denied while trying to connect to the Docker daemon socket' });
    assert.equal(!perm.ok && perm.reason, 'permission');
    assert.equal(interpretDockerVersion({ exitCode: null, stdout: '', stderr: '', errorCode: 'ENOENT' }).ok, false);
  });
  it('finds the engine socket', () => {
    assert.equal(dockerSocket({}, 'linux'), '/var/run/docker.sock');
    assert.equal(dockerSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'linux'), '/run/user/1000/docker.sock');
    assert.equal(dockerSocket({ DOCKER_HOST: 'tcp://10.0.0.2:2375' }, 'linux'), undefined);
    assert.equal(dockerSocket({}, 'win32'), undefined);
  });
});

describe('models/text', () => {
  it('names terminals per action and server', () => {
    assert.equal(slotName('serve', 'models:/iris-classifier@champion', 5001), 'MLflow: Serve models:/iris-classifier@champion :5001');
    assert.equal(slotName('predict'), 'MLflow: Predict');
    assert.equal(slotName('ui', 'file:///w/mlruns', 5000), 'MLflow UI :5000');
    assert.equal(shortTarget('runs:/0123456789abcdef0123456789abcdef/model', 20), '…cdef0123456789abcdef/model'.slice(-20).replace(/^./, '…'));
  });
  it('puts predictions next to the input', () => {
    assert.equal(defaultPredictionsPath('/w/data/input.csv', path.posix.join, path.posix.dirname, path.posix.basename), '/w/data/input.predictions.json');
    assert.equal(defaultPredictionsPath('/w/in.JSON', path.posix.join, path.posix.dirname, path.posix.basename), '/w/in.predictions.json');
  });
});

// The environment an `mlflow` runs in: as if its virtual/conda environment were activated, so that MLflow finds
// the uvicorn/gunicorn it starts by bare name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { activationEnv, detectEnvironment } from '../../../src/cli/activation';
import { discoverMlflow, nodeDiscoveryFs } from '../../../src/cli/discovery';
import type { DiscoveryFs, FileInfo } from '../../../src/cli/discovery';

function fakeFs(files: Record<string, 'x' | 'f' | 'd'>, links: Record<string, string> = {}): DiscoveryFs {
  return {
    async stat(p: string): Promise<FileInfo | undefined> {
      const k = files[links[p] ?? p];
      return k ? { isFile: k !== 'd', isDirectory: k === 'd', executable: k === 'x' } : undefined;
    },
    async realpath(p: string) {
      return links[p] ?? p;
    },
  };
}

describe('activated environment for the mlflow command line', () => {
  const PATH = '/usr/local/bin:/usr/bin:/bin';

  it('a venv python: its bin first on PATH and VIRTUAL_ENV set', async () => {
    const fsx = fakeFs({ '/p/.venv/pyvenv.cfg': 'f', '/usr/bin/python3.11': 'x' }, { '/p/.venv/bin/python': '/usr/bin/python3.11' });
    const e = await detectEnvironment('/p/.venv/bin/python', { fs: fsx, platform: 'linux' });
    assert.deepEqual(e, { kind: 'venv', root: '/p/.venv', binDirs: ['/p/.venv/bin'] });
    assert.deepEqual(activationEnv(e, { PATH }, 'linux'), { PATH: `/p/.venv/bin:${PATH}`, VIRTUAL_ENV: '/p/.venv' });
  });

  it('a venv already on PATH moves to the front once', () => {
    const env = activationEnv({ kind: 'venv', root: '/v', binDirs: ['/v/bin'] }, { PATH: '/usr/bin:/v/bin:/bin' }, 'linux');
    assert.equal(env.PATH, '/v/bin:/usr/bin:/bin');
  });

  it('a conda environment: CONDA_PREFIX and its bin (POSIX) or its Windows folders', async () => {
    const e = await detectEnvironment('/opt/conda/envs/ml/bin/mlflow', { fs: fakeFs({ '/opt/conda/envs/ml/conda-meta': 'd' }), platform: 'linux' });
    assert.deepEqual(activationEnv(e, { PATH }, 'linux'), { PATH: `/opt/conda/envs/ml/bin:${PATH}`, CONDA_PREFIX: '/opt/conda/envs/ml', CONDA_DEFAULT_ENV: 'ml' });
    const w = await detectEnvironment('C:\\conda\\envs\\ml\\python.exe', { fs: fakeFs({ 'C:\\conda\\envs\\ml\\conda-meta': 'd' }), platform: 'win32' });
    assert.equal(w.kind, 'conda');
    const env = activationEnv(w, { Path: 'C:\\Windows\\system32' }, 'win32');
    assert.deepEqual(Object.keys(env).sort(), ['CONDA_DEFAULT_ENV', 'CONDA_PREFIX', 'Path'], 'the existing Path key is kept on Windows');
    assert.ok(env.Path.startsWith('C:\\conda\\envs\\ml;C:\\conda\\envs\\ml\\Library\\mingw-w64\\bin;'), env.Path);
    assert.ok(env.Path.includes('C:\\conda\\envs\\ml\\Scripts;'), env.Path);
    assert.ok(env.Path.endsWith(';C:\\Windows\\system32'));
  });

  it('a Windows venv: Scripts\\ first', async () => {
    const e = await detectEnvironment('C:\\p\\.venv\\Scripts\\mlflow.exe', { fs: fakeFs({ 'C:\\p\\.venv\\pyvenv.cfg': 'f' }), platform: 'win32' });
    assert.deepEqual(activationEnv(e, { PATH: 'C:\\Windows' }, 'win32'), { PATH: 'C:\\p\\.venv\\Scripts;C:\\Windows', VIRTUAL_ENV: 'C:\\p\\.venv' });
  });

  it('a pipx-style link to a venv\'s mlflow: the venv it points into', async () => {
    const fsx = fakeFs({ '/h/.local/pipx/venvs/mlflow/pyvenv.cfg': 'f', '/h/.local/pipx/venvs/mlflow/bin/mlflow': 'x' }, { '/h/.local/bin/mlflow': '/h/.local/pipx/venvs/mlflow/bin/mlflow' });
    const e = await detectEnvironment('/h/.local/bin/mlflow', { fs: fsx, platform: 'linux' });
    assert.deepEqual(e, { kind: 'venv', root: '/h/.local/pipx/venvs/mlflow', binDirs: ['/h/.local/pipx/venvs/mlflow/bin'] });
  });

  it('a plain installation: PATH untouched when its folder is on it, else the folder is added first', async () => {
    const e = await detectEnvironment('/usr/bin/python3', { fs: fakeFs({}), platform: 'linux' });
    assert.deepEqual(e, { kind: 'plain', binDirs: ['/usr/bin'] });
    assert.deepEqual(activationEnv(e, { PATH }, 'linux'), {});
    assert.deepEqual(activationEnv({ kind: 'plain', binDirs: ['/opt/py/bin'] }, { PATH }, 'linux'), { PATH: `/opt/py/bin:${PATH}` });
  });

  it('discovery reports the environment of a real venv on disk', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-venv-'));
    try {
      fs.mkdirSync(path.join(root, 'bin'));
      fs.writeFileSync(path.join(root, 'pyvenv.cfg'), 'home = /usr/bin\n');
      const mlflow = path.join(root, 'bin', 'mlflow');
      fs.writeFileSync(mlflow, '#!/bin/sh\necho "mlflow, version 3.6.0"\n', { mode: 0o755 });
      const r = await discoverMlflow({ cliPath: mlflow }, { env: { PATH }, platform: 'linux', fs: nodeDiscoveryFs }, async () => ({ exitCode: 0, stdout: 'mlflow, version 3.6.0\n', stderr: '' }));
      assert.ok(r.ok);
      assert.deepEqual(r.environment, { kind: 'venv', root, binDirs: [path.join(root, 'bin')] });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

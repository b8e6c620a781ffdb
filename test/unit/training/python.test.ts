import * as assert from 'node:assert/strict';
import type { DiscoveryEnv, FileInfo } from '../../../src/cli/discovery';
import { choosePython, pythonOfCliPath } from '../../../src/training/python';

function env(files: Record<string, 'file' | 'dir'>, links: Record<string, string> = {}, PATH = '/usr/bin'): DiscoveryEnv {
  return {
    env: { PATH, HOME: '/home/me' },
    platform: 'linux',
    fs: {
      stat: async (p): Promise<FileInfo | undefined> => {
        const k = files[links[p] ?? p];
        return k ? { isFile: k === 'file', isDirectory: k === 'dir', executable: k === 'file' } : undefined;
      },
      realpath: async (p) => links[p] ?? p,
    },
  };
}

describe('training/python', () => {
  it('the Python extension\'s interpreter comes first', async () => {
    assert.deepEqual(await choosePython({ extension: '/proj/.venv/bin/python', cliPath: '/x/python' }, env({})), { python: '/proj/.venv/bin/python', source: 'pythonExtension' });
  });

  it('mlflow.cliPath: a python, the python beside mlflow (or beside its link target), an environment folder', async () => {
    const de = env(
      { '/v/bin/python3': 'file', '/v/bin/mlflow': 'file', '/v': 'dir', '/pipx/venvs/mlflow/bin/mlflow': 'file', '/pipx/venvs/mlflow/bin/python': 'file', '/home/me/.local/bin/mlflow': 'file' },
      { '/home/me/.local/bin/mlflow': '/pipx/venvs/mlflow/bin/mlflow' },
    );
    assert.equal(await pythonOfCliPath('/v/bin/python3', de), '/v/bin/python3');
    assert.equal(await pythonOfCliPath('/v/bin/mlflow', de), '/v/bin/python3');
    assert.equal(await pythonOfCliPath('/v', de), '/v/bin/python3');
    assert.equal(await pythonOfCliPath('~/.local/bin/mlflow', de), '/pipx/venvs/mlflow/bin/python');
    assert.equal(await pythonOfCliPath('/nowhere/mlflow', de), undefined);
    assert.deepEqual(await choosePython({ cliPath: '/v' }, de), { python: '/v/bin/python3', source: 'cliPath' });
  });

  it('else python3 on PATH, else the bare name', async () => {
    assert.deepEqual(await choosePython({}, env({ '/usr/bin/python3': 'file' })), { python: '/usr/bin/python3', source: 'path' });
    assert.deepEqual(await choosePython({}, env({})), { python: 'python3', source: 'path' });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type DiscoveryEnv,
  type FileInfo,
  type ProbeOutput,
  classifyExecutable,
  discoverMlflow,
  findOnPath,
  interpretProbe,
  listCandidates,
  nodeDiscoveryFs,
  nodeProbeRunner,
  parseMlflowVersion,
  versionProbeArgs,
} from '../../../src/cli/discovery';
import { VERSIONS } from '../../support/fixtures';
import { helpText } from './helpFiles';

/** A fake file system: path → kind ('x' executable file, 'f' plain file, 'd' directory). */
function fakeFs(files: Record<string, 'x' | 'f' | 'd'>): DiscoveryEnv['fs'] {
  return {
    async stat(p: string): Promise<FileInfo | undefined> {
      const k = files[p];
      if (!k) return undefined;
      return { isFile: k !== 'd', isDirectory: k === 'd', executable: k === 'x' };
    },
  };
}

function posix(files: Record<string, 'x' | 'f' | 'd'>, env: Record<string, string> = {}): DiscoveryEnv {
  return { platform: 'linux', env: { PATH: '/usr/local/bin:/usr/bin', HOME: '/home/me', ...env }, fs: fakeFs(files) };
}

const VERSION_OUT = 'mlflow, version 3.6.0\n';

describe('MLflow discovery', () => {
  describe('parseMlflowVersion', () => {
    it('reads the real --version output of both versions', function () {
      for (const ver of VERSIONS) {
        const text = helpText(ver, 'version.txt').split('\n')[0];
        const v = parseMlflowVersion(text);
        assert.ok(v, text);
        assert.equal(v.major, ver === 'v2' ? 2 : 3);
        assert.equal(v.pre, 'dev0');
      }
    });

    it('reads the forms click prints, with noise around', () => {
      assert.deepEqual(parseMlflowVersion('mlflow, version 3.6.0'), { raw: '3.6.0', major: 3, minor: 6, patch: 0 });
      assert.equal(parseMlflowVersion('python -m mlflow, version 2.17.2\n')?.raw, '2.17.2');
      assert.equal(parseMlflowVersion('mlflow.exe, version 3.1.0rc0\r\n')?.pre, 'rc0');
      assert.equal(parseMlflowVersion('/x/site-packages/pydantic/_internal.py:1: UserWarning: blah\nmlflow, version 3.6.1.dev0\n')?.raw, '3.6.1.dev0');
      assert.equal(parseMlflowVersion('3.5.1')?.minor, 5);
      assert.equal(parseMlflowVersion('Python 3.11.2'), undefined);
      assert.equal(parseMlflowVersion(''), undefined);
    });
  });

  it('classifies executables', () => {
    for (const p of ['/usr/bin/python3', '/v/bin/python', 'C:\\Py\\python.exe', 'python3.11', 'C:\\Windows\\py.exe', 'pythonw.exe']) assert.equal(classifyExecutable(p), 'python', p);
    for (const p of ['/v/bin/mlflow', 'C:\\v\\Scripts\\mlflow.exe']) assert.equal(classifyExecutable(p), 'mlflow', p);
    assert.equal(classifyExecutable('/opt/tool'), 'unknown');
    assert.deepEqual(versionProbeArgs({ kind: 'python', path: 'p' }), ['-m', 'mlflow', '--version']);
    assert.deepEqual(versionProbeArgs({ kind: 'mlflow', path: 'm' }), ['--version']);
  });

  describe('findOnPath', () => {
    it('finds the first executable match and skips non-executables, empty and relative entries', async () => {
      const de = posix({ '/usr/local/bin/mlflow': 'f', '/usr/bin/mlflow': 'x', './bin/mlflow': 'x', 'mlflow': 'x' }, { PATH: ':./bin:/usr/local/bin:/usr/bin' });
      assert.equal(await findOnPath('mlflow', de), '/usr/bin/mlflow');
      assert.equal(await findOnPath('mlflow', posix({})), undefined);
    });

    it('Windows: PATHEXT, case-insensitive Path, quoted entries', async () => {
      const de: DiscoveryEnv = {
        platform: 'win32',
        env: { Path: 'C:\\Windows;"C:\\Py\\Scripts";relative', PATHEXT: '.COM;.EXE;.BAT' },
        fs: fakeFs({ 'C:\\Py\\Scripts\\mlflow.exe': 'f' }),
      };
      assert.equal(await findOnPath('mlflow', de), 'C:\\Py\\Scripts\\mlflow.exe');
    });
  });

  describe('listCandidates', () => {
    it('setting pointing at an mlflow executable, a python, a bare name, a venv folder', async () => {
      let r = await listCandidates({ cliPath: '/opt/venv/bin/mlflow', pythonInterpreter: '/usr/bin/python3' }, posix({ '/opt/venv/bin/mlflow': 'x', '/usr/bin/python3': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates, [{ invocation: { kind: 'mlflow', path: '/opt/venv/bin/mlflow' }, source: 'setting' }], 'the setting is used alone');
      r = await listCandidates({ cliPath: '~/venv/bin/python3.11' }, posix({ '/home/me/venv/bin/python3.11': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates[0].invocation, { kind: 'python', path: '/home/me/venv/bin/python3.11' });
      r = await listCandidates({ cliPath: 'python3' }, posix({ '/usr/bin/python3': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates[0].invocation, { kind: 'python', path: '/usr/bin/python3' });
      r = await listCandidates({ cliPath: '/opt/venv' }, posix({ '/opt/venv': 'd', '/opt/venv/bin/python': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates[0].invocation, { kind: 'python', path: '/opt/venv/bin/python' });
      r = await listCandidates({ cliPath: '/opt/venv' }, posix({ '/opt/venv': 'd', '/opt/venv/bin/mlflow': 'x', '/opt/venv/bin/python': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates[0].invocation, { kind: 'mlflow', path: '/opt/venv/bin/mlflow' });
    });

    it('a broken setting is reported, not silently replaced', async () => {
      let r = await listCandidates({ cliPath: '/nope/mlflow' }, posix({ '/usr/bin/mlflow': 'x' }));
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'setting-missing');
      assert.deepEqual(r.problem.actions.map((a) => a.id), ['openSettings', 'selectInterpreter']);
      r = await listCandidates({ cliPath: '/opt/mlflow' }, posix({ '/opt/mlflow': 'f' }));
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'not-executable');
      r = await listCandidates({ cliPath: '/opt/empty' }, posix({ '/opt/empty': 'd' }));
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'setting-missing');
    });

    it('no setting: interpreter first, then PATH; nothing at all → not-found with actions', async () => {
      let r = await listCandidates({ pythonInterpreter: '/w/.venv/bin/python' }, posix({ '/w/.venv/bin/python': 'x', '/usr/bin/mlflow': 'x' }));
      assert.ok(r.ok);
      assert.deepEqual(r.candidates.map((c) => c.source), ['pythonExtension', 'path']);
      r = await listCandidates({}, posix({}));
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'not-found');
      assert.deepEqual(r.problem.actions.map((a) => a.id), ['selectInterpreter', 'openSettings']);
      assert.deepEqual(r.problem.tried, ['mlflow on PATH']);
    });

    it('not-found offers pip install mlflow into the interpreter found (issue 16 #4)', async () => {
      let r = await listCandidates({}, posix({ '/usr/bin/python3': 'x' }));
      assert.ok(!r.ok);
      assert.deepEqual(r.problem.actions[0], { id: 'installMlflow', label: 'Install MLflow', argv: ['/usr/bin/python3', '-m', 'pip', 'install', 'mlflow'] });
      assert.match(r.problem.message, /pip install mlflow/);
      r = await listCandidates({}, posix({}));
      assert.ok(!r.ok);
      assert.match(r.problem.message, /pip install mlflow/, 'the message says how to get MLflow even without a Python to run it with');
    });
  });

  describe('interpretProbe', () => {
    const py = { kind: 'python' as const, path: '/usr/bin/python3' };
    const ml = { kind: 'mlflow' as const, path: '/usr/bin/mlflow' };

    it('a version', () => {
      const r = interpretProbe(ml, { exitCode: 0, stdout: VERSION_OUT, stderr: '' });
      assert.ok(r.ok);
      assert.equal(r.version.raw, '3.6.0');
    });

    it('"No module named mlflow" → install / select interpreter', () => {
      const r = interpretProbe(py, { exitCode: 1, stdout: '', stderr: '/usr/bin/python3: No module named mlflow\n' });
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'no-mlflow-module');
      assert.match(r.problem.message, /does not have MLflow installed/);
      const install = r.problem.actions.find((a) => a.id === 'installMlflow');
      assert.ok(install && install.id === 'installMlflow');
      assert.deepEqual(install.argv, ['/usr/bin/python3', '-m', 'pip', 'install', 'mlflow']);
      assert.ok(r.problem.actions.some((a) => a.id === 'selectInterpreter'));
      const quoted = interpretProbe(py, { exitCode: 1, stdout: '', stderr: "ModuleNotFoundError: No module named 'mlflow'\n" });
      assert.ok(!quoted.ok && quoted.problem.code === 'no-mlflow-module');
    });

    it('a missing dependency is a broken install, not a missing MLflow', () => {
      const stderr = 'Traceback (most recent call last):\n  File "x", line 1\nModuleNotFoundError: No module named \'pandas\'\n';
      const r = interpretProbe(ml, { exitCode: 1, stdout: '', stderr });
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'mlflow-broken');
      assert.match(r.problem.message, /"pandas" is missing/);
      assert.ok(r.problem.detail?.includes('Traceback'));
    });

    it('old MLflow without __main__, too old versions, spawn errors, odd output', () => {
      let r = interpretProbe(py, { exitCode: 1, stdout: '', stderr: "/usr/bin/python: No module named mlflow.__main__; 'mlflow' is a package and cannot be directly executed\n" });
      assert.ok(!r.ok && r.problem.code === 'too-old');
      r = interpretProbe(ml, { exitCode: 0, stdout: 'mlflow, version 1.30.1\n', stderr: '' });
      assert.ok(!r.ok && r.problem.code === 'too-old');
      r = interpretProbe(ml, { exitCode: null, stdout: '', stderr: '', errorCode: 'ENOENT' });
      assert.ok(!r.ok && r.problem.code === 'setting-missing');
      r = interpretProbe(ml, { exitCode: null, stdout: '', stderr: '', errorCode: 'EACCES' });
      assert.ok(!r.ok && r.problem.code === 'not-executable');
      r = interpretProbe(ml, { exitCode: null, stdout: '', stderr: '', errorCode: 'ETIMEDOUT' });
      assert.ok(!r.ok && r.problem.code === 'probe-failed');
      r = interpretProbe(ml, { exitCode: 0, stdout: 'hello\n', stderr: '' });
      assert.ok(!r.ok && r.problem.code === 'bad-version-output');
      r = interpretProbe(ml, { exitCode: 2, stdout: '', stderr: 'Error: No such option: --version\n' });
      assert.ok(!r.ok && r.problem.code === 'probe-failed');
    });
  });

  describe('discoverMlflow', () => {
    it('falls back from an interpreter without MLflow to mlflow on PATH, keeping the reason', async () => {
      const calls: string[] = [];
      const run = async (exe: string, args: string[]): Promise<ProbeOutput> => {
        calls.push([exe, ...args].join(' '));
        if (exe === '/w/.venv/bin/python') return { exitCode: 1, stdout: '', stderr: '/w/.venv/bin/python: No module named mlflow\n' };
        return { exitCode: 0, stdout: 'mlflow, version 2.17.2\n', stderr: '' };
      };
      const r = await discoverMlflow({ pythonInterpreter: '/w/.venv/bin/python' }, posix({ '/w/.venv/bin/python': 'x', '/usr/bin/mlflow': 'x' }), run);
      assert.ok(r.ok);
      assert.deepEqual(r.invocation, { kind: 'mlflow', path: '/usr/bin/mlflow' });
      assert.equal(r.source, 'path');
      assert.equal(r.version.raw, '2.17.2');
      assert.equal(r.skipped[0].code, 'no-mlflow-module');
      assert.deepEqual(calls, ['/w/.venv/bin/python -m mlflow --version', '/usr/bin/mlflow --version']);
    });

    it('reports the first candidate\'s problem when nothing works', async () => {
      const run = async (): Promise<ProbeOutput> => ({ exitCode: 1, stdout: '', stderr: '/w/.venv/bin/python: No module named mlflow\n' });
      const r = await discoverMlflow({ pythonInterpreter: '/w/.venv/bin/python' }, posix({ '/w/.venv/bin/python': 'x' }), run);
      assert.ok(!r.ok);
      assert.equal(r.problem.code, 'no-mlflow-module');
    });

    // the fake executables are shell scripts: not registered on Windows
    if (process.platform !== 'win32') it('works with the node fs and process runner against fake executables', async function () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-disc-'));
      try {
        const bin = path.join(dir, 'bin');
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, 'mlflow'), '#!/bin/sh\necho "mlflow, version 3.6.1.dev0"\n', { mode: 0o755 });
        fs.writeFileSync(path.join(bin, 'python'), '#!/bin/sh\necho "$0: No module named mlflow" >&2\nexit 1\n', { mode: 0o755 });
        fs.writeFileSync(path.join(dir, 'not-exec'), 'x', { mode: 0o644 });
        const de: DiscoveryEnv = { platform: process.platform, env: { PATH: bin }, fs: nodeDiscoveryFs };
        const r = await discoverMlflow({ pythonInterpreter: path.join(bin, 'python') }, de, nodeProbeRunner(10000));
        assert.ok(r.ok);
        assert.equal(r.version.raw, '3.6.1.dev0');
        assert.equal(r.skipped[0].code, 'no-mlflow-module');
        const bad = await listCandidates({ cliPath: path.join(dir, 'not-exec') }, de);
        assert.ok(!bad.ok && bad.problem.code === 'not-executable');
        const missing = await nodeProbeRunner(5000)(path.join(dir, 'nope'), ['--version']);
        assert.equal(missing.errorCode, 'ENOENT');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

// "Copy Command Line" for the model commands (optionsUi.copyCommandLine = quoteForShell of the built argv)
// pasted into every shell installed here (bash, sh, dash, zsh, fish — `which`): the printer at the
// program position records exactly the argv the command builders produced, and no injected command runs.
// The argv contains the model URI, paths and options with shell metacharacters, newlines and unicode.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGcCommand, buildGenerateDockerfileCommand, buildPredictCommand, buildServeCommand, type BuildResult } from '../../../src/cli/commands';
import { quoteForShell, type ShellKind } from '../../../src/cli/quote';
import { ARGV_PRINTER_SH, readArgvRecords } from '../cli/argvRecords';
import { requirePrerequisite } from '../../support/prerequisite';

export const NASTY = [
  '$(touch CANARY)',
  '`touch CANARY`',
  '; touch CANARY',
  '&& touch CANARY',
  '| touch CANARY',
  "it's \"quoted\"",
  '$HOME ${PATH} ~ * ?',
  'line1\nline2',
  'ünïcødé ✓ 🚀 \u202e',
  '!! #comment',
];

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const SHELLS: { kind: ShellKind; exe: string; args: string[] }[] = [
  { kind: 'bash', exe: 'bash', args: ['--norc', '--noprofile', '-i'] },
  { kind: 'sh', exe: 'sh', args: ['-i'] },
  { kind: 'sh', exe: 'dash', args: ['-i'] },
  { kind: 'zsh', exe: 'zsh', args: ['-f', '-i'] },
  { kind: 'fish', exe: 'fish', args: ['--no-config', '-i'] },
];

function ok(r: BuildResult): string[] {
  if (!r.ok) assert.fail(r.errors.map((e) => e.message).join(' | '));
  return [r.command.executable, ...r.command.args];
}

describe('security: copied command lines run exactly their argv in every shell', function () {
  this.timeout(60000);
  let dir: string;
  let printer: string;
  let out: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-copyline-'));
    const bin = path.join(dir, 'venv $(touch CANARY) `x`', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    printer = path.join(bin, 'mlflow');
    out = path.join(dir, 'argv.out');
    fs.writeFileSync(printer, ARGV_PRINTER_SH, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function argvs(_shell: ShellKind): string[][] {
    const invocation = { kind: 'mlflow' as const, path: printer };
    const list: string[][] = [];
    // line breaks are refused by the builders in every option (tested below)
    for (const raw of NASTY) {
      const n = raw.replace(/\n/g, ' ');
      list.push(ok(buildServeCommand({ invocation, version: '3.6.0', modelUri: `models:/${n}/1`, envManager: 'local', port: 5001 })));
      list.push(ok(buildPredictCommand({ invocation, version: '3.6.0', modelUri: `runs:/abc/${n}`, inputPath: `/data/${n}.csv`, outputPath: `/out/${n}.json`, envManager: 'local' })));
      list.push(ok(buildGenerateDockerfileCommand({ invocation, version: '3.6.0', modelUri: `models:/m@${n}`, outputDirectory: `dir ${n}`, envManager: 'local' })));
      list.push(ok(buildGcCommand({ invocation, version: '3.6.0', tracking: { trackingUri: `/stores/${n}/mlruns` }, backendStoreUri: `/stores/${n}/mlruns`, olderThan: '30d' })));
    }
    return list;
  }

  const records = (): string[][] => readArgvRecords(out);

  it('a model URI with a line break is refused by the builder, not passed on', () => {
    const r = buildServeCommand({ invocation: { kind: 'mlflow', path: '/x/mlflow' }, version: '3.6.0', modelUri: 'models:/a\nb/1', envManager: 'local' });
    assert.equal(r.ok, false);
    const p = buildPredictCommand({ invocation: { kind: 'mlflow', path: '/x/mlflow' }, version: '3.6.0', modelUri: 'models:/a/1', inputPath: 'in\n.csv', envManager: 'local' });
    assert.equal(p.ok, false);
  });

  for (const sh of SHELLS) {
    it(`${sh.exe}: serve, predict, generate-dockerfile and gc lines, pasted interactively`, function () {
      requirePrerequisite(this, which(sh.exe) ? undefined : `${sh.exe} is not installed (apt-get install ${sh.exe})`);
      fs.rmSync(out, { force: true });
      const list = argvs(sh.kind);
      const script = list.map((a) => quoteForShell(a, sh.kind)).join('\n') + '\nexit\n';
      const input = path.join(dir, 'stdin.txt');
      fs.writeFileSync(input, script);
      const fd = fs.openSync(input, 'r');
      let stderr = '';
      try {
        const env = { ...process.env, ARGV_OUT: out, HISTFILE: '/dev/null', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: dir };
        stderr = spawnSync(sh.exe, sh.args, { cwd: dir, env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 30000 }).stderr;
      } finally {
        fs.closeSync(fd);
      }
      const got = records();
      assert.equal(got.length, list.length, `runs: ${got.length}/${list.length}; stderr: ${stderr.slice(0, 1500)}`);
      got.forEach((rec, i) => assert.deepEqual(rec, list[i].slice(1)));
      assert.ok(!fs.existsSync(path.join(dir, 'CANARY')), 'an injected command ran');
    });
  }
});

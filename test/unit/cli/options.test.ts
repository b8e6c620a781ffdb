import * as assert from 'node:assert/strict';
import { VERSIONS } from '../../support/fixtures';
import {
  type BuildContext,
  type BuildResult,
  buildBuildDockerCommand,
  buildGcCommand,
  buildGenerateDockerfileCommand,
  buildPredictCommand,
  buildServeCommand,
  buildServerCommand,
} from '../../../src/cli/commands';
import {
  COMMAND_IDS,
  COMMAND_OPTIONS,
  COMMAND_WORDS,
  type CommandId,
  type OptionSpec,
  checkOptionValue,
  choicesFor,
  optionAvailable,
  optionsFor,
  parseDuration,
  resolveSpec,
} from '../../../src/cli/options';
import { parseVersionString } from '../../../src/cli/version';
import { type HelpOption, helpOptions, helpVersion, parseWithHelp, recordedRuns } from './helpFiles';

const INVOCATION = { kind: 'mlflow' as const, path: '/venv/bin/mlflow' };

/** Runs the builder of `command` with the given option values. */
function build(command: CommandId, values: Record<string, unknown>, ctx: Partial<BuildContext> = {}): BuildResult {
  const base = { invocation: INVOCATION, platform: 'linux' as NodeJS.Platform, ...ctx };
  switch (command) {
    case 'serve':
      return buildServeCommand({ ...base, modelUri: 'runs:/0123456789abcdef0123456789abcdef/model', ...values });
    case 'predict':
      return buildPredictCommand({ ...base, modelUri: 'runs:/0123456789abcdef0123456789abcdef/model', inputPath: 'in.csv', ...values });
    case 'build-docker':
      return buildBuildDockerCommand({ ...base, ...values });
    case 'generate-dockerfile':
      return buildGenerateDockerfileCommand({ ...base, ...values });
    case 'gc':
      return buildGcCommand({ ...base, backendStoreUri: 'sqlite:////srv/store/mlflow.db', ...values });
    case 'server':
    case 'ui':
      return buildServerCommand({ ...base, subcommand: command, ...values });
  }
}

function ok(r: BuildResult): Extract<BuildResult, { ok: true }> {
  if (!r.ok) assert.fail(`build failed: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r;
}

/** Example values per option (key) or kind, with what MLflow must receive. */
const SAMPLE_BY_KEY: Record<string, unknown> = {
  modelUri: 'models:/iris classifier@champion',
  host: 'localhost',
  port: 5123,
  name: 'registry.example.com:5000/team/iris-model:v2',
  staticPrefix: '/mlflow',
  backendStoreUri: 'sqlite:////srv/store/mlflow.db',
  registryStoreUri: 'postgresql://db.example.com/registry',
  runIds: ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'],
  experimentIds: ['4', '416468689634622688'],
  inputPath: '/data/my input.json',
  outputPath: '-out.json',
  gunicornOpts: '--timeout 120 --log-level debug',
  uvicornOpts: '--log-level debug',
  waitressOpts: '--threads=8',
  allowedHosts: ['mlflow.example.com', '10.0.0.*'],
  corsAllowedOrigins: ['https://app.example.com'],
};

function sampleFor(spec: OptionSpec): unknown {
  if (spec.key in SAMPLE_BY_KEY) return SAMPLE_BY_KEY[spec.key];
  switch (spec.kind) {
    case 'string':
      return 'some text';
    case 'uri':
      return 's3://bucket/some path';
    case 'path':
      return '/tmp/some dir/x';
    case 'int':
      return 7;
    case 'float':
      return 1.5;
    case 'flag':
      return true;
    case 'tri-state':
      return true;
    case 'choice':
      return spec.choices![0];
    case 'list':
      return ['a1', 'b2'];
    case 'key-value':
      return { MY_VAR: 'x=y z', OTHER: '' };
    case 'duration':
      return '1.5d2h3m4s';
  }
}

/** What the parsed argv must hold for a value. */
function expectedTokens(spec: OptionSpec, value: unknown): string[] {
  switch (spec.kind) {
    case 'flag':
      return value ? ['true'] : [];
    case 'tri-state':
      return [value ? 'true' : 'false'];
    case 'list':
      return [(value as string[]).join(',')];
    case 'key-value':
      return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    default:
      return [String(value)];
  }
}

/** Options whose value click treats as optional (3.x --install-java BOOLEAN with a flag value). */
const VALUE_OPTIONAL = ['--install-java'];

/** Options the builder passes through their environment variable instead of argv. */
const VIA_ENV: Record<string, string> = { 'gc.trackingUri': 'MLFLOW_TRACKING_URI' };

/** Metavars in --help and the kinds that may describe them. */
const METAVAR_KINDS: Record<string, OptionSpec['kind'][]> = {
  URI: ['uri'],
  PATH: ['path', 'uri'],
  HOST: ['string'],
  INTEGER: ['int'],
  BOOLEAN: ['tri-state'],
  TEXT: ['string', 'int', 'choice', 'list', 'duration', 'path', 'uri'],
  'KEY=VALUE': ['key-value'],
};

describe('CLI option catalogue vs the real --help of MLflow', function () {
  for (const ver of VERSIONS) {
    for (const command of COMMAND_IDS) {
      describe(`${ver} mlflow ${COMMAND_WORDS[command].join(' ')}`, () => {
        let version: ReturnType<typeof parseVersionString>;
        let table: HelpOption[];
        before(() => {
          version = parseVersionString(helpVersion(ver));
          table = helpOptions(ver, command);
        });

        it('describes every option of the help, with the same flags', () => {
          assert.ok(table.length >= 5);
          const specs = optionsFor(command, version!);
          for (const h of table) {
            const spec = specs.find((s) => s.long === h.long);
            assert.ok(spec, `${h.long} of ${ver} ${command} is not described in options.ts (or not for ${version!.raw})`);
            assert.equal(spec.short, h.short, `${h.long}: short flag`);
            assert.equal(spec.negative, h.negative, `${h.long}: negative flag`);
            if (h.metavar === undefined) assert.ok(['flag', 'tri-state'].includes(spec.kind), `${h.long} is a flag in --help but ${spec.kind} here`);
            else if (h.metavar.startsWith('[')) {
              assert.equal(spec.kind, 'choice');
              assert.deepEqual([...spec.choices!], h.metavar.slice(1, -1).split('|'));
            } else {
              assert.ok(METAVAR_KINDS[h.metavar], `unexpected metavar ${h.metavar}`);
              assert.ok(METAVAR_KINDS[h.metavar].includes(spec.kind), `${h.long}: ${h.metavar} in --help but kind ${spec.kind}`);
            }
          }
        });

        it('describes no option the help of this version lacks', () => {
          for (const spec of optionsFor(command, version!)) {
            assert.ok(table.some((h) => h.long === spec.long), `${spec.long} is described for ${version!.raw} but ${ver} --help has no such option`);
          }
        });

        it('every option builds an argv this version accepts, with the value intact', () => {
          for (const spec of optionsFor(command, version!)) {
            const values: unknown[] = spec.kind === 'tri-state' ? [true, false] : spec.kind === 'choice' ? [...choicesFor(spec, version)] : [sampleFor(spec)];
            for (const value of values) {
              const r = ok(build(command, { [spec.key]: value }, { version: version! }));
              const args = r.command.args;
              const words = COMMAND_WORDS[command];
              assert.deepEqual(args.slice(0, words.length), [...words]);
              const parsed = parseWithHelp(args.slice(words.length), table, VALUE_OPTIONAL);
              const envKey = VIA_ENV[`${command}.${spec.key}`];
              if (envKey) {
                assert.equal(parsed.get(spec.long), undefined, `${spec.long} must not be in argv`);
                assert.equal(r.command.env[envKey], value);
                continue;
              }
              const want = expectedTokens(spec, value);
              if (want.length === 0) assert.equal(parsed.get(spec.long), undefined);
              else assert.deepEqual(parsed.get(spec.long), want, `${spec.long}=${JSON.stringify(value)} → ${JSON.stringify(args)}`);
            }
          }
        });
      });
    }
  }

  it('the option keys are unique per command and every spec has a one-line help', () => {
    for (const command of COMMAND_IDS) {
      const keys = COMMAND_OPTIONS[command].map((s) => s.key);
      assert.equal(new Set(keys).size, keys.length, command);
      for (const s of COMMAND_OPTIONS[command]) {
        for (const major of s.versions) {
          const r = resolveSpec(s, major);
          assert.ok(r.help.length > 10 && r.help.length < 140 && !r.help.includes('\n'), `${command} ${s.long} help`);
        }
        if (s.kind === 'choice') assert.ok(s.choices && s.choices.length > 0);
      }
    }
  });

  it('every command has common options to ask for and the rest behind "more options"', () => {
    for (const command of COMMAND_IDS) {
      assert.ok(COMMAND_OPTIONS[command].some((s) => s.common), command);
      assert.ok(COMMAND_OPTIONS[command].some((s) => !s.common), command);
    }
  });
});

describe('builders reproduce the recorded real CLI runs (cli-checks RESULTS.txt)', function () {
  const SUB: Record<string, CommandId> = {
    'models serve': 'serve',
    'models predict': 'predict',
    'models build-docker': 'build-docker',
    'models generate-dockerfile': 'generate-dockerfile',
    gc: 'gc',
  };

  for (const ver of VERSIONS) {
    it(`${ver}: same options and values as every recorded command line`, () => {
      const version = parseVersionString(helpVersion(ver))!;
      const runs = recordedRuns(ver);
      assert.ok(runs.length >= 15);
      for (const run of runs) {
        const sub = run.args[0] === 'models' ? `models ${run.args[1]}` : run.args[0];
        const command = SUB[sub];
        assert.ok(command, sub);
        const words = COMMAND_WORDS[command].length;
        const table = helpOptions(ver, command);
        const recorded = parseWithHelp(run.args.slice(words), table, VALUE_OPTIONAL);
        // Recorded argv → builder options.
        const values: Record<string, unknown> = {};
        for (const [long, vals] of recorded) {
          const spec = COMMAND_OPTIONS[command].find((s) => s.long === long)!;
          values[spec.key] = spec.kind === 'flag' ? true : spec.kind === 'list' ? vals[0].split(',') : vals[0];
        }
        const base = { invocation: { kind: 'mlflow' as const, path: '/srv/venv/bin/mlflow' }, version, platform: 'linux' as NodeJS.Platform };
        let r: BuildResult;
        switch (command) {
          case 'serve':
            r = buildServeCommand({ ...base, ...values } as never);
            break;
          case 'predict':
            r = buildPredictCommand({ ...base, ...values } as never);
            break;
          case 'build-docker':
            r = buildBuildDockerCommand({ ...base, ...values });
            break;
          case 'generate-dockerfile':
            r = buildGenerateDockerfileCommand({ ...base, ...values });
            break;
          default:
            r = buildGcCommand({ ...base, ...values });
        }
        const built = ok(r);
        assert.deepEqual(built.command.args.slice(0, words), run.args.slice(0, words));
        const ours = parseWithHelp(built.command.args.slice(words), table, VALUE_OPTIONAL);
        assert.deepEqual(Object.fromEntries(ours), Object.fromEntries(recorded), run.name);
        for (const [k, v] of Object.entries(run.env)) assert.equal(built.command.env[k], v, `${run.name}: env ${k}`);
        if (run.name === 'predict-no-env-manager-flag') {
          assert.ok(built.warnings.some((w) => w.code === 'env-manager-default'), 'the failing default env manager is pointed out');
        }
      }
    });
  }
});

describe('option value checks', () => {
  const spec = (command: CommandId, key: string): OptionSpec => COMMAND_OPTIONS[command].find((s) => s.key === key)!;

  it('ports and other integers', () => {
    const port = spec('serve', 'port');
    assert.equal(checkOptionValue(port, '8080').value, 8080);
    assert.match(checkOptionValue(port, 0).error!, /between 1 and 65535/);
    assert.match(checkOptionValue(port, 70000).error!, /between 1 and 65535/);
    assert.match(checkOptionValue(port, '80a').error!, /whole number/);
    assert.match(checkOptionValue(port, 1.5).error!, /whole number/);
    assert.match(checkOptionValue(spec('serve', 'workers'), 0).error!, /at least 1/);
  });

  it('env-manager choices follow the version (uv since 2.20)', () => {
    const em = spec('serve', 'envManager');
    assert.equal(checkOptionValue(em, 'local').value, 'local');
    assert.match(checkOptionValue(em, 'pipenv').error!, /must be one of local, virtualenv, uv, conda/);
    assert.match(checkOptionValue(em, 'uv', parseVersionString('2.17.2')).error!, /needs MLflow 2.20.0/);
    assert.equal(checkOptionValue(em, 'uv', parseVersionString('2.20.0')).value, 'uv');
    assert.equal(checkOptionValue(spec('predict', 'contentType'), 'CSV').value, 'csv');
  });

  it('--older-than accepts MLflow\'s #d#h#m#s with decimals only', () => {
    assert.equal(parseDuration('30d'), 30 * 86400);
    assert.equal(parseDuration('1d2h3m4s'), 86400 + 7200 + 180 + 4);
    assert.equal(parseDuration('1.2d3h4m5s'), 1.2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    assert.equal(parseDuration('1.5h'), 5400);
    assert.equal(parseDuration('45s'), 45);
    for (const bad of ['', '10', 'd', '2h1d', '1w', '1.2.3d', '-1d', '1d 2h', '1 d', '1e3s', 'NaNd']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
    assert.match(checkOptionValue(spec('gc', 'olderThan'), '2 weeks').error!, /30d, 12h, 1d2h3m4s or 1\.5d/);
  });

  it('--env KEY=VALUE pairs', () => {
    const env = spec('predict', 'env');
    assert.deepEqual(checkOptionValue(env, ['A=1', 'B=x=y', 'C=']).value, { A: '1', B: 'x=y', C: '' });
    assert.deepEqual(checkOptionValue(env, { A: '1' }).value, { A: '1' });
    assert.match(checkOptionValue(env, ['NOEQUALS']).error!, /KEY=VALUE/);
    assert.match(checkOptionValue(env, ['1BAD=x']).error!, /not a valid variable name/);
    assert.match(checkOptionValue(env, ['A B=x']).error!, /not a valid variable name/);
    assert.match(checkOptionValue(env, ['=x']).error!, /not a valid variable name/);
    assert.match(checkOptionValue(env, ['A=1', 'A=2']).error!, /given twice/);
  });

  it('lists', () => {
    const ids = spec('gc', 'runIds');
    assert.deepEqual(checkOptionValue(ids, 'a, b ,c').value, ['a', 'b', 'c']);
    assert.match(checkOptionValue(ids, ['a,b']).error!, /comma/);
    assert.match(checkOptionValue(ids, ['a b']).error!, /spaces/);
    assert.match(checkOptionValue(ids, ['']).error!, /empty/);
  });

  it('availability by exact version', () => {
    const env = spec('predict', 'env');
    assert.equal(optionAvailable(env, parseVersionString('2.17.3.dev0')!), false);
    assert.equal(optionAvailable(env, parseVersionString('2.18.0')!), true);
    assert.equal(optionAvailable(spec('server', 'allowedHosts'), parseVersionString('3.4.0')!), false);
    assert.equal(optionAvailable(spec('server', 'allowedHosts'), parseVersionString('3.5.0rc0')!), true);
    assert.equal(optionAvailable(spec('gc', 'trackingUri'), 'v2'), false);
  });
});

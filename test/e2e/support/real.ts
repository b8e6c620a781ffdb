// What scripts/test-e2e.mjs hands the end-to-end suites (through the extension host's environment),
// and MLflow's own Python client, run as small scripts from test/e2e/python that print JSON.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../vscode/helpers';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the end-to-end suites through npm run test:e2e`);
  return v;
}

export interface LiveServer {
  url: string;
  /** The server's --backend-store-uri (sqlite:///… or postgresql://…), for reads MLflow's REST API does not offer. */
  backend: string;
}

export const real = {
  python: () => need('MLFLOW_E2E_PY'),
  version: () => need('MLFLOW_E2E_VERSION'),
  major: () => Number(need('MLFLOW_E2E_VERSION').split('.')[0]),
  /** A fresh folder for one test's files. */
  workDir(name: string): string {
    const d = path.join(need('MLFLOW_E2E_WORK'), `${name}-${Date.now().toString(36)}`);
    fs.mkdirSync(d, { recursive: true });
    return d;
  },
  sqlite: (): LiveServer => ({ url: need('MLFLOW_E2E_SQLITE_URL'), backend: need('MLFLOW_E2E_SQLITE_BACKEND') }),
  postgres: (): LiveServer | undefined =>
    process.env.MLFLOW_E2E_POSTGRES_URL ? { url: need('MLFLOW_E2E_POSTGRES_URL'), backend: need('MLFLOW_E2E_POSTGRES_BACKEND') } : undefined,
  auth: (): LiveServer & { username: string; password: string } => {
    const a = JSON.parse(fs.readFileSync(need('MLFLOW_E2E_AUTH_FILE'), 'utf8')) as { username: string; password: string };
    return { url: need('MLFLOW_E2E_AUTH_URL'), backend: need('MLFLOW_E2E_AUTH_BACKEND'), ...a };
  },
};

/** The environment MLflow's Python runs in (telemetry off, its bin first on PATH, no inherited tracking settings). */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_')) delete env[k];
  const py = real.python();
  return { ...env, PATH: `${path.dirname(py)}${path.delimiter}${env.PATH ?? ''}`, MLFLOW_DISABLE_TELEMETRY: 'true', PYTHONWARNINGS: 'ignore', PYTHONUNBUFFERED: '1', ...extra };
}

export function pythonScript(name: string): string {
  return path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'e2e', 'python', name);
}

/**
 * One Python process (test/e2e/python/runner.py) that runs the scripts with MLflow imported once;
 * requests go one at a time. Restarted after a timeout.
 */
class Runner {
  private child?: ChildProcess;
  private buf = '';
  private waiting?: (line: string) => void;
  private queue: Promise<unknown> = Promise.resolve();
  private stderr = '';

  private start(): ChildProcess {
    const child = spawn(real.python(), [pythonScript('runner.py')], { env: pythonEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiting;
        this.waiting = undefined;
        w?.(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      const w = this.waiting;
      this.waiting = undefined;
      w?.(JSON.stringify({ ok: false, error: `runner.py exited: ${this.stderr}` }));
    });
    return child;
  }

  run(script: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
    const job = this.queue.then(
      () =>
        new Promise<string>((resolve, reject) => {
          const child = (this.child ??= this.start());
          const timer = setTimeout(() => {
            this.waiting = undefined;
            child.kill('SIGKILL');
            reject(new Error(`${script} ${args.join(' ')}: no answer within ${timeoutMs / 1000} s`));
          }, timeoutMs);
          this.waiting = (line) => {
            clearTimeout(timer);
            const r = JSON.parse(line) as { ok: boolean; out?: string; error?: string };
            if (r.ok) resolve(r.out ?? '');
            else reject(new Error(`${script} ${args.join(' ')}:\n${r.error}`));
          };
          child.stdin!.write(JSON.stringify({ script, args, env }) + '\n');
        }),
    );
    this.queue = job.catch(() => undefined);
    return job;
  }
}
let runner: Runner | undefined;

/** Runs test/e2e/python/<script> with the given Python (MLflow's own client) and returns the JSON it prints last. */
export async function py<T = unknown>(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120000): Promise<T> {
  const out = await (runner ??= new Runner()).run(script, args, env, timeoutMs);
  const last = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script} printed no JSON: ${out.slice(-500)}`);
  }
}

// What scripts/test-e2e.mjs hands the end-to-end suites (through the extension host's environment),
// and MLflow's own Python client, run as small scripts from test/e2e/python that print JSON.
import { execFile } from 'child_process';
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

/** Runs test/e2e/python/<script> with the given Python and returns the JSON it prints last. */
export function py<T = unknown>(script: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(real.python(), [pythonScript(script), ...args], { env: pythonEnv(env), timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${script} ${args.join(' ')}: ${err.message}\n${stderr.split('\n').slice(-15).join('\n')}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout.slice(-500)}\n${stderr.slice(-1000)}`));
      }
    });
  });
}

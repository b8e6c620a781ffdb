// What an activated Python environment adds to a process's environment, so that the `mlflow` the extension runs
// behaves as it does in the user's terminal after `source .venv/bin/activate` / `conda activate`: MLflow starts
// helpers such as `uvicorn` (3.x) and `gunicorn` (2.x) by bare name, so the environment's bin folder must be first
// on PATH. Pure over the DiscoveryFs abstraction (no `vscode`).
import * as path from 'node:path';
import type { DiscoveryFs } from './discovery';

export type PythonEnvironment =
  /** A venv/virtualenv (has pyvenv.cfg). */
  | { kind: 'venv'; root: string; binDirs: string[] }
  /** A conda environment (has conda-meta/). */
  | { kind: 'conda'; root: string; binDirs: string[] }
  /** Any other installation (system Python, pipx shim…): only its own folder is needed on PATH. */
  | { kind: 'plain'; binDirs: string[] };

function api(platform: NodeJS.Platform) {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Conda's activation puts these folders first on PATH (Windows layout differs from POSIX). */
function condaBinDirs(root: string, platform: NodeJS.Platform): string[] {
  const p = api(platform);
  if (platform !== 'win32') return [p.join(root, 'bin')];
  return [root, p.join(root, 'Library', 'mingw-w64', 'bin'), p.join(root, 'Library', 'usr', 'bin'), p.join(root, 'Library', 'bin'), p.join(root, 'Scripts'), p.join(root, 'bin')];
}

async function envAt(dir: string, de: { fs: DiscoveryFs; platform: NodeJS.Platform }): Promise<PythonEnvironment | undefined> {
  const p = api(de.platform);
  const base = p.basename(dir).toLowerCase();
  // bin/ (POSIX), Scripts\ (Windows venv), or the root itself (Windows conda keeps python.exe there)
  const roots = base === 'bin' || base === 'scripts' ? [p.dirname(dir), dir] : [dir];
  for (const root of roots) {
    if ((await de.fs.stat(p.join(root, 'pyvenv.cfg')))?.isFile) return { kind: 'venv', root, binDirs: [dir] };
    if ((await de.fs.stat(p.join(root, 'conda-meta')))?.isDirectory) return { kind: 'conda', root, binDirs: condaBinDirs(root, de.platform) };
  }
  return undefined;
}

/**
 * The environment an executable (python or mlflow) belongs to. The path as given is checked first (a venv's
 * python is often a symlink to the system one); then, for a link such as pipx's `~/.local/bin/mlflow`, its target.
 */
export async function detectEnvironment(executable: string, de: { fs: DiscoveryFs; platform: NodeJS.Platform }): Promise<PythonEnvironment> {
  const p = api(de.platform);
  const dir = p.dirname(executable);
  const found = await envAt(dir, de);
  if (found) return found;
  const real = de.fs.realpath ? await de.fs.realpath(executable).catch(() => undefined) : undefined;
  if (real && real !== executable) {
    const viaLink = await envAt(p.dirname(real), de);
    if (viaLink) return viaLink;
  }
  return { kind: 'plain', binDirs: [dir] };
}

/**
 * Variables to give the process: PATH with the environment's folders first, plus VIRTUAL_ENV or CONDA_PREFIX.
 * For a plain installation, its folder is added at the front only when PATH lacks it (a system folder such as
 * /usr/bin is not moved ahead of the user's own order).
 */
export function activationEnv(e: PythonEnvironment | undefined, base: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): Record<string, string> {
  if (!e) return {};
  const win = platform === 'win32';
  const sep = win ? ';' : ':';
  const pathKey = (win && Object.keys(base).find((k) => k.toUpperCase() === 'PATH')) || 'PATH';
  const current = (base[pathKey] ?? '').split(sep).filter((d) => d !== '');
  const same = (a: string, b: string) => (win ? a.toLowerCase() === b.toLowerCase() : a === b);
  const out: Record<string, string> = {};
  if (e.kind === 'plain' && e.binDirs.every((d) => current.some((c) => same(c, d)))) return out;
  const rest = current.filter((c) => !e.binDirs.some((d) => same(c, d)));
  out[pathKey] = [...e.binDirs, ...rest].join(sep);
  if (e.kind === 'venv') out.VIRTUAL_ENV = e.root;
  if (e.kind === 'conda') {
    out.CONDA_PREFIX = e.root;
    out.CONDA_DEFAULT_ENV = api(platform).basename(e.root);
  }
  return out;
}

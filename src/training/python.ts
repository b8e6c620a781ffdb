// Pure (over DiscoveryEnv): which Python runs a training script when the Python extension gives none:
// the Python of mlflow.cliPath (a python, the python beside an mlflow executable or its link target, or an
// environment folder's), else python3/python on PATH.
import * as path from 'node:path';
import { classifyExecutable, findOnPath, type DiscoveryEnv } from '../cli/discovery';

export type PythonSource = 'pythonExtension' | 'cliPath' | 'path';

function names(de: DiscoveryEnv): string[] {
  return de.platform === 'win32' ? ['python.exe'] : ['python3', 'python'];
}

async function pythonIn(dir: string, de: DiscoveryEnv): Promise<string | undefined> {
  const p = de.platform === 'win32' ? path.win32 : path.posix;
  for (const n of names(de)) {
    const c = p.join(dir, n);
    if ((await de.fs.stat(c))?.isFile) return c;
  }
  return undefined;
}

/** The Python that belongs to the mlflow.cliPath setting, if any. */
export async function pythonOfCliPath(cliPath: string, de: DiscoveryEnv): Promise<string | undefined> {
  let p = cliPath.trim();
  if (!p) return undefined;
  const home = de.env.HOME ?? de.env.USERPROFILE;
  if (home && (p === '~' || p.startsWith('~/') || p.startsWith('~\\'))) p = (de.platform === 'win32' ? path.win32 : path.posix).join(home, p.slice(2));
  const api = de.platform === 'win32' ? path.win32 : path.posix;
  if (!/[\\/]/.test(p)) {
    const found = await findOnPath(p, de);
    if (!found) return undefined;
    p = found;
  }
  const info = await de.fs.stat(p);
  if (!info) return undefined;
  if (info.isDirectory) return (await pythonIn(api.join(p, de.platform === 'win32' ? 'Scripts' : 'bin'), de)) ?? (await pythonIn(p, de));
  const kind = classifyExecutable(p);
  if (kind === 'python') return p;
  if (kind !== 'mlflow') return undefined;
  const beside = await pythonIn(api.dirname(p), de);
  if (beside) return beside;
  const real = de.fs.realpath ? await de.fs.realpath(p).catch(() => undefined) : undefined;
  return real && real !== p ? pythonIn(api.dirname(real), de) : undefined;
}

/** Python extension's interpreter → mlflow.cliPath's Python → python3 (python) on PATH → "python3". */
export async function choosePython(input: { extension?: string; cliPath?: string }, de: DiscoveryEnv): Promise<{ python: string; source: PythonSource }> {
  if (input.extension) return { python: input.extension, source: 'pythonExtension' };
  const fromSetting = input.cliPath ? await pythonOfCliPath(input.cliPath, de) : undefined;
  if (fromSetting) return { python: fromSetting, source: 'cliPath' };
  for (const n of de.platform === 'win32' ? ['python', 'py'] : ['python3', 'python']) {
    const found = await findOnPath(n, de);
    if (found) return { python: found, source: 'path' };
  }
  return { python: de.platform === 'win32' ? 'python' : 'python3', source: 'path' };
}

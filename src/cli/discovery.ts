// Which MLflow command line to run: the `mlflow.cliPath` setting (an mlflow executable, a Python interpreter or
// a virtual-environment folder) → the Python extension's active interpreter → `mlflow` on PATH. Pure logic over
// small fs/process abstractions; node implementations are provided for the extension host.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type PythonEnvironment, detectEnvironment } from './activation';
import type { MlflowInvocation } from './commands';
import { type MlflowVersion, compareVersions, parseVersionString } from './version';

export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  /** POSIX: any execute bit set (ignored on Windows). */
  executable: boolean;
}

export interface DiscoveryFs {
  /** undefined when the path does not exist. Follows symlinks. */
  stat(p: string): Promise<FileInfo | undefined>;
  /** The target of a symbolic link (the path itself otherwise). */
  realpath?(p: string): Promise<string>;
}

export interface DiscoveryEnv {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  fs: DiscoveryFs;
}

export type InvocationSource = 'setting' | 'pythonExtension' | 'path';

export type SuggestedAction =
  | { id: 'selectInterpreter'; label: string }
  | { id: 'openSettings'; label: string; setting: string }
  | { id: 'installMlflow'; label: string; /** argv to run, e.g. [python, -m, pip, install, mlflow] */ argv: string[] }
  | { id: 'showLog'; label: string };

export type DiscoveryProblemCode =
  | 'not-found' // nothing configured and no mlflow on PATH
  | 'setting-missing' // mlflow.cliPath points nowhere
  | 'not-executable'
  | 'no-mlflow-module' // a Python without MLflow
  | 'mlflow-broken' // MLflow starts but fails (missing dependency, traceback)
  | 'bad-version-output'
  | 'too-old'
  | 'probe-failed'; // timeout, crash, unknown error

export interface DiscoveryProblem {
  code: DiscoveryProblemCode;
  /** One or two sentences for a notification. */
  message: string;
  /** Output worth logging (stderr tail). */
  detail?: string;
  /** What was tried, in order. */
  tried: string[];
  actions: SuggestedAction[];
}

const ACTION_SELECT: SuggestedAction = { id: 'selectInterpreter', label: 'Select Python Interpreter' };
const ACTION_SETTINGS: SuggestedAction = { id: 'openSettings', label: 'Open Settings', setting: 'mlflow.cliPath' };
const ACTION_LOG: SuggestedAction = { id: 'showLog', label: 'Show Log' };

// ---- version output ------------------------------------------------------------------------------------

/**
 * The version in `mlflow --version` / `python -m mlflow --version` output. Click prints
 * "<prog>, version <v>" where prog is "mlflow", "mlflow.exe" or "python -m mlflow"; warnings may precede it.
 */
export function parseMlflowVersion(stdout: string): MlflowVersion | undefined {
  const lines = stdout.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /\bmlflow(?:\.exe)?,\s+version\s+(\S+)\s*$/i.exec(lines[i].trim());
    if (m) return parseVersionString(m[1]);
  }
  const bare = stdout.trim();
  return /^\d+\.\d+/.test(bare) ? parseVersionString(bare) : undefined;
}

// ---- classifying a path ----------------------------------------------------------------------------------

/** 'python' for python, python3, python3.11, pythonw, py (launcher), with or without .exe; 'mlflow' for mlflow. */
export function classifyExecutable(p: string): 'python' | 'mlflow' | 'unknown' {
  const base = p.split(/[\\/]/).pop()?.toLowerCase().replace(/\.(exe|cmd|bat)$/, '') ?? '';
  if (/^(python(\d+(\.\d+)*)?w?|py|pypy\d*(\.\d+)*)$/.test(base)) return 'python';
  if (/^mlflow(\d+(\.\d+)*)?$/.test(base)) return 'mlflow';
  return 'unknown';
}

function join(platform: NodeJS.Platform, ...parts: string[]): string {
  return (platform === 'win32' ? path.win32 : path.posix).join(...parts);
}

function expandHome(p: string, de: DiscoveryEnv): string {
  const home = de.env.HOME ?? de.env.USERPROFILE;
  if (home && (p === '~' || p.startsWith('~/') || p.startsWith('~\\'))) return join(de.platform, home, p.slice(2));
  return p;
}

function envValue(de: DiscoveryEnv, name: string): string | undefined {
  if (de.platform !== 'win32') return de.env[name];
  const key = Object.keys(de.env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : de.env[key];
}

async function runnable(de: DiscoveryEnv, p: string): Promise<'ok' | 'missing' | 'not-executable' | 'directory'> {
  const info = await de.fs.stat(p);
  if (!info) return 'missing';
  if (info.isDirectory) return 'directory';
  if (!info.isFile) return 'not-executable';
  if (de.platform !== 'win32' && !info.executable) return 'not-executable';
  return 'ok';
}

/**
 * Finds `name` on PATH like a shell would, but never in the current folder: empty and relative PATH entries
 * are skipped (a workspace could otherwise plant an `mlflow`). On Windows, PATHEXT extensions are tried.
 */
export async function findOnPath(name: string, de: DiscoveryEnv): Promise<string | undefined> {
  const isWin = de.platform === 'win32';
  const pathApi = isWin ? path.win32 : path.posix;
  const dirs = (envValue(de, 'PATH') ?? '').split(isWin ? ';' : ':').map((d) => d.replace(/^"(.*)"$/, '$1'));
  const exts = isWin
    ? ['', ...(envValue(de, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '').map((e) => e.toLowerCase())]
    : [''];
  const hasExt = isWin && /\.[^\\/.]+$/.test(name);
  for (const dir of dirs) {
    if (dir === '' || !pathApi.isAbsolute(dir)) continue;
    for (const ext of exts) {
      if (isWin && ext === '' && !hasExt) continue;
      const candidate = pathApi.join(dir, name + ext);
      if ((await runnable(de, candidate)) === 'ok') return candidate;
    }
  }
  return undefined;
}

/** Inside a virtual environment / conda folder: its mlflow, else its python. */
async function fromEnvFolder(dir: string, de: DiscoveryEnv): Promise<MlflowInvocation | undefined> {
  const candidates: MlflowInvocation[] =
    de.platform === 'win32'
      ? [
          { kind: 'mlflow', path: join(de.platform, dir, 'Scripts', 'mlflow.exe') },
          { kind: 'python', path: join(de.platform, dir, 'Scripts', 'python.exe') },
          { kind: 'python', path: join(de.platform, dir, 'python.exe') },
        ]
      : [
          { kind: 'mlflow', path: join(de.platform, dir, 'bin', 'mlflow') },
          { kind: 'python', path: join(de.platform, dir, 'bin', 'python') },
          { kind: 'python', path: join(de.platform, dir, 'bin', 'python3') },
        ];
  for (const c of candidates) if ((await runnable(de, c.path)) === 'ok') return c;
  return undefined;
}

export interface Candidate {
  invocation: MlflowInvocation;
  source: InvocationSource;
}

export interface CandidateInput {
  /** `mlflow.cliPath` (may be empty). */
  cliPath?: string;
  /** The Python extension's active interpreter for the workspace (path to python). */
  pythonInterpreter?: string;
}

export type CandidateResult = { ok: true; candidates: Candidate[]; tried: string[] } | { ok: false; problem: DiscoveryProblem };

/**
 * The invocations to try, in order. A configured `mlflow.cliPath` is used alone (a broken setting is reported,
 * not silently replaced). Otherwise: the interpreter, then `mlflow` on PATH.
 */
export async function listCandidates(input: CandidateInput, de: DiscoveryEnv): Promise<CandidateResult> {
  const tried: string[] = [];
  const setting = input.cliPath?.trim();
  if (setting) {
    const p = expandHome(setting, de);
    tried.push(`mlflow.cliPath: ${p}`);
    const state = await runnable(de, p);
    if (state === 'directory') {
      const inv = await fromEnvFolder(p, de);
      if (inv) return { ok: true, candidates: [{ invocation: inv, source: 'setting' }], tried };
      return {
        ok: false,
        problem: {
          code: 'setting-missing',
          message: `mlflow.cliPath is the folder ${p}, which holds neither an mlflow executable nor a Python interpreter (looked in ${de.platform === 'win32' ? 'Scripts\\' : 'bin/'}).`,
          tried,
          actions: [ACTION_SETTINGS, ACTION_SELECT],
        },
      };
    }
    if (state === 'missing') {
      // A bare name ("mlflow", "python3") in the setting: look it up on PATH.
      if (!/[\\/]/.test(p)) {
        const found = await findOnPath(p, de);
        if (found) return { ok: true, candidates: [{ invocation: { kind: classifyExecutable(p) === 'python' ? 'python' : 'mlflow', path: found }, source: 'setting' }], tried };
      }
      return {
        ok: false,
        problem: { code: 'setting-missing', message: `mlflow.cliPath points to ${p}, which does not exist.`, tried, actions: [ACTION_SETTINGS, ACTION_SELECT] },
      };
    }
    if (state === 'not-executable') {
      return {
        ok: false,
        problem: {
          code: 'not-executable',
          message: `mlflow.cliPath points to ${p}, which is not an executable program${de.platform === 'win32' ? '' : ' (no execute permission)'}.`,
          tried,
          actions: [ACTION_SETTINGS],
        },
      };
    }
    return { ok: true, candidates: [{ invocation: { kind: classifyExecutable(p) === 'python' ? 'python' : 'mlflow', path: p }, source: 'setting' }], tried };
  }

  const candidates: Candidate[] = [];
  if (input.pythonInterpreter) {
    const p = input.pythonInterpreter;
    tried.push(`Python interpreter: ${p}`);
    const state = await runnable(de, p);
    if (state === 'ok') candidates.push({ invocation: { kind: 'python', path: p }, source: 'pythonExtension' });
    else if (state === 'directory') {
      const inv = await fromEnvFolder(p, de);
      if (inv) candidates.push({ invocation: inv, source: 'pythonExtension' });
    }
  }
  tried.push('mlflow on PATH');
  const onPath = await findOnPath('mlflow', de);
  if (onPath) candidates.push({ invocation: { kind: 'mlflow', path: onPath }, source: 'path' });
  if (candidates.length === 0) {
    // The selected interpreter, else a Python on PATH, is where `pip install mlflow` can go.
    const python = input.pythonInterpreter && (await runnable(de, input.pythonInterpreter)) === 'ok' ? input.pythonInterpreter : (await findOnPath('python3', de)) ?? (await findOnPath('python', de));
    const install: SuggestedAction[] = python ? [{ id: 'installMlflow', label: 'Install MLflow', argv: [python, '-m', 'pip', 'install', 'mlflow'] }] : [];
    return {
      ok: false,
      problem: {
        code: 'not-found',
        message: `MLflow was not found: no Python interpreter with MLflow is selected and there is no mlflow on PATH. ${python ? `Install it (Install MLflow runs ${python} -m pip install mlflow in a terminal), select` : 'Install it with pip install mlflow, select'} an interpreter that has MLflow, or set mlflow.cliPath.`,
        tried,
        actions: [...install, ACTION_SELECT, ACTION_SETTINGS],
      },
    };
  }
  return { ok: true, candidates, tried };
}

// ---- probing ----------------------------------------------------------------------------------------------

/** argv (after the executable) that asks for MLflow's version. */
export function versionProbeArgs(inv: MlflowInvocation): string[] {
  return inv.kind === 'python' ? ['-m', 'mlflow', '--version'] : ['--version'];
}

export interface ProbeOutput {
  /** null when the process could not start or was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** spawn error code: ENOENT, EACCES, ETIMEDOUT… */
  errorCode?: string;
}

export type ProbeResult = { ok: true; version: MlflowVersion } | { ok: false; problem: DiscoveryProblem };

function tail(s: string, n = 1500): string {
  const t = s.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}

/** Minimum MLflow the builders support. */
export const MIN_MLFLOW = '2.0.0';

/** Interprets the output of the version probe of one invocation. */
export function interpretProbe(inv: MlflowInvocation, out: ProbeOutput, tried: string[] = []): ProbeResult {
  const who = inv.kind === 'python' ? `The Python interpreter ${inv.path}` : `${inv.path}`;
  const installAction: SuggestedAction | undefined =
    inv.kind === 'python' ? { id: 'installMlflow', label: 'Install MLflow', argv: [inv.path, '-m', 'pip', 'install', 'mlflow'] } : undefined;
  if (out.errorCode === 'ENOENT') {
    return { ok: false, problem: { code: 'setting-missing', message: `${who} does not exist (any more).`, tried, actions: [ACTION_SELECT, ACTION_SETTINGS] } };
  }
  if (out.errorCode === 'EACCES' || out.errorCode === 'EPERM') {
    return { ok: false, problem: { code: 'not-executable', message: `${who} cannot be run (permission denied).`, tried, actions: [ACTION_SETTINGS, ACTION_SELECT] } };
  }
  if (out.errorCode === 'ETIMEDOUT' || (out.exitCode === null && !out.errorCode)) {
    return {
      ok: false,
      problem: { code: 'probe-failed', message: `${who} did not answer "--version" in time.`, detail: tail(out.stderr), tried, actions: [ACTION_LOG, ACTION_SETTINGS] },
    };
  }
  const all = `${out.stdout}\n${out.stderr}`;
  if (/No module named '?mlflow\.__main__'?/.test(all)) {
    return {
      ok: false,
      problem: { code: 'too-old', message: `${who} has an MLflow too old to run as "python -m mlflow"; install MLflow 2 or later.`, detail: tail(out.stderr), tried, actions: installAction ? [installAction, ACTION_SELECT] : [ACTION_SELECT] },
    };
  }
  if (/No module named '?mlflow'?\s*$/m.test(all)) {
    return {
      ok: false,
      problem: {
        code: 'no-mlflow-module',
        message: `${who} does not have MLflow installed. Install it (pip install mlflow) or select another interpreter.`,
        detail: tail(out.stderr),
        tried,
        actions: installAction ? [installAction, ACTION_SELECT, ACTION_SETTINGS] : [ACTION_SELECT, ACTION_SETTINGS],
      },
    };
  }
  const version = out.exitCode === 0 ? parseMlflowVersion(out.stdout) ?? parseMlflowVersion(out.stderr) : undefined;
  if (version) {
    if (compareVersions(version, MIN_MLFLOW) < 0) {
      return {
        ok: false,
        problem: { code: 'too-old', message: `${who} runs MLflow ${version.raw}; the extension needs MLflow ${MIN_MLFLOW} or later.`, tried, actions: installAction ? [installAction, ACTION_SELECT] : [ACTION_SELECT, ACTION_SETTINGS] },
      };
    }
    return { ok: true, version };
  }
  const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(all) ?? /ImportError: (.+)$/m.exec(all);
  if (missing || /Traceback \(most recent call last\)/.test(all)) {
    return {
      ok: false,
      problem: {
        code: 'mlflow-broken',
        message: missing
          ? `MLflow in ${inv.path} fails to start: ${missing[0].startsWith('ModuleNotFoundError') ? `the package "${missing[1]}" is missing` : missing[1]}. Reinstall MLflow in that environment.`
          : `MLflow in ${inv.path} fails to start (see the log).`,
        detail: tail(out.stderr),
        tried,
        actions: installAction ? [ACTION_LOG, installAction] : [ACTION_LOG, ACTION_SETTINGS],
      },
    };
  }
  if (out.exitCode === 0) {
    return {
      ok: false,
      problem: { code: 'bad-version-output', message: `${who} answered "--version" with something that is not an MLflow version: ${tail(out.stdout, 200)}`, tried, actions: [ACTION_SETTINGS] },
    };
  }
  return {
    ok: false,
    problem: { code: 'probe-failed', message: `${who} failed (exit code ${String(out.exitCode)}) when asked for its MLflow version.`, detail: tail(out.stderr), tried, actions: [ACTION_LOG, ACTION_SETTINGS, ACTION_SELECT] },
  };
}

export type ProbeRunner = (executable: string, args: string[]) => Promise<ProbeOutput>;

export type DiscoveryResult =
  | {
      ok: true;
      invocation: MlflowInvocation;
      version: MlflowVersion;
      source: InvocationSource;
      /** The Python environment it belongs to: commands run as if it were activated (activation.ts). */
      environment: PythonEnvironment;
      /** Earlier candidates that failed, for the log. */
      skipped: DiscoveryProblem[];
    }
  | { ok: false; problem: DiscoveryProblem };

/**
 * Picks the MLflow command line: candidates in order, each probed with `--version`. When the interpreter has no
 * MLflow but `mlflow` is on PATH, PATH wins and the interpreter's problem is kept in `skipped`. When nothing
 * works, the first candidate's problem is reported (it is the one the user chose).
 */
export async function discoverMlflow(input: CandidateInput, de: DiscoveryEnv, run: ProbeRunner): Promise<DiscoveryResult> {
  const listed = await listCandidates(input, de);
  if (!listed.ok) return listed;
  const skipped: DiscoveryProblem[] = [];
  for (const c of listed.candidates) {
    const out = await run(c.invocation.path, versionProbeArgs(c.invocation));
    const r = interpretProbe(c.invocation, out, listed.tried);
    if (r.ok) return { ok: true, invocation: c.invocation, version: r.version, source: c.source, environment: await detectEnvironment(c.invocation.path, de), skipped };
    skipped.push(r.problem);
  }
  return { ok: false, problem: skipped[0] };
}

// ---- node implementations ----------------------------------------------------------------------------------

export const nodeDiscoveryFs: DiscoveryFs = {
  async stat(p: string): Promise<FileInfo | undefined> {
    try {
      const s = await fs.promises.stat(p);
      let executable = (s.mode & 0o111) !== 0;
      if (executable && process.platform !== 'win32') {
        try {
          await fs.promises.access(p, fs.constants.X_OK);
        } catch {
          executable = false;
        }
      }
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), executable };
    } catch {
      return undefined;
    }
  },
  realpath: (p) => fs.promises.realpath(p),
};

/** Runs the probe with a timeout (MLflow imports take a few seconds on a cold disk). */
export function nodeProbeRunner(timeoutMs = 30000, env?: NodeJS.ProcessEnv): ProbeRunner {
  return (executable, args) =>
    new Promise((resolve) => {
      execFile(executable, args, { timeout: timeoutMs, env: env ?? process.env, windowsHide: true, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: string | number }) | null;
        if (!e) return resolve({ exitCode: 0, stdout: String(stdout), stderr: String(stderr) });
        if (typeof e.code === 'string') return resolve({ exitCode: null, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), errorCode: e.code });
        if (e.killed) return resolve({ exitCode: null, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), errorCode: 'ETIMEDOUT' });
        resolve({ exitCode: typeof e.code === 'number' ? e.code : 1, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') });
      });
    });
}

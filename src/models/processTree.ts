// Ending a process together with everything it started. Closing a task's terminal only sends SIGHUP to the
// process VS Code spawned: `mlflow ui`/`server` (uvicorn 3.x, gunicorn 2.x) dies, but its worker manager
// restarts the workers and keeps serving, re-parented to PID 1. So: list the process's descendants and its
// process group *before* signalling (re-parenting loses the tree), SIGTERM them all, wait, SIGKILL the rest.
// Windows: `taskkill /T /F`. No `vscode` import.
import { execFile } from 'node:child_process';
import * as net from 'node:net';

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => execFile(cmd, args, { windowsHide: true, maxBuffer: 8 * 1024 * 1024 }, (_e, out) => resolve(String(out ?? ''))));
}

/** Every process: pid, parent, group (POSIX `ps`). */
export async function processTable(): Promise<Proc[]> {
  const out = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((a) => a.length === 3 && a.every(Number.isInteger))
    .map(([pid, ppid, pgid]) => ({ pid, ppid, pgid }));
}

/** `root`, its descendants and, when it leads a process group, that group's members. */
export function treeOf(root: number, table: readonly Proc[]): number[] {
  const out = new Set<number>([root]);
  const leads = table.some((p) => p.pid === root && p.pgid === root);
  for (const p of table) if (leads && p.pgid === root) out.add(p.pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) if (!out.has(p.pid) && out.has(p.ppid)) (out.add(p.pid), (grew = true));
  }
  return [...out];
}

/** True while a process with this id exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone already */
  }
}

export interface EndResult {
  /** Processes signalled. */
  pids: number[];
  /** Still alive at the end (should be empty). */
  survivors: number[];
  killed: boolean;
}

/** Ends `pid` and all it started; SIGKILL after `graceMs`. */
export async function endProcessTree(pid: number, graceMs = 5000): Promise<EndResult> {
  if (process.platform === 'win32') {
    await run('taskkill', ['/PID', String(pid), '/T', '/F']);
    return { pids: [pid], survivors: isProcessAlive(pid) ? [pid] : [], killed: true };
  }
  const table = await processTable();
  const pids = treeOf(pid, table);
  const leads = table.some((p) => p.pid === pid && p.pgid === pid);
  if (leads) signal(-pid, 'SIGTERM');
  for (const p of pids) signal(p, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (pids.some(isProcessAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  let killed = false;
  const left = pids.filter(isProcessAlive);
  if (left.length) {
    killed = true;
    if (leads) signal(-pid, 'SIGKILL');
    for (const p of left) signal(p, 'SIGKILL');
    const end = Date.now() + 2000;
    while (left.some(isProcessAlive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }
  return { pids, survivors: pids.filter(isProcessAlive), killed };
}

/** True when something accepts connections on host:port. */
export function portAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Waits until nothing answers on host:port; false when it still does after `timeoutMs`. */
export async function waitPortFree(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (!(await portAnswers(host, port))) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Best effort, synchronous: SIGTERM to what is left of the process group `pid` led (its leader may be gone). */
export function signalGroup(pid: number): void {
  if (process.platform !== 'win32') signal(-pid, 'SIGTERM');
}

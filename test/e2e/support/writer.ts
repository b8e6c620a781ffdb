// test/e2e/python/writer.py as a child process: its events as they happen, and its end.
import { spawn } from 'child_process';
import { pythonEnv, pythonScript, real } from './real';

export interface WriterEvent {
  event: 'parent' | 'child' | 'done';
  run_id: string;
  at: number;
}

export interface Writer {
  events: WriterEvent[];
  /** The first event of this kind (waits for it). */
  next(kind: WriterEvent['event'], timeoutMs?: number): Promise<WriterEvent>;
  /** Resolves when the script exited 0; rejects with its stderr otherwise. */
  done: Promise<void>;
  kill(): void;
}

export function startWriter(args: string[]): Writer {
  const child = spawn(real.python(), [pythonScript('writer.py'), ...args], { env: pythonEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const events: WriterEvent[] = [];
  let stderr = '';
  let buf = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (!line.startsWith('{')) continue;
      events.push({ ...(JSON.parse(line) as Omit<WriterEvent, 'at'>), at: Date.now() });
      waiters.splice(0).forEach((w) => w());
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const done = new Promise<void>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer.py exited ${code}:\n${stderr}`))));
    child.on('error', reject);
  });
  done.catch(() => undefined).finally(() => waiters.splice(0).forEach((w) => w()));
  let exited = false;
  done.finally(() => (exited = true)).catch(() => undefined);
  return {
    events,
    done,
    async next(kind, timeoutMs = 120000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const e = events.find((x) => x.event === kind);
        if (e) return e;
        if (exited) await done; // throws with stderr when the script failed
        if (exited || Date.now() > deadline) throw new Error(`writer.py: no "${kind}" event (${exited ? 'exited' : 'timed out'}); stderr:\n${stderr}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
    },
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

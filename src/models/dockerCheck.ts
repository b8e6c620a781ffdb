// Does a Docker engine answer? `docker version --format {{.Server.Version}}` when the docker CLI is there,
// else a GET /_ping on the engine's socket (DOCKER_HOST unix:// or /var/run/docker.sock). No `vscode` import.
import { execFile } from 'node:child_process';
import * as http from 'node:http';

export type DockerStatus =
  | { ok: true; version?: string; via: 'cli' | 'socket' }
  | { ok: false; reason: 'no-cli' | 'no-daemon' | 'permission' | 'error'; message: string; detail?: string };

export interface DockerProbeOutput {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  errorCode?: string;
}

/** Reads the output of `docker version --format {{.Server.Version}}`. */
export function interpretDockerVersion(out: DockerProbeOutput): DockerStatus {
  if (out.errorCode === 'ENOENT') return { ok: false, reason: 'no-cli', message: 'The docker command was not found.' };
  const version = out.stdout.trim();
  if (out.exitCode === 0 && version) return { ok: true, version, via: 'cli' };
  const err = `${out.stderr}\n${out.stdout}`.trim();
  if (/permission denied/i.test(err)) {
    return { ok: false, reason: 'permission', message: 'Docker is installed but this user may not talk to the Docker engine (permission denied on its socket). Add yourself to the "docker" group or use rootless Docker.', detail: err };
  }
  if (/cannot connect|is the docker daemon running|error during connect|connection refused|no such file/i.test(err) || out.exitCode !== 0) {
    return { ok: false, reason: 'no-daemon', message: 'The Docker engine is not running (docker version could not reach it). Start Docker Desktop or the docker service, then try again.', detail: err };
  }
  return { ok: false, reason: 'error', message: `docker version answered unexpectedly: ${err.slice(0, 200)}`, detail: err };
}

/** The unix socket the engine listens on, from DOCKER_HOST or the default. undefined for tcp:// hosts. */
export function dockerSocket(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string | undefined {
  const host = env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
  return platform === 'win32' ? undefined : '/var/run/docker.sock';
}

function pingSocket(socketPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Checks the engine (CLI first, then the socket when there is no CLI). */
export async function checkDocker(opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<DockerStatus> {
  const env = opts.env ?? process.env;
  const timeout = opts.timeoutMs ?? 15000;
  const out = await new Promise<DockerProbeOutput>((resolve) => {
    execFile('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeout, windowsHide: true }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
      if (!e) return resolve({ exitCode: 0, stdout: String(stdout), stderr: String(stderr) });
      if (typeof e.code === 'string') return resolve({ exitCode: null, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), errorCode: e.code });
      resolve({ exitCode: typeof e.code === 'number' ? e.code : 1, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') });
    });
  });
  const status = interpretDockerVersion(out);
  if (status.ok || status.reason !== 'no-cli') return status;
  const sock = dockerSocket(env);
  if (sock && (await pingSocket(sock, timeout))) return { ok: true, via: 'socket' };
  return {
    ok: false,
    reason: 'no-cli',
    message: 'Docker was not found: there is no docker command on PATH and no Docker engine answers on its socket. mlflow models build-docker needs a running Docker engine; Generate Dockerfile works without one.',
  };
}

/** Polls `url` until any HTTP answer below 500 arrives (the MLflow UI is up). */
export async function waitForHttp(url: string, opts: { timeoutMs: number; intervalMs?: number; isAlive?: () => boolean; signal?: AbortSignal }): Promise<{ ok: boolean; reason?: 'timeout' | 'exited' | 'aborted' }> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) return { ok: false, reason: 'aborted' };
    if (opts.isAlive && !opts.isAlive()) return { ok: false, reason: 'exited' };
    if (Date.now() > deadline) return { ok: false, reason: 'timeout' };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 500) return { ok: true };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}

'use strict';
// Real `mlflow server`s for the end-to-end suite, started from the Python it is given (never from a
// path of its own): each on a free loopback port, in its own process group, with its log in its
// folder; `stop()` ends the whole group (uvicorn / gunicorn workers included). Whatever is still
// running when this Node process exits is killed there too.
const { spawn, execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const sleep = ms => new Promise(r => setTimeout(r, ms));
const running = new Set(); // process-group ids of servers not yet stopped

process.on('exit', () => { for (const pgid of running) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } } });

/** A port the OS says is free on 127.0.0.1 now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** The environment MLflow's Python runs in: telemetry off, the interpreter's bin first on PATH
 *  (MLflow starts uvicorn / gunicorn by name), no tracking settings inherited from the caller. */
function pythonEnv(python, extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MLFLOW_') || k.startsWith('npm_config_')) delete env[k];
  env.PATH = `${path.dirname(python)}${path.delimiter}${env.PATH || ''}`;
  env.MLFLOW_DISABLE_TELEMETRY = 'true';
  env.PYTHONUNBUFFERED = '1';
  env.PYTHONWARNINGS = 'ignore';
  return { ...env, ...extra };
}

/** {version} of the MLflow the Python has, or throws with what Python said. */
function mlflowVersion(python) {
  const out = execFileSync(python, ['-c', 'import json, mlflow; print(json.dumps({"version": mlflow.__version__}))'],
    { env: pythonEnv(python), encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()).version;
}

function groupAlive(pgid) {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') return true;
    } catch { /* gone */ }
  }
  return false;
}

async function stopGroup(pgid) {
  try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 100 && groupAlive(pgid); i++) await sleep(100);
  if (groupAlive(pgid)) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
  running.delete(pgid);
}

async function health(url) {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return r.status === 200;
  } catch { return false; }
}

/** A basic_auth.ini with a generated admin password; the users database lives in `dir`. */
function writeAuthConfig(dir) {
  const password = `e2e-${crypto.randomBytes(9).toString('base64url')}`;
  const ini = path.join(dir, 'basic_auth.ini');
  fs.writeFileSync(ini, [
    '[mlflow]',
    'default_permission = READ',
    `database_uri = sqlite:///${path.join(dir, 'basic_auth.db')}`,
    'admin_username = admin',
    `admin_password = ${password}`,
    'authorization_function = mlflow.server.auth:authenticate_request_basic_auth',
    '',
  ].join('\n'), { mode: 0o600 });
  return { ini, username: 'admin', password };
}

/**
 * Starts `python -m mlflow server --backend-store-uri <backend> --serve-artifacts` in `dir`.
 * @param {{python:string, dir:string, backend?:string, auth?:boolean, workers?:number, name:string, timeoutMs?:number}} o
 *   backend: a store URI (default sqlite:///<dir>/mlflow.db)
 * @returns {Promise<{name, url, port, pid, dir, backend, log:string, auth?:{username,password}, stop():Promise<void>}>}
 */
async function startMlflowServer(o) {
  fs.mkdirSync(path.join(o.dir, 'mlartifacts'), { recursive: true });
  const backend = o.backend || `sqlite:///${path.join(o.dir, 'mlflow.db')}`;
  const extra = {};
  let auth;
  if (o.auth) {
    auth = writeAuthConfig(o.dir);
    extra.MLFLOW_AUTH_CONFIG_PATH = auth.ini;
    extra.MLFLOW_FLASK_SERVER_SECRET_KEY = crypto.randomBytes(32).toString('hex');
  }
  const logFile = path.join(o.dir, `${o.name}.log`);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ['-m', 'mlflow', 'server', '--backend-store-uri', backend,
      '--artifacts-destination', path.join(o.dir, 'mlartifacts'), '--serve-artifacts',
      '--host', '127.0.0.1', '--port', String(port), '--workers', String(o.workers || 2)];
    if (o.auth) args.push('--app-name', 'basic-auth');
    fs.appendFileSync(logFile, `== ${new Date().toISOString()} ${o.python} ${args.join(' ')}\n`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn(o.python, args, { cwd: o.dir, env: pythonEnv(o.python, extra), detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.unref();
    const pid = child.pid;
    running.add(pid);
    let exited = false;
    child.on('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (o.timeoutMs || 120000);
    let up = false;
    while (!exited && Date.now() < deadline && !(up = await health(url))) await sleep(300);
    if (up) {
      return {
        name: o.name, url, port, pid, dir: o.dir, backend, log: logFile,
        auth: auth && { username: auth.username, password: auth.password },
        stop: () => stopGroup(pid),
      };
    }
    await stopGroup(pid);
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
    if (attempt < 3 && /address already in use|Errno 98/i.test(tail)) continue; // the port was taken meanwhile
    throw new Error(`${o.name}: mlflow server ${exited ? 'exited' : `gave no /health within ${(o.timeoutMs || 120000) / 1000} s`}; last lines of ${logFile}:\n${tail}`);
  }
}

module.exports = { startMlflowServer, mlflowVersion, pythonEnv, freePort, stopGroup };

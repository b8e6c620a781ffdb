'use strict';
// A private PostgreSQL cluster for the end-to-end suite (scripts/e2e-postgres.sh does the work as the
// postgres user), in a fresh folder under /var/tmp on a free loopback port; removed by stop().
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { freePort } = require('./mlflowServers');

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'e2e-postgres.sh');
const sh = (...args) => execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });

/** @returns {Promise<{available:false, reason:string} | {available:true, port:number, dir:string, createDb(name:string):string, stop():void}>} */
async function startPostgres() {
  try {
    sh('check');
  } catch (e) {
    return { available: false, reason: String(e.stdout || e.stderr || e.message).trim() };
  }
  const base = fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'mlflow-e2e-pg-'));
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) { try { sh('stop', dir); } catch { /* already down */ } started = false; }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    started = true;
    sh('start', dir, String(port));
  } catch (e) {
    const log = ['initdb.log', 'postgres.log'].map(f => { try { return fs.readFileSync(path.join(dir, f), 'utf8'); } catch { return ''; } }).join('\n');
    stop();
    return { available: false, reason: `the cluster did not start: ${String(e.stderr || e.message).trim()}\n${log.split('\n').slice(-10).join('\n')}` };
  }
  process.once('exit', () => { if (started) { try { sh('stop', dir); } catch { /* gone */ } } });
  return {
    available: true, port, dir, stop,
    createDb(name) {
      sh('createdb', dir, String(port), name);
      return `postgresql://mlflow:mlflow@127.0.0.1:${port}/${name}`;
    },
  };
}

module.exports = { startPostgres };

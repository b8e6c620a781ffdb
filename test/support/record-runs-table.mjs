#!/usr/bin/env node
// Records test/fixtures/mlflow/transcripts/{v3,v2}-runs-table: real MLflow servers (the pythons of
// MLFLOW_E2E_PYTHON, one 3.x and one 2.x) on copies of stores/<ver>/server, and the extension-host
// suite test/vscode/runsTableServer.test.ts run against them through a recording proxy.
//
//   npm run build && MLFLOW_E2E_PYTHON=…/venv3/bin/python:…/venv2/bin/python node test/support/record-runs-table.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startMlflowServer, mlflowVersion } = require('../harness/mlflowServers.js');
const { runExtensionTests } = require('../harness/ext-host.js');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const pythons = (process.env.MLFLOW_E2E_PYTHON ?? '').split(path.delimiter).filter(Boolean);
const byVer = {};
for (const python of pythons) {
  const v = mlflowVersion(python);
  byVer[v.startsWith('2.') ? 'v2' : 'v3'] ??= { python, version: v };
}
if (!byVer.v3 || !byVer.v2) {
  console.error('MLFLOW_E2E_PYTHON must name a python with MLflow 3 and one with MLflow 2');
  process.exit(2);
}
const servers = [];
const urls = {};
try {
  for (const [ver, { python, version }] of Object.entries(byVer)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mlflow-record-${ver}-`));
    fs.cpSync(path.join(ROOT, 'test/fixtures/mlflow/stores', ver, 'server'), dir, { recursive: true });
    const s = await startMlflowServer({ python, dir, name: `mlflow-${version}` });
    servers.push(s);
    urls[ver] = s.url;
    console.log(`# ${ver}: MLflow ${version} at ${s.url}`);
  }
  process.env.MLFLOW_RECORD_RUNS_TABLE = JSON.stringify(urls);
  const r = await runExtensionTests({ grep: 'runs table on a replayed' });
  console.log(`# recorded: ${r.passed} passed, ${r.failed} failed`);
  process.exitCode = r.failed || r.code ? 1 : 0;
} finally {
  for (const s of servers) await s.stop();
}

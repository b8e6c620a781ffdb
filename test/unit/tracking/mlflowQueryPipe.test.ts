// scripts/mlflow-query.mjs in a pipe: a > 1 MB answer arrives whole (the same bytes as redirected to
// a file) and the process ends by itself once its output is drained, for a file, a SQLite and a REST
// store. The reader starts late, so the pipe fills and the script's writes become asynchronous.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from '../../../src/tracking/file';
import { generateStore, type GeneratedStore } from '../../bench/generateStore';
import { PROJECT_ROOT } from '../../support/fixtures';
import { startStoreServer, type StoreServer } from '../../support/storeServer';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'mlflow-query.mjs');
const RUNS = 720; // ≈ 1.1 MB (SQLite) to 1.3 MB (file store) of runs JSON
const EXIT_WITHIN_MS = 30_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  bytes: number;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

/** Runs the script with stdout to a pipe (read after a pause) or to a file; kills it only if it does not end by itself. */
function query(args: string[], stdoutFile?: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const fd = stdoutFile ? fs.openSync(stdoutFile, 'w') : undefined;
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', fd ?? 'pipe', 'pipe'],
      env: { ...process.env, MLFLOW_TRACKING_URI: '' },
    });
    if (fd !== undefined) fs.closeSync(fd);
    const out: Buffer[] = [];
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    if (child.stdout) {
      child.stdout.pause();
      setTimeout(() => {
        child.stdout!.on('data', (d: Buffer) => out.push(d));
        child.stdout!.resume();
      }, 300);
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mlflow-query ${args.join(' ')} did not exit by itself within ${EXIT_WITHIN_MS} ms (stderr: ${err})`));
    }, EXIT_WITHIN_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, bytes: stdoutFile ? fs.statSync(stdoutFile).size : stdout.length, stderr: err, ms: Date.now() - t0 });
    });
  });
}

describe('scripts/mlflow-query.mjs in a pipe', function () {
  this.timeout(120_000);
  let gen: GeneratedStore;
  let server: StoreServer;
  let served: FileStore;
  let tmp: string;

  before(async () => {
    gen = await generateStore({ runs: RUNS, historyPoints: 10 });
    served = new FileStore(gen.mlrunsDir);
    server = await startStoreServer(served);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-query-pipe-'));
  });

  after(async () => {
    await server?.close();
    served?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cases: [string, () => string[]][] = [
    ['file store', () => ['--uri', gen.mlrunsDir, 'runs', gen.file.experimentId]],
    ['SQLite store', () => ['--uri', `sqlite:///${gen.dbPath}`, 'runs', gen.sqlite.experimentId]],
    ['REST store', () => ['--uri', server.url, 'runs', gen.file.experimentId]],
  ];

  for (const [name, args] of cases) {
    it(`${name}: every byte of a > 1 MB answer, the same as written to a file, and the process exits by itself`, async () => {
      const piped = await query(args());
      assert.equal(piped.code, 0, piped.stderr);
      const file = path.join(tmp, `${name.split(' ')[0]}.json`);
      const redirected = await query(args(), file);
      assert.equal(redirected.code, 0, redirected.stderr);

      assert.ok(piped.bytes > 1024 * 1024, `${piped.bytes} bytes is not over 1 MB`);
      assert.equal(piped.bytes, redirected.bytes, 'piped and redirected output differ in size');
      const body = JSON.parse(piped.stdout.toString('utf8')) as { runs: { info: { run_id: string } }[]; next_page_token?: string };
      assert.equal(body.runs.length, RUNS);
      assert.equal(body.next_page_token, undefined);
      console.log(`      ${name}: ${piped.bytes} bytes piped = ${redirected.bytes} redirected; exited by itself after ${piped.ms} ms (pipe), ${redirected.ms} ms (file)`);
    });
  }
});

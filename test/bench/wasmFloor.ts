// What the sql.js rows of the side-by-side bench cannot go below: starting SQLite's WASM in a fresh
// Node process (load and compile the module, open an empty in-memory database, run two tiny
// statements), before any store is read. V8 compiles each WASM function on its first call and Node 20
// keeps no compiled WASM between processes, so every fresh process pays this.
import { spawnSync } from 'node:child_process';
import { median } from './report';

const SCRIPT = `
const t0 = performance.now();
const fs = require('node:fs');
const path = require('node:path');
const dir = path.dirname(require.resolve('sql.js'));
require('sql.js')({ wasmBinary: fs.readFileSync(path.join(dir, 'sql-wasm.wasm')) }).then((S) => {
  const db = new S.Database();
  db.exec('SELECT 1');
  db.exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t(b) VALUES ('x'), ('y'); SELECT json_group_array(b) FROM t WHERE a IN (SELECT value FROM json_each('[1,2]'))");
  db.close();
  process.stdout.write(String((performance.now() - t0) / 1000));
});
`;

/** Median seconds of `rounds` fresh processes on this Node; undefined when sql.js cannot be loaded. */
export function wasmStartupSeconds(cwd: string, rounds = 3): number | undefined {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const r = spawnSync(process.execPath, ['-e', SCRIPT], { cwd, encoding: 'utf8', timeout: 60_000 });
    const s = Number(r.stdout);
    if (r.status !== 0 || !Number.isFinite(s)) return undefined;
    samples.push(s);
  }
  return median(samples);
}

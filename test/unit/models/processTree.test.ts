// Stop must end a server with all its workers: a worker manager that ignores SIGHUP and outlives its parent is
// what `mlflow ui` (uvicorn) leaves behind when only its terminal is closed.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { endProcessTree, isProcessAlive as alive, portAnswers, processTable, treeOf, waitPortFree } from '../../../src/models/processTree';

const posix = process.platform !== 'win32';

describe('ending a process tree', () => {
  it('treeOf: descendants and the group the root leads', () => {
    const t = [
      { pid: 10, ppid: 1, pgid: 10 },
      { pid: 11, ppid: 10, pgid: 10 },
      { pid: 12, ppid: 11, pgid: 10 },
      { pid: 13, ppid: 1, pgid: 10 }, // re-parented worker, same group
      { pid: 20, ppid: 1, pgid: 20 },
      { pid: 21, ppid: 12, pgid: 21 }, // started its own group, still a descendant
    ];
    assert.deepEqual(treeOf(10, t).sort((a, b) => a - b), [10, 11, 12, 13, 21]);
    assert.deepEqual(treeOf(11, t).sort((a, b) => a - b), [11, 12, 21], 'not a leader: only descendants');
  });

  // POSIX only (process groups, SIGHUP): not registered on Windows, where it does not apply
  if (posix) it('a SIGHUP-ignoring worker that holds a port is ended with its parent and the port is free', async function () {
    this.timeout(20000);
    // leader (own session, like a task's pty) → sh that ignores HUP/TERM → node server holding a port
    const script = `
      const http = require('http');
      process.on('SIGHUP', () => {});
      const s = http.createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port));`;
    const leader = spawn('sh', ['-c', `trap '' HUP; "${process.execPath}" -e "$0" & wait`, script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => leader.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
    assert.ok(await portAnswers('127.0.0.1', port));
    const before = treeOf(leader.pid!, await processTable());
    assert.ok(before.length >= 2, `the worker is in the tree: ${before.join(',')}`);
    // what closing the terminal does: SIGHUP to the leader only
    process.kill(leader.pid!, 'SIGHUP');
    const r = await endProcessTree(leader.pid!, 3000);
    assert.deepEqual(r.survivors, []);
    for (const p of before) assert.ok(!alive(p), `process ${p} is gone`);
    assert.equal(await waitPortFree('127.0.0.1', port, 3000), true);
  });

  it('waitPortFree says false while something still answers', async () => {
    const s = http.createServer((_q, r) => r.end('x'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as { port: number }).port;
    try {
      assert.equal(await waitPortFree('127.0.0.1', port, 300), false);
    } finally {
      s.close();
    }
    assert.equal(await waitPortFree('127.0.0.1', port, 2000), true);
  });
});

// A tracking server behind HTTPS with a private CA: refused by default with a hint, accepted with
// the CA file, and with the insecure switch. Certificates are made with openssl for each run.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RestStore } from '../../../../src/tracking/rest';
import { isTrackingError } from '../../../../src/tracking/errors';
import { requirePrerequisite } from '../../../support/prerequisite';

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('REST over HTTPS', function () {
  this.timeout(30000);
  let dir: string;
  let server: https.Server;
  let url: string;

  before(function () {
    requirePrerequisite(this, haveOpenssl() ? undefined : 'openssl is not installed (apt-get install openssl)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-tls-'));
    const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test MLflow CA');
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    o('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
  });

  before(function (done) {
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ experiments: [{ experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0', lifecycle_stage: 'active' }] }));
    });
    server.listen(0, '127.0.0.1', () => {
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      done();
    });
  });

  after(() => {
    server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it cannot verify, saying how to trust it', async () => {
    const store = new RestStore({ uri: url, retries: 0, timeoutMs: 5000 });
    try {
      await assert.rejects(store.searchExperiments({ maxResults: 1 }), (e: unknown) => {
        assert.ok(isTrackingError(e, 'unreachable'), String(e));
        assert.match(e.userMessage, /certificate/i);
        assert.match(e.userMessage, /caFile|CA/);
        return true;
      });
    } finally {
      store.dispose();
    }
  });

  it('trusts the server with the CA file', async () => {
    const store = new RestStore({ uri: url, caFile: path.join(dir, 'ca.pem'), retries: 0 });
    try {
      const page = await store.searchExperiments({ maxResults: 1 });
      assert.deepEqual(page.items.map((e) => e.name), ['Default']);
    } finally {
      store.dispose();
    }
  });

  it('connects with the insecure switch', async () => {
    const store = new RestStore({ uri: url, insecure: true, retries: 0 });
    try {
      assert.equal((await store.searchExperiments({ maxResults: 1 })).items.length, 1);
    } finally {
      store.dispose();
    }
  });
});

// Basic auth against replayed `mlflow server --app-name basic-auth` transcripts (v2-auth, v3-auth).
import * as assert from 'node:assert/strict';
import { isTrackingError, type TrackingError } from '../../../../src/tracking/errors';
import { authorizationHeader, redactUri } from '../../../../src/tracking/rest/auth';
import { RestStore, testConnection } from '../../../../src/tracking/rest/restStore';
import { transcript } from '../../../support/fixtures';
import { startReplayServer, type ReplayServer } from '../../../support/replayServer';

async function failure(p: Promise<unknown>): Promise<TrackingError> {
  try {
    await p;
  } catch (e) {
    if (isTrackingError(e)) return e;
    throw e;
  }
  throw new Error('expected a TrackingError');
}

describe('rest auth helpers', () => {
  it('prefers Basic when username and password are set, else Bearer', () => {
    assert.equal(authorizationHeader({ type: 'basic', username: 'admin', password: 'pw' }), `Basic ${Buffer.from('admin:pw').toString('base64')}`);
    assert.equal(authorizationHeader({ type: 'bearer', token: 'tok' }), 'Bearer tok');
    assert.equal(authorizationHeader(undefined), undefined);
  });
  it('redacts userinfo, query and fragment of URIs', () => {
    assert.equal(redactUri('https://bob:s3cret@mlflow.example.com:8443/prefix/?token=x#y'), 'https://mlflow.example.com:8443/prefix');
  });
});

for (const [dir, adminPassword] of [
  ['v2-auth', 'password'],
  ['v3-auth', 'password1234'],
] as const) {
  describe(`RestStore with basic auth (${dir})`, () => {
    let srv: ReplayServer;
    const logs: string[] = [];
    const stores: RestStore[] = [];
    const make = (extra: Partial<ConstructorParameters<typeof RestStore>[0]> = {}) => {
      const s = new RestStore({ uri: srv.url, retries: 0, env: {}, log: (l, m) => logs.push(`${l} ${m}`), ...extra });
      stores.push(s);
      return s;
    };
    before(async () => {
      srv = await startReplayServer([dir]);
    });
    after(async () => {
      for (const s of stores) s.dispose();
      await srv.close();
    });

    it('401 without credentials → kind auth, with a sign-in hint naming the server', async () => {
      const store = make();
      const e = await failure(store.searchExperiments({ maxResults: 1 }));
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 401);
      assert.match(e.message, /requires sign-in/);
      assert.ok(e.message.includes(store.uri));
      assert.match(e.hint ?? '', /basic-auth|token/);
    });

    it('401 with a wrong password → kind auth "rejected the saved credentials", password never shown', async () => {
      const store = make({ auth: { type: 'basic', username: 'admin', password: 'wrong-pw-xyz' } });
      const e = await failure(store.searchExperiments({ maxResults: 1 }));
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /rejected the saved credentials/);
      assert.ok(!e.userMessage.includes('wrong-pw-xyz'));
      assert.ok(!logs.join('\n').includes('wrong-pw-xyz'));
    });

    it('the correct Basic header is accepted (admin-search transcript)', async () => {
      const store = make({ auth: { type: 'basic', username: 'admin', password: adminPassword } });
      const page = await store.searchExperiments({ maxResults: 1 });
      assert.equal(page.items.length, 1);
      assert.equal(srv.requests.at(-1)?.matched, `${dir}/003-admin-search.json`);
      assert.ok(!logs.join('\n').includes(adminPassword));
    });

    it('credentials in the URI are used as Basic auth and redacted from store.uri', async () => {
      const u = new URL(srv.url);
      const store = make({ uri: `http://admin:${adminPassword}@${u.host}` });
      assert.ok(!store.uri.includes(adminPassword));
      assert.equal((await store.searchExperiments({ maxResults: 1 })).items.length, 1);
    });

    it('403 "Permission denied" for a user without permission → kind auth', async () => {
      const store = make({ auth: { type: 'basic', username: 'bob', password: 'bob-pw-1234567' } });
      const t = transcript(dir, 'bob-delete-alice-run');
      const e = await failure(store.deleteRun((t.body as { run_id: string }).run_id));
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 403);
      assert.match(e.message, /denied access: "Permission denied"/);
      assert.match(e.hint ?? '', /permission/);
    });

    it('probe(): without credentials ok:false (auth); with them ok:true', async () => {
      const bad = await testConnection({ uri: srv.url, retries: 0, env: {} });
      assert.equal(bad.ok, false);
      assert.equal(bad.error?.kind, 'auth');
      // /version with credentials was not recorded (the replay answers 404 HTML); the probe goes on to experiments/search
      const good = await testConnection({ uri: srv.url, retries: 0, env: {}, auth: { type: 'basic', username: 'admin', password: adminPassword } });
      assert.equal(good.ok, true, good.error?.message);
    });
  });
}

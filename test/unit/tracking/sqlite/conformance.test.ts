// Conformance of SqliteStore with a real MLflow server: every read transcript recorded against a
// server running on a copy of stores/<ver>/server/mlflow.db (before the first mutation) is replayed
// against the same database file through SqliteStore, and the toWire* form of the answer must equal
// the recorded response body (or the error must have the matching kind).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isTrackingError, type TrackingErrorKind } from '../../../../src/tracking/errors';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { availableEngines } from '../../../../src/tracking/sqlite/database';
import type { ArtifactOwner, ViewType } from '../../../../src/tracking/types';
import {
  toWireArtifactFile,
  toWireExperiment,
  toWireLoggedModel,
  toWireMetric,
  toWireModelVersion,
  toWireRegisteredModel,
  toWireRun,
} from '../../../../src/tracking/wire';
import { storePath, type Transcript, transcripts, VERSIONS } from '../../../support/fixtures';

type Json = Record<string, unknown>;

/**
 * HTTP-only cases (no TrackingStore equivalent) or server quirks that a local store must not copy.
 * Every transcript before the first mutation is either replayed or named here with the reason
 * (those are not registered as tests).
 */
const NOT_A_STORE_CALL: Record<string, string> = {
  health: 'HTTP endpoint',
  version: 'HTTP endpoint',
  'experiments-create-duplicate': 'a write',
  'runs-search-GET-not-allowed': 'HTTP method check (405)',
  'runs-get-missing-param': 'HTTP parameter validation (400)',
  'metrics-get-history-missing-key': 'HTTP parameter validation (400)',
  'metrics-get-history-bulk-interval-ajax': "server-side multi-run sampling; the store's getSampledMetricHistory has its own contract",
  'metrics-get-history-bulk-interval-api': 'as above',
  'metrics-get-history-bulk-interval-steps': 'as above',
  'metrics-get-history-bulk-interval-too-many': 'as above (HTTP limit)',
  'metrics-get-history-bulk-ajax': 'UI-only multi-run endpoint',
  'mlflow-artifacts-list': 'proxied artifact service listing (basenames); artifacts/list covers the same files',
  'mlflow-artifacts-list-subdir': 'as above',
  'mlflow-artifacts-list-root': 'as above',
  'mlflow-artifacts-list-logged-model': 'as above',
  'mlflow-artifacts-upload': 'a write',
  'mlflow-artifacts-download-uploaded': 'the file was uploaded by the previous (write) transcript; it is not in the store',
  'mlflow-artifacts-download-unicode-name': 'server bug (500 on a non-ASCII header); replayed below as a successful read',
  'registered-models-search-POST': 'HTTP method check (405)',
  'logged-models-search-2x': '2.x server has no such route (404 HTML); the store answers an empty page (checked below)',
};

const OUTPUTS_EMPTY = (r: Json) => {
  // 3.x servers always send "outputs": {}; toWireRun omits an empty outputs object.
  const o = r.outputs as Json | undefined;
  if (o && Object.keys(o).length === 0) delete r.outputs;
  return r;
};

const MAX_DOUBLE = 1.7976931348623157e308;

/**
 * -0 -> 0, undefined dropped; and the one deliberate difference: MLflow's SQL store holds ±inf as ±MAX_DOUBLE
 * and answers that number, which the extension reads as ±Infinity (wire.ts storedDouble) and writes back as
 * "Infinity". The same reading is applied here to the recorded metric values (store.test.ts checks the raw
 * database still holds ±MAX_DOUBLE).
 */
function normalize(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (k, x: unknown) => (k === 'value' && typeof x === 'number' && Math.abs(x) === MAX_DOUBLE ? (x > 0 ? 'Infinity' : '-Infinity') : x)) as unknown;
}

/** Recorded lists may be elided ({"_elided": n} in the middle): compare head and tail. */
function assertListMatches(actual: unknown[], expected: unknown[], what: string): void {
  const cut = expected.findIndex((x) => typeof x === 'object' && x !== null && '_elided' in x);
  if (cut < 0) {
    assert.deepEqual(normalize(actual), normalize(expected), what);
    return;
  }
  const n = (expected[cut] as { _elided: number })._elided;
  const tail = expected.slice(cut + 1);
  assert.equal(actual.length, cut + n + tail.length, `${what}: length`);
  assert.deepEqual(normalize(actual.slice(0, cut)), normalize(expected.slice(0, cut)), `${what}: head`);
  assert.deepEqual(normalize(actual.slice(actual.length - tail.length)), normalize(tail), `${what}: tail`);
}

function page(key: string, items: Json[], token?: string): Json {
  const o: Json = {};
  if (items.length) o[key] = items;
  if (token !== undefined) o.next_page_token = token;
  return o;
}

function params(t: Transcript): Record<string, unknown> {
  return { ...((t.query as Json | null) ?? {}), ...((t.body as Json | null) ?? {}) };
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function num(v: unknown): number | undefined {
  return v === undefined ? undefined : Number(v);
}

async function bytesOf(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

function kindFor(status: number): TrackingErrorKind {
  if (status === 404) return 'notFound';
  if (status === 400) return 'invalidRequest';
  throw new Error(`no error kind for HTTP ${status}`);
}

async function expectKind(p: Promise<unknown>, kind: TrackingErrorKind, what: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isTrackingError(e), `${what}: not a TrackingError: ${String(e)}`);
    assert.equal(e.kind, kind, `${what}: ${e.message}`);
    return true;
  });
}

function compareBody(actual: Buffer, expected: unknown, what: string): void {
  if (typeof expected === 'string') assert.equal(actual.toString('utf8'), expected, what);
  else if (expected && typeof expected === 'object' && (expected as Json)._binary) {
    const e = expected as { length: number; sha256: string };
    assert.equal(actual.length, e.length, what);
    assert.equal(createHash('sha256').update(actual).digest('hex'), e.sha256, what);
  } else assert.deepEqual(JSON.parse(actual.toString('utf8')), expected, what);
}

/** Replays one transcript; returns false when it has no store equivalent (should be in NOT_A_STORE_CALL). */
async function replay(store: SqliteStore, t: Transcript, version: string): Promise<boolean> {
  const p = params(t);
  const ok = t.status === 200;
  const body = t.response_body as Json;
  const name = t.file;
  const route = t.path.replace(/^\/(ajax-)?api\/2\.0/, '');

  const check = async (call: () => Promise<Json>) => {
    if (ok) assert.deepEqual(normalize(await call()), normalize(body), name);
    else await expectKind(call(), kindFor(t.status), name);
  };

  switch (route) {
    case '/mlflow/experiments/search':
      await check(async () => {
        const r = await store.searchExperiments({
          maxResults: num(p.max_results),
          filter: p.filter as string | undefined,
          orderBy: list(p.order_by),
          viewType: p.view_type as ViewType | undefined,
          pageToken: p.page_token as string | undefined,
        });
        return page('experiments', r.items.map(toWireExperiment), r.nextPageToken);
      });
      return true;
    case '/mlflow/experiments/get':
      if (t.status === 500) {
        // v3 answers 500 for a non-numeric id (int() fails); the store says notFound.
        await expectKind(store.getExperiment(String(p.experiment_id)), 'notFound', name);
        return true;
      }
      await check(async () => ({ experiment: toWireExperiment(await store.getExperiment(String(p.experiment_id))) }));
      return true;
    case '/mlflow/experiments/get-by-name': {
      const e = await store.getExperimentByName(String(p.experiment_name));
      if (ok) assert.deepEqual(normalize({ experiment: e && toWireExperiment(e) }), normalize(body), name);
      else assert.equal(e, undefined, name);
      return true;
    }
    case '/mlflow/runs/search':
      if (t.method !== 'POST') return false;
      if (ok && Array.isArray(body.runs)) body.runs = (body.runs as Json[]).map(OUTPUTS_EMPTY);
      await check(async () => {
        const r = await store.searchRuns({
          experimentIds: list(p.experiment_ids) ?? [],
          filter: p.filter as string | undefined,
          orderBy: list(p.order_by),
          runViewType: p.run_view_type as ViewType | undefined,
          maxResults: num(p.max_results),
          pageToken: p.page_token as string | undefined,
        });
        return page('runs', r.items.map((x) => toWireRun(x)), r.nextPageToken);
      });
      return true;
    case '/mlflow/runs/get':
      if (!p.run_id) return false;
      if (ok && body.run) OUTPUTS_EMPTY(body.run as Json);
      await check(async () => ({ run: toWireRun(await store.getRun(String(p.run_id))) }));
      return true;
    case '/mlflow/metrics/get-history': {
      if (!p.metric_key) return false;
      const all = await store.getMetricHistory(String(p.run_id), String(p.metric_key));
      const wire = all.map(toWireMetric);
      const max = num(p.max_results);
      if (max === undefined && body.next_page_token !== undefined && !body.metrics) {
        // 3.x without max_results: empty page + a token pointing at offset 0 (server bug); the store returns everything.
        assert.ok(all.length > 0, name);
        return true;
      }
      if (body.next_page_token !== undefined || (max !== undefined && max < all.length && t.file.includes('page'))) {
        if (Array.isArray(body.metrics) && !body.metrics.some((x) => (x as Json)._elided !== undefined)) {
          // paged 3.x answer: the same points as that slice of the full history
          const offset = p.page_token ? (JSON.parse(Buffer.from(String(p.page_token), 'base64').toString()) as { offset: number }).offset : 0;
          assert.deepEqual(normalize(wire.slice(offset, offset + max!)), normalize(body.metrics), name);
          return true;
        }
      }
      assertListMatches(wire, (body.metrics as unknown[]) ?? [], name);
      return true;
    }
    case '/mlflow/artifacts/list': {
      const run = await store.getRun(String(p.run_id));
      const owner: ArtifactOwner = { type: 'run', id: run.info.runId, rootUri: run.info.artifactUri };
      if (!ok) {
        await expectKind(store.listArtifacts(owner, p.path as string | undefined), kindFor(t.status), name);
        return true;
      }
      const files = await store.listArtifacts(owner, p.path as string | undefined);
      const o: Json = { root_uri: run.info.artifactUri };
      if (files.length) o.files = files.map(toWireArtifactFile);
      assert.deepEqual(o, body, name);
      return true;
    }
    case '/get-artifact': {
      const run = await store.getRun(String(p.run_uuid));
      const owner: ArtifactOwner = { type: 'run', id: run.info.runId, rootUri: run.info.artifactUri };
      if (!ok) {
        await expectKind(store.readArtifact(owner, String(p.path)), 'notFound', name); // server: 500 HTML
        return true;
      }
      compareBody(await bytesOf(await store.readArtifact(owner, String(p.path))), body, name);
      assert.equal(await store.artifactSize(owner, String(p.path)), (await bytesOf(await store.readArtifact(owner, String(p.path)))).length);
      return true;
    }
    case '/mlflow/registered-models/search':
      if (t.method !== 'GET') return false;
      await check(async () => {
        const r = await store.searchRegisteredModels({
          filter: p.filter as string | undefined,
          orderBy: list(p.order_by),
          maxResults: num(p.max_results),
          pageToken: p.page_token as string | undefined,
        });
        return page('registered_models', r.items.map(toWireRegisteredModel), r.nextPageToken);
      });
      return true;
    case '/mlflow/registered-models/get':
      await check(async () => ({ registered_model: toWireRegisteredModel(await store.getRegisteredModel(String(p.name))) }));
      return true;
    case '/mlflow/registered-models/get-latest-versions':
      await check(async () => {
        const stages = list(p.stages)?.map((s) => s.toLowerCase());
        const m = await store.getRegisteredModel(String(p.name));
        let latest = m.latestVersions.filter((v) => !stages || stages.includes(v.currentStage.toLowerCase()));
        // 3.x get-latest-versions returns full versions (with aliases); 2.x the registered model's entries.
        if (version === 'v3') latest = await Promise.all(latest.map((v) => store.getModelVersion(v.name, v.version)));
        return page('model_versions', latest.map(toWireModelVersion));
      });
      return true;
    case '/mlflow/registered-models/alias':
      await check(async () => ({ model_version: toWireModelVersion(await store.getModelVersionByAlias(String(p.name), String(p.alias))) }));
      return true;
    case '/mlflow/model-versions/search':
      await check(async () => {
        const r = await store.searchModelVersions({
          filter: p.filter as string | undefined,
          orderBy: list(p.order_by),
          maxResults: num(p.max_results),
          pageToken: p.page_token as string | undefined,
        });
        return page('model_versions', r.items.map(toWireModelVersion), r.nextPageToken);
      });
      return true;
    case '/mlflow/model-versions/get':
      await check(async () => ({ model_version: toWireModelVersion(await store.getModelVersion(String(p.name), String(p.version))) }));
      return true;
    case '/mlflow/model-versions/get-download-uri':
      await check(async () => ({ artifact_uri: await store.getModelVersionDownloadUri(String(p.name), String(p.version)) }));
      return true;
    case '/model-versions/get-artifact': {
      const uri = await store.getModelVersionDownloadUri(String(p.name), String(p.version));
      const mv = await store.getModelVersion(String(p.name), String(p.version));
      const owner: ArtifactOwner = mv.modelId ? { type: 'loggedModel', id: mv.modelId, rootUri: uri } : { type: 'run', id: mv.runId ?? '', rootUri: uri };
      compareBody(await bytesOf(await store.readArtifact(owner, String(p.path))), body, name);
      return true;
    }
    case '/mlflow/logged-models/search':
      if (t.status === 404) return false;
      await check(async () => {
        const r = await store.searchLoggedModels({
          experimentIds: list(p.experiment_ids) ?? [],
          filter: p.filter as string | undefined,
          orderBy: (p.order_by as { field_name: string; ascending?: boolean }[] | undefined)?.map((o) => ({ fieldName: o.field_name, ascending: o.ascending })),
          maxResults: num(p.max_results),
          pageToken: p.page_token as string | undefined,
        });
        return page('models', r.items.map(toWireLoggedModel), r.nextPageToken);
      });
      return true;
  }
  let m = /^\/mlflow\/logged-models\/(m-[0-9a-f]+)$/.exec(route);
  if (m) {
    const id = m[1];
    await check(async () => ({ model: toWireLoggedModel(await store.getLoggedModel(id)) }));
    return true;
  }
  m = /^\/mlflow\/logged-models\/(m-[0-9a-f]+)\/artifacts\/directories$/.exec(route);
  if (m) {
    const lm = await store.getLoggedModel(m[1]);
    const files = await store.listArtifacts({ type: 'loggedModel', id: lm.info.modelId, rootUri: lm.info.artifactUri }, p.artifact_directory_path as string | undefined);
    const o: Json = { root_uri: lm.info.artifactUri };
    if (files.length) o.files = files.map(toWireArtifactFile);
    assert.deepEqual(o, body, name);
    return true;
  }
  m = /^\/mlflow-artifacts\/artifacts\/(.+)$/.exec(route);
  if (m && t.method === 'GET') {
    // proxied download: <exp>/<run>/artifacts/<rel> or <exp>/models/<id>/artifacts/<rel>
    const rest = decodeURIComponent(m[1]);
    const mm = /^(\d+)\/(models\/)?([^/]+)\/artifacts\/(.+)$/.exec(rest);
    if (!mm) return false;
    const rootUri = `mlflow-artifacts:/${mm[1]}/${mm[2] ?? ''}${mm[3]}/artifacts`;
    const owner: ArtifactOwner = mm[2] ? { type: 'loggedModel', id: mm[3], rootUri } : { type: 'run', id: mm[3], rootUri };
    if (t.status === 400) await expectKind(store.readArtifact(owner, mm[4]), 'invalidRequest', name);
    else if (t.status === 500) await expectKind(store.readArtifact(owner, mm[4]), 'notFound', name); // server: 500 for a missing file
    else compareBody(await bytesOf(await store.readArtifact(owner, mm[4])), body, name);
    return true;
  }
  return false;
}

function readTranscripts(ver: string): Transcript[] {
  const all = transcripts(ver);
  const firstWrite = all.findIndex((t) => /\/runs\/delete$/.test(t.path));
  return firstWrite < 0 ? all : all.slice(0, firstWrite);
}

describe('SqliteStore conformance with recorded MLflow server answers', function () {
  // node:sqlite twice: rows as arrays (Node 24) and as objects (what Node 22's node:sqlite gives)
  const variants = availableEngines().flatMap((engine): { engine: 'node:sqlite' | 'sql.js'; objectRows: boolean }[] => (engine === 'node:sqlite' ? [{ engine, objectRows: false }, { engine, objectRows: true }] : [{ engine, objectRows: false }]));
  for (const { engine, objectRows } of variants)
  for (const ver of VERSIONS) {
    describe(`${ver} server/mlflow.db through ${engine}${objectRows ? ' (rows as objects, as on Node 22)' : ''}`, () => {
      let store: SqliteStore;
      before(async () => {
        store = await SqliteStore.open(storePath(ver, 'server', 'mlflow.db'), { engine, objectRows });
        assert.equal(store.engine, engine);
      });
      after(() => store?.dispose());

      for (const t of readTranscripts(ver)) {
        const key = t.file.replace(/^\d{3}-/, '').replace(/\.json$/, '');
        if (NOT_A_STORE_CALL[key]) continue;
        it(`${t.file}: ${t.method} ${t.path} -> ${t.status}`, async () => {
          const handled = await replay(store, t, ver);
          assert.ok(handled, `${t.file} is neither replayed nor in NOT_A_STORE_CALL`);
        });
      }

      it('unicode artifact name is readable (the server fails with 500 on its header)', async () => {
        const runs = await store.searchRuns({ experimentIds: ['1'], filter: "attributes.run_name = 'baseline-logreg'" });
        assert.ok(runs.items.length, 'baseline-logreg is in the store');
        const run = runs.items[0];
        const owner: ArtifactOwner = { type: 'run', id: run.info.runId, rootUri: run.info.artifactUri };
        const files = await store.listArtifacts(owner, 'reports');
        const f = files.find((x) => x.path.includes('✓'));
        assert.ok(f, files.map((x) => x.path).join(', '));
        const bytes = await bytesOf(await store.readArtifact(owner, f.path));
        assert.equal(bytes.length, f.fileSize ?? 0);
      });

      if (ver === 'v2') {
        it('2.x database: no logged models (empty search, unsupported get, capabilities say so)', async () => {
          assert.deepEqual(await store.searchLoggedModels({ experimentIds: ['1'] }), { items: [] });
          await expectKind(store.getLoggedModel('m-00000000000000000000000000000000'), 'unsupported', 'getLoggedModel');
          assert.deepEqual(await store.capabilities(), { writes: engine === 'node:sqlite', registry: true, loggedModels: false });
        });
      } else {
        it('3.x database: capabilities', async () => {
          assert.deepEqual(await store.capabilities(), { writes: engine === 'node:sqlite', registry: true, loggedModels: true });
        });
      }
    });
  }
});

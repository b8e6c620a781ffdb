// The file store against a real MLflow server's answers for the same stores
// (transcripts/<ver>-filestore, recorded on copies of stores/<ver>/mlruns). Table-driven: every
// read transcript is replayed through FileStore and compared after toWire*; the few that cannot
// apply to a store (HTTP-only endpoints and server quirks) are listed in NOT_A_STORE_CALL with the
// reason and are not registered as tests.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { isTrackingError } from '../../../../src/tracking/errors';
import { FileStore } from '../../../../src/tracking/file';
import { decodeOffsetToken, pageOf } from '../../../../src/tracking/paging';
import { canon, FIRST_MUTATION, normalise, tokensAndOutputs } from './transcriptHelpers';
import {
  toWireArtifactFile,
  toWireExperiment,
  toWireLoggedModel,
  toWireMetric,
  toWireModelVersion,
  toWireRegisteredModel,
  toWireRun,
} from '../../../../src/tracking/wire';
import { storePath, transcripts, VERSIONS, type Transcript, type Ver } from '../../../support/fixtures';

type Json = Record<string, unknown>;

/** Transcripts that cannot apply to a TrackingStore call, with the reason. Keyed by file name minus the NNN- prefix. */
const NOT_A_STORE_CALL: Record<string, string> = {
  'health.json': 'HTTP server endpoint',
  'version.json': 'HTTP server endpoint',
  'experiments-create-duplicate.json': 'experiment creation is not part of TrackingStore',
  'runs-search-GET-not-allowed.json': 'HTTP method concern (405)',
  'registered-models-search-POST.json': 'HTTP method concern (405)',
  'metrics-get-history-bulk-interval-ajax.json': 'bulk-interval sampling is a server endpoint; getSampledMetricHistory samples differently by design',
  'metrics-get-history-bulk-interval-api.json': 'bulk-interval sampling is a server endpoint',
  'metrics-get-history-bulk-interval-steps.json': 'bulk-interval sampling is a server endpoint',
  'metrics-get-history-bulk-interval-too-many.json': 'bulk-interval request validation (HTTP)',
  'metrics-get-history-bulk-ajax.json': 'ajax-only multi-run endpoint',
  'model-versions-get-download-uri.json': 'get-download-uri (storage_location) is not part of TrackingStore',
  'model-versions-get-artifact-legacy.json': 'registry artifact download route is not part of TrackingStore',
  'logged-models-search-2x.json': 'v2 server has no such route (404 HTML)',
  'unknown-endpoint.json': 'HTTP routing',
  'graphql-get-run.json': 'GraphQL endpoint',
  'cors-origin-vscode-webview.json': 'HTTP security middleware',
  'cors-preflight-vscode-webview.json': 'HTTP security middleware',
  'cors-origin-localhost.json': 'HTTP security middleware (same answer as experiments/search max_results=1, covered)',
  'host-header-foreign.json': 'HTTP security middleware',
  // metrics/get-history without max_results on 3.x: the REST quirk (empty page + offset-0 token) is not a store behaviour
  'metrics-get-history-no-max-results.json@v3': 'REST-only quirk of 3.x (max_results defaults to 0)',
  'metrics-get-history-10k-nopaging.json@v3': 'REST-only quirk of 3.x (max_results defaults to 0)',
};

function rel(t: Transcript): string {
  return t.file.slice(4);
}

/** Expands `{"_elided": N}` placeholders by comparing the recorded head and tail only. */
function assertListMatches(actual: unknown[], expected: unknown[], what: string): void {
  const gap = expected.findIndex((x) => x && typeof x === 'object' && '_elided' in (x as Json));
  if (gap < 0) {
    assert.deepEqual(actual, expected, what);
    return;
  }
  const n = (expected[gap] as { _elided: number })._elided;
  const tail = expected.length - gap - 1;
  assert.equal(actual.length, expected.length - 1 + n, `${what}: length`);
  assert.deepEqual(actual.slice(0, gap), expected.slice(0, gap), `${what}: head`);
  assert.deepEqual(actual.slice(actual.length - tail), expected.slice(gap + 1), `${what}: tail`);
}

function params(t: Transcript): Json {
  return { ...((t.query ?? {}) as Json), ...((t.body ?? {}) as Json) };
}

const num = (v: unknown) => (v === undefined ? undefined : Number(v));
const list = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? (v as string[]) : [v as string]);

/** Runs one transcript's request against the store and returns the REST-shaped answer. */
async function answer(store: FileStore, ver: Ver, t: Transcript): Promise<{ body: unknown; history?: boolean; raw?: Buffer }> {
  const p = params(t);
  const route = t.path.replace(/^\/(ajax-)?api\/2\.0\/mlflow\//, '');
  const page = <T>(key: string, items: T[], token?: string): Json => {
    const o: Json = {};
    if (items.length) o[key] = items;
    if (token) o.next_page_token = token;
    return o;
  };
  switch (route) {
    case 'experiments/search': {
      const r = await store.searchExperiments({
        maxResults: num(p.max_results),
        filter: p.filter as string | undefined,
        orderBy: list(p.order_by),
        viewType: p.view_type as never,
        pageToken: p.page_token as string | undefined,
      });
      return { body: page('experiments', r.items.map(toWireExperiment), r.nextPageToken) };
    }
    case 'experiments/get':
      return { body: { experiment: toWireExperiment(await store.getExperiment(String(p.experiment_id))) } };
    case 'experiments/get-by-name': {
      const e = await store.getExperimentByName(String(p.experiment_name));
      if (!e) return { body: { __notFound: true } };
      return { body: { experiment: toWireExperiment(e) } };
    }
    case 'runs/search': {
      const r = await store.searchRuns({
        experimentIds: list(p.experiment_ids) ?? [],
        filter: p.filter as string | undefined,
        orderBy: list(p.order_by),
        runViewType: p.run_view_type as never,
        maxResults: num(p.max_results),
        pageToken: p.page_token as string | undefined,
      });
      return { body: page('runs', r.items.map(toWireRun), r.nextPageToken) };
    }
    case 'runs/get':
      return { body: { run: toWireRun(await store.getRun((p.run_id ?? p.run_uuid ?? '') as string)) } };
    case 'metrics/get-history': {
      const all = await store.getMetricHistory((p.run_id ?? '') as string, (p.metric_key ?? '') as string);
      const wire = all.map(toWireMetric);
      if (ver === 'v3' && p.max_results !== undefined) {
        const pg = pageOf(wire, p.page_token as string | undefined, Number(p.max_results));
        return { body: page('metrics', pg.items, pg.nextPageToken), history: true };
      }
      return { body: page('metrics', wire), history: true };
    }
    case 'artifacts/list': {
      const run = await store.getRun(p.run_id as string);
      const files = await store.listArtifacts({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, p.path as string | undefined);
      const o: Json = { root_uri: run.info.artifactUri };
      if (files.length) o.files = files.map(toWireArtifactFile);
      return { body: o };
    }
    case 'registered-models/search': {
      const r = await store.searchRegisteredModels({
        filter: p.filter as string | undefined,
        orderBy: list(p.order_by),
        maxResults: num(p.max_results),
        pageToken: p.page_token as string | undefined,
      });
      return { body: page('registered_models', r.items.map(toWireRegisteredModel), r.nextPageToken) };
    }
    case 'registered-models/get':
      return { body: { registered_model: toWireRegisteredModel(await store.getRegisteredModel(String(p.name))) } };
    case 'registered-models/get-latest-versions':
      return { body: page('model_versions', (await store.getRegisteredModel(String(p.name))).latestVersions.map(toWireModelVersion)) };
    case 'registered-models/alias':
      return { body: { model_version: toWireModelVersion(await store.getModelVersionByAlias(String(p.name), String(p.alias))) } };
    case 'model-versions/search': {
      const r = await store.searchModelVersions({
        filter: p.filter as string | undefined,
        orderBy: list(p.order_by),
        maxResults: num(p.max_results),
        pageToken: p.page_token as string | undefined,
      });
      return { body: page('model_versions', r.items.map(toWireModelVersion), r.nextPageToken) };
    }
    case 'model-versions/get':
      return { body: { model_version: toWireModelVersion(await store.getModelVersion(String(p.name), String(p.version))) } };
    case 'logged-models/search': {
      const r = await store.searchLoggedModels({
        experimentIds: list(p.experiment_ids) ?? [],
        filter: p.filter as string | undefined,
        orderBy: (p.order_by as { field_name: string; ascending?: boolean }[] | undefined)?.map((o) => ({ fieldName: o.field_name, ascending: o.ascending })),
        maxResults: num(p.max_results),
        pageToken: p.page_token as string | undefined,
      });
      return { body: page('models', r.items.map(toWireLoggedModel), r.nextPageToken) };
    }
  }
  let m = /^logged-models\/(m-[0-9a-f]+)$/.exec(route);
  if (m) return { body: { model: toWireLoggedModel(await store.getLoggedModel(m[1])) } };
  m = /^logged-models\/(m-[0-9a-f]+)\/artifacts\/directories$/.exec(route);
  if (m) {
    const lm = await store.getLoggedModel(m[1]);
    const files = await store.listArtifacts({ type: 'loggedModel', id: lm.info.modelId, rootUri: lm.info.artifactUri }, p.artifact_directory_path as string | undefined);
    const o: Json = { root_uri: lm.info.artifactUri };
    if (files.length) o.files = files.map(toWireArtifactFile);
    return { body: o };
  }
  if (t.path === '/get-artifact') {
    const run = await store.getRun(String(p.run_uuid ?? p.run_id));
    const chunks: Buffer[] = [];
    for await (const c of await store.readArtifact({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, String(p.path))) chunks.push(Buffer.from(c));
    return { body: undefined, raw: Buffer.concat(chunks) };
  }
  throw new Error(`no mapping for ${t.method} ${t.path}`);
}

function compareRaw(raw: Buffer, expected: unknown, what: string): void {
  if (expected && typeof expected === 'object' && (expected as Json)._binary) {
    const e = expected as { length: number; sha256: string };
    assert.equal(raw.length, e.length, `${what}: length`);
    assert.equal(crypto.createHash('sha256').update(raw).digest('hex'), e.sha256, `${what}: sha256`);
  } else if (typeof expected === 'string') {
    assert.equal(raw.toString('utf8'), expected, what);
  } else {
    assert.deepEqual(JSON.parse(raw.toString('utf8')), expected, what);
  }
}

describe('FileStore conformance with recorded MLflow answers', () => {
  it('every transcript named in NOT_A_STORE_CALL exists', () => {
    const names = new Set(VERSIONS.flatMap((v) => transcripts(`${v}-filestore`).flatMap((x) => [rel(x), `${rel(x)}@${v}`])));
    assert.deepEqual(Object.keys(NOT_A_STORE_CALL).filter((k) => !names.has(k)), []);
  });
  for (const ver of VERSIONS) {
    describe(`${ver} file store`, () => {
      const store = new FileStore(storePath(ver, 'mlruns'));
      after(() => store.dispose());
      const all = transcripts(`${ver}-filestore`);
      for (const t of all) {
        const n = Number(t.file.slice(0, 3));
        if (n >= FIRST_MUTATION[ver]) continue; // replayed on a copy in mutations.test.ts
        if (NOT_A_STORE_CALL[rel(t)] ?? NOT_A_STORE_CALL[`${rel(t)}@${ver}`]) continue;
        it(`${t.file} ${t.method} ${t.path}`, async () => {
          const expected = normalise(ver, t.response_body);
          if (t.status >= 400) {
            let err: unknown;
            try {
              const r = await answer(store, ver, t);
              if ((r.body as Json | undefined)?.__notFound) err = { kind: 'notFound', status: 404 };
            } catch (e) {
              err = e;
            }
            assert.ok(err, `expected an error like HTTP ${t.status}`);
            const kind = (err as { kind?: string }).kind;
            if (t.status === 404 || (t.status === 500 && t.path === '/get-artifact')) assert.equal(kind, 'notFound', String(err));
            else if (t.status === 400) assert.equal(kind, 'invalidRequest', String(err));
            else assert.fail(`unmapped status ${t.status}`);
            if (isTrackingError(err) && err.status !== undefined && t.status !== 500) assert.equal(err.status, t.status);
            return;
          }
          const r = await answer(store, ver, t);
          if (r.raw) return compareRaw(r.raw, expected, t.file);
          if (r.history) {
            const e = expected as Json;
            assertListMatches((r.body as Json).metrics as unknown[] ?? [], (e.metrics as unknown[]) ?? [], t.file);
            assert.deepEqual(
              tokensAndOutputs({ next_page_token: (r.body as Json).next_page_token }),
              tokensAndOutputs({ next_page_token: e.next_page_token }),
              `${t.file}: next_page_token`,
            );
            return;
          }
          let want = canon(tokensAndOutputs(expected));
          let got = canon(tokensAndOutputs(r.body));
          if (rel(t) === 'logged-models-list-artifacts.json') {
            // MLmodel records the store's absolute path, which was rewritten to a different prefix: its size differs
            const dropMLmodelSize = (x: unknown) => {
              const o = x as { files?: Json[] };
              return { ...o, files: o.files?.map((f) => (f.path === 'MLmodel' ? { path: f.path, is_dir: f.is_dir } : f)) };
            };
            want = dropMLmodelSize(want);
            got = dropMLmodelSize(got);
          }
          assert.deepEqual(got, want, t.file);
        });
      }
    });
  }

  it('keeps 18-digit experiment ids as strings and offsets as MLflow tokens', () => {
    assert.equal(decodeOffsetToken('eyJvZmZzZXQiOiAyfQ=='), 2);
  });
});


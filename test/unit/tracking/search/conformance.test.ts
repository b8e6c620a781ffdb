// The search grammar against real MLflow answers: for every recorded search request, apply our
// compiled filter + order_by to the full set of entities (built from the recorded "all" answers) and
// check the same ids come back in the same order; recorded 400s must raise invalidRequest.
import * as assert from 'node:assert/strict';
import { isTrackingError } from '../../../../src/tracking/errors';
import {
  compileExperimentFilter,
  compileExperimentOrderBy,
  compileLoggedModelFilter,
  compileLoggedModelOrderBy,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  compileRegisteredModelFilter,
  compileRegisteredModelOrderBy,
  compileRunFilter,
  compileRunOrderBy,
  validateRunFilter,
} from '../../../../src/tracking/search';
import type { Experiment, LoggedModel, ModelVersion, RegisteredModel, Run } from '../../../../src/tracking/types';
import { parseExperiment, parseLoggedModel, parseModelVersion, parseRegisteredModel, parseRun } from '../../../../src/tracking/wire';
import { transcripts, type Transcript } from '../../../support/fixtures';

const DIRS = ['v2', 'v3', 'v2-filestore', 'v3-filestore'] as const;

type Json = Record<string, unknown>;
const req = (t: Transcript): Json => ((t.method === 'GET' ? t.query : t.body) ?? {}) as Json;
const body = (t: Transcript): Json => (t.response_body ?? {}) as Json;
const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as string[]) : [v as string]);

function offsetOf(token: unknown): number {
  if (typeof token !== 'string' || token === '') return 0;
  const o = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: number };
  return o.offset ?? 0;
}

function page<T>(items: T[], r: Json, defaultMax: number): T[] {
  const off = offsetOf(r.page_token);
  const max = r.max_results === undefined ? defaultMax : Number(r.max_results);
  return items.slice(off, off + max);
}

function expectInvalid(fn: () => unknown, messageStart?: string): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isTrackingError(e, 'invalidRequest'), `expected invalidRequest, got ${String(e)}`);
    if (messageStart) assert.ok(e.message.startsWith(messageStart), `message ${JSON.stringify(e.message)} should start with ${JSON.stringify(messageStart)}`);
    return e.message;
  }
  assert.fail('expected an invalidRequest error');
}

/** The part of MLflow's message before a Python set repr (whose order is random). */
const beforeSet = (msg: string) => msg.split("'{")[0];

describe('search grammar conformance with recorded MLflow answers', () => {
  for (const dir of DIRS) {
    describe(dir, () => {
      const all = transcripts(dir);
      const find = (suffix: string) => all.find((t) => t.file.slice(4) === `${suffix}.json`);

      describe('runs/search', () => {
        // Every run of the two experiments that have runs: the "all in exp" answer, the deleted run, and the other experiment.
        const runs = new Map<string, Run>();
        for (const name of ['runs-search-all-in-exp', 'runs-search-deleted-only', 'runs-search-order-by-param-and-name']) {
          const t = find(name);
          assert.ok(t, `${dir}: ${name}`);
          for (const r of (body(t).runs as unknown[] | undefined) ?? []) {
            const run = parseRun(r);
            runs.set(run.info.runId, run);
          }
        }
        const base = [...runs.values()];

        it('has a base set of runs', () => {
          assert.equal(base.length, 20);
          assert.equal(base.filter((r) => r.info.lifecycleStage === 'deleted').length, 1);
        });

        const searches = all.filter((t) => t.path.endsWith('/runs/search') && t.method === 'POST');
        for (const t of searches) {
          const r = req(t);
          if (t.status === 200) {
            it(`${t.file}: ${JSON.stringify({ filter: r.filter, order_by: r.order_by, view: r.run_view_type })}`, () => {
              const exps = new Set(r.experiment_ids as string[]);
              const view = (r.run_view_type as string | undefined) ?? 'ACTIVE_ONLY';
              const pred = compileRunFilter(r.filter as string | undefined, { infAsMax: !dir.endsWith('filestore') });
              const cmp = compileRunOrderBy(list(r.order_by));
              const selected = base
                .filter((x) => exps.has(x.info.experimentId))
                .filter((x) => view === 'ALL' || (view === 'DELETED_ONLY') === (x.info.lifecycleStage === 'deleted'))
                .filter(pred)
                .sort(cmp);
              const got = page(selected, r, 1000).map((x) => x.info.runName);
              const want = ((body(t).runs as Json[] | undefined) ?? []).map((x) => parseRun(x).info.runName);
              assert.deepEqual(got, want);
            });
          } else if (t.status === 400 && (r.filter !== undefined || r.order_by !== undefined)) {
            it(`${t.file}: raises invalidRequest like MLflow`, () => {
              const msg = (body(t).message as string) ?? '';
              expectInvalid(() => {
                compileRunFilter(r.filter as string | undefined);
                compileRunOrderBy(list(r.order_by));
              }, beforeSet(msg));
              if (r.filter !== undefined) assert.ok(validateRunFilter(r.filter as string)?.startsWith(beforeSet(msg)));
            });
          }
        }

        it('runs carrying ±inf metrics: both read ±Infinity; SQL stores filter on the ±1.797e308 they hold', () => {
          // MLflow's SQL stores answer ±1.7976931348623157e308 where the file store answers "Infinity": the decode
          // layer (wire.ts storedDouble) reads both as ±Infinity. What differs is the filter right at the double
          // maximum, which compares the stored number (infAsMax) as MLflow's SQL store does.
          const nanInf = base.find((x) => x.info.runName === 'nan-inf-metrics');
          assert.ok(nanInf);
          const raw = ((body(find('runs-search-all-in-exp')!).runs as Json[]) ?? [])
            .map((x) => x as { info: { run_name: string }; data: { metrics: { key: string; value: unknown }[] } })
            .find((x) => x.info.run_name === 'nan-inf-metrics')!
            .data.metrics.find((m) => m.key === 'pos_inf')?.value;
          const sql = !dir.endsWith('filestore');
          assert.equal(raw, sql ? 1.7976931348623157e308 : 'Infinity', 'what MLflow answered');
          assert.equal(nanInf.data.metrics.find((m) => m.key === 'pos_inf')?.value, Infinity, 'what the extension shows');
          assert.equal(nanInf.data.metrics.find((m) => m.key === 'neg_inf')?.value, -Infinity);
          const atMax = compileRunFilter('metrics.pos_inf > 1.7976931348623157e308', { infAsMax: sql });
          assert.equal(atMax(nanInf), !sql);
          // Below the maximum, both backends agree.
          assert.equal(compileRunFilter('metrics.pos_inf > 1e308 and metrics.neg_inf < -1e308')(nanInf), true);
          // -0.0 is kept by the file store and stored as 0.0 by SQLite; = 0 matches either way.
          assert.equal(compileRunFilter('metrics.negative_zero = 0')(nanInf), true);
        });
      });

      describe('experiments/search', () => {
        const allExps = find('experiments-search-all');
        assert.ok(allExps);
        const base: Experiment[] = ((body(allExps).experiments as unknown[]) ?? []).map(parseExperiment);

        for (const t of all.filter((x) => x.path.endsWith('/experiments/search') && (x.method === 'GET' || x.method === 'POST'))) {
          const r = req(t);
          if (t.status === 200) {
            it(`${t.file}: ${JSON.stringify({ filter: r.filter, order_by: r.order_by, view: r.view_type })}`, () => {
              const view = (r.view_type as string | undefined) ?? 'ACTIVE_ONLY';
              const selected = base
                .filter((x) => view === 'ALL' || (view === 'DELETED_ONLY') === (x.lifecycleStage === 'deleted'))
                .filter(compileExperimentFilter(r.filter as string | undefined))
                .sort(compileExperimentOrderBy(list(r.order_by)));
              const got = page(selected, r, 1000).map((x) => x.name);
              const want = ((body(t).experiments as unknown[]) ?? []).map((x) => parseExperiment(x).name);
              assert.deepEqual(got, want);
            });
          } else if (r.filter !== undefined) {
            it(`${t.file}: the bad filter raises invalidRequest`, () => {
              // Recorded without max_results, so the server answered 400 about max_results before it
              // looked at the filter; the filter ('nme') is invalid too and must be rejected on its own.
              expectInvalid(() => compileExperimentFilter(r.filter as string), "Invalid attribute key 'nme' specified. Valid keys are '");
            });
          }
        }
      });

      describe('registered-models/search', () => {
        const allRm = all.find((t) => t.path.endsWith('/registered-models/search') && t.status === 200 && !t.query);
        assert.ok(allRm);
        const base: RegisteredModel[] = ((body(allRm).registered_models as unknown[]) ?? []).map(parseRegisteredModel);
        for (const t of all.filter((x) => x.path.endsWith('/registered-models/search') && x.method === 'GET' && x.status === 200)) {
          const r = req(t);
          it(`${t.file}: ${JSON.stringify({ filter: r.filter, order_by: r.order_by })}`, () => {
            const selected = base.filter(compileRegisteredModelFilter(r.filter as string | undefined)).sort(compileRegisteredModelOrderBy(list(r.order_by)));
            assert.deepEqual(
              page(selected, r, 100).map((x) => x.name),
              ((body(t).registered_models as unknown[]) ?? []).map((x) => parseRegisteredModel(x).name),
            );
          });
        }
      });

      describe('model-versions/search', () => {
        const allMv = find('model-versions-search-all');
        assert.ok(allMv);
        const base: ModelVersion[] = ((body(allMv).model_versions as unknown[]) ?? []).map(parseModelVersion);
        for (const t of all.filter((x) => x.path.endsWith('/model-versions/search') && x.method === 'GET')) {
          const r = req(t);
          if (t.status === 200) {
            it(`${t.file}: ${JSON.stringify({ filter: r.filter, order_by: r.order_by })}`, () => {
              const selected = base.filter(compileModelVersionFilter(r.filter as string | undefined)).sort(compileModelVersionOrderBy(list(r.order_by)));
              assert.deepEqual(
                page(selected, r, 200000).map((x) => `${x.name}/${x.version}`),
                ((body(t).model_versions as unknown[]) ?? []).map((x) => `${parseModelVersion(x).name}/${parseModelVersion(x).version}`),
              );
            });
          } else if (t.status === 400) {
            it(`${t.file}: raises invalidRequest like MLflow`, () => {
              expectInvalid(() => compileModelVersionFilter(r.filter as string), beforeSet((body(t).message as string) ?? ''));
            });
          }
        }
      });

      if (dir.startsWith('v3')) {
        describe('logged-models/search', () => {
          const allLm = find('logged-models-search');
          assert.ok(allLm);
          const base: LoggedModel[] = ((body(allLm).models as unknown[]) ?? []).map(parseLoggedModel);
          for (const t of all.filter((x) => x.path.endsWith('/logged-models/search') && x.method === 'POST' && x.status === 200)) {
            const r = req(t);
            it(`${t.file}: ${JSON.stringify({ filter: r.filter, order_by: r.order_by })}`, () => {
              const exps = new Set(r.experiment_ids as string[]);
              const orderBy = (r.order_by as { field_name: string; ascending?: boolean }[] | undefined)?.map((o) => ({ fieldName: o.field_name, ascending: o.ascending }));
              const selected = base
                .filter((x) => exps.has(x.info.experimentId))
                .filter(compileLoggedModelFilter(r.filter as string | undefined))
                .sort(compileLoggedModelOrderBy(orderBy));
              assert.deepEqual(
                page(selected, r, 100).map((x) => x.info.modelId),
                ((body(t).models as unknown[]) ?? []).map((x) => parseLoggedModel(x).info.modelId),
              );
            });
          }
        });
      }
    });
  }
});

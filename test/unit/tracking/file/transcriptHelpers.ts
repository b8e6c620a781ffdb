// Helpers shared by the file-store transcript tests.
import { decodeOffsetToken } from '../../../../src/tracking/paging';
import type { Ver } from '../../../support/fixtures';

type Json = Record<string, unknown>;

/** The first transcript that reflects a write; from there on transcripts are replayed in mutations.test.ts. */
export const FIRST_MUTATION = { v2: 97, v3: 104 } as const;

/** The server ran on a copy at /srv/mlflow-transcripts-<ver>/; the store records /srv/mlflow-fixtures/<ver>/. (Deep map, not JSON round-trip: that would turn -0 into 0.) */
export function normalise(ver: Ver, v: unknown): unknown {
  if (typeof v === 'string') return v.split(`/srv/mlflow-transcripts-${ver}/`).join(`/srv/mlflow-fixtures/${ver}/`);
  if (Array.isArray(v)) return v.map((x) => normalise(ver, x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, normalise(ver, x)]));
  return v;
}

const byKey = (a: unknown, b: unknown) => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Differences that are not the file store's: page tokens are compared by offset (MLflow's json.dumps
 * writes `{"offset": 2}` with a space, paging.ts without — both opaque and both decodable), and a
 * 3.x server writes `"outputs": {}` for runs without outputs where toWireRun omits the empty object.
 */
export function tokensAndOutputs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tokensAndOutputs);
  if (v && typeof v === 'object') {
    const o: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      if (k === 'next_page_token' && typeof x === 'string') o[k] = { offset: decodeOffsetToken(x) };
      else if (k === 'outputs' && x && typeof x === 'object' && Object.keys(x).length === 0) continue;
      else o[k] = tokensAndOutputs(x);
    }
    return o;
  }
  return v;
}

/** MLflow leaves the order of params/tags/metrics of an entity to os.listdir: compare those as sets. */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const o: Json = {};
    for (const [k, x] of Object.entries(v as Json)) {
      o[k] = ['params', 'tags', 'metrics', 'dataset_inputs', 'model_inputs', 'aliases'].includes(k) && Array.isArray(x) ? (canon(x) as unknown[]).slice().sort(byKey) : canon(x);
    }
    return o;
  }
  return v;
}


// MLflow 3 logged models: logged_models(+_params, _tags, _metrics). Absent in 2.x schemas.
import { invalidRequest, notFound, TrackingError } from '../errors';
import { checkMaxResults } from '../paging';
import type { LoggedModel, Metric, Page, SearchLoggedModelsQuery } from '../types';
import { chunks, type Db, placeholders } from './database';
import { storedDouble } from '../wire';
import { LOGGED_MODEL_COLS, loggedModelFromRow, num, selectList, str } from './rows';
import { SQLITE_STRINGS, compileLoggedModelFilter, compileLoggedModelOrderBy } from './search';
import { pyToken } from './tokens';

export function hasLoggedModels(db: Db): boolean {
  return db.hasTable('logged_models');
}

function fill(db: Db, list: LoggedModel[]): LoggedModel[] {
  if (!list.length) return list;
  const byId = new Map(list.map((m) => [m.info.modelId, m]));
  for (const part of chunks([...byId.keys()])) {
    const ph = placeholders(part.length);
    if (db.hasTable('logged_model_tags')) {
      db.each(`SELECT model_id, tag_key, tag_value FROM logged_model_tags WHERE model_id IN (${ph}) ORDER BY model_id, tag_key`, part, (r) =>
        byId.get(String(r[0]))?.info.tags.push({ key: String(r[1]), value: str(r[2]) ?? '' }),
      );
    }
    if (db.hasTable('logged_model_params')) {
      db.each(`SELECT model_id, param_key, param_value FROM logged_model_params WHERE model_id IN (${ph}) ORDER BY model_id, param_key`, part, (r) =>
        byId.get(String(r[0]))?.data.params.push({ key: String(r[1]), value: str(r[2]) ?? '' }),
      );
    }
    if (db.hasTable('logged_model_metrics')) {
      db.each(
        'SELECT model_id, metric_name, metric_value, metric_timestamp_ms, metric_step, run_id, dataset_name, dataset_digest ' +
          `FROM logged_model_metrics WHERE model_id IN (${ph}) ORDER BY rowid`,
        part,
        (r) => {
          const m: Metric = {
            key: String(r[1]),
            value: r[2] === null ? NaN : storedDouble(Number(r[2])),
            timestamp: num(r[3]) ?? 0,
            step: num(r[4]) ?? 0,
            modelId: String(r[0]),
          };
          const runId = str(r[5]);
          if (runId !== undefined) m.runId = runId;
          const dn = str(r[6]);
          if (dn !== undefined) m.datasetName = dn;
          const dd = str(r[7]);
          if (dd !== undefined) m.datasetDigest = dd;
          byId.get(m.modelId!)?.data.metrics.push(m);
        },
      );
    }
  }
  return list;
}

function unsupported(uri: string): TrackingError {
  return new TrackingError('unsupported', `${uri} has no logged models (an MLflow 2.x database).`, { uri });
}

export function getLoggedModel(db: Db, modelId: string, uri: string): LoggedModel {
  if (!hasLoggedModels(db)) throw unsupported(uri);
  const rows = db.rows(
    `SELECT ${selectList(db, 'logged_models', 'm', LOGGED_MODEL_COLS)} FROM logged_models m WHERE m.model_id = ? AND (m.lifecycle_stage IS NULL OR m.lifecycle_stage != 'deleted')`,
    [modelId],
  );
  if (!rows.length) throw notFound(`Logged model with ID '${modelId}'`, uri);
  return fill(db, [loggedModelFromRow(rows[0])])[0];
}

/** Logged models of some experiments; the token (like MLflow's) carries the query and is rejected for another one. */
export function searchLoggedModels(db: Db, q: SearchLoggedModelsQuery, uri: string): Page<LoggedModel> {
  if (!q.experimentIds?.length) throw invalidRequest("Missing value for required parameter 'experiment_ids'.", uri);
  const maxResults = checkMaxResults(q.maxResults, 100, 50000);
  const matches = compileLoggedModelFilter(q.filter?.trim() ? q.filter : undefined, SQLITE_STRINGS);
  const order = compileLoggedModelOrderBy(q.orderBy);
  const tokenBase = {
    experiment_ids: q.experimentIds.map(String),
    filter_string: q.filter ?? null,
    order_by: q.orderBy?.length
      ? q.orderBy.map((o) => ({ field_name: o.fieldName, ascending: o.ascending ?? true, dataset_name: null, dataset_digest: null }))
      : null,
  };
  let offset = 0;
  if (q.pageToken) {
    let t: Record<string, unknown> | undefined;
    try {
      t = JSON.parse(Buffer.from(q.pageToken, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      t = undefined;
    }
    if (!t || typeof t.offset !== 'number' || !Number.isInteger(t.offset) || t.offset < 0) throw invalidRequest('Invalid page token.', uri);
    if (JSON.stringify(t.experiment_ids) !== JSON.stringify(tokenBase.experiment_ids) || (t.filter_string ?? null) !== tokenBase.filter_string) {
      throw invalidRequest('The page token does not belong to this search (experiment ids or filter differ).', uri);
    }
    offset = t.offset;
  }
  if (!hasLoggedModels(db)) return { items: [] };
  const ids = q.experimentIds.map(String);
  const all = fill(
    db,
    db
      .rows(
        `SELECT ${selectList(db, 'logged_models', 'm', LOGGED_MODEL_COLS)} FROM logged_models m WHERE m.experiment_id IN (${placeholders(ids.length)}) AND (m.lifecycle_stage IS NULL OR m.lifecycle_stage != 'deleted')`,
        ids,
      )
      .map(loggedModelFromRow),
  )
    .filter(matches)
    .sort(order);
  const items = all.slice(offset, offset + maxResults);
  return offset + maxResults < all.length ? { items, nextPageToken: pyToken({ ...tokenBase, offset: offset + maxResults }) } : { items };
}

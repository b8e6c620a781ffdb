// Model registry: registered_models(+_tags, _aliases), model_versions(+_tags). Soft-deleted versions
// (current_stage 'Deleted_Internal') are invisible. There is no model_id column: it is derived from
// a `models:/m-…` source.
import type { SqlValue } from './engine';
import { invalidRequest, notFound } from '../errors';
import { checkMaxResults, decodeOffsetToken } from '../paging';
import type { ModelVersion, Page, RegisteredModel, SearchModelVersionsQuery, SearchRegisteredModelsQuery } from '../types';
import { modelIdFromSource } from '../wire';
import type { Db } from './database';
import { MODEL_VERSION_COLS, modelVersionFromRow, num, selectList, str } from './rows';
import { SQLITE_STRINGS, compileModelVersionFilter, compileModelVersionOrderBy, compileRegisteredModelFilter, compileRegisteredModelOrderBy } from './search';
import { pyOffsetToken } from './tokens';

const DELETED = 'Deleted_Internal';
const PROMPT_TAG = 'mlflow.prompt.is_prompt';

function versions(db: Db, where: string, params: SqlValue[]): ModelVersion[] {
  if (!db.hasTable('model_versions')) return [];
  const list = db
    .rows(
      `SELECT ${selectList(db, 'model_versions', 'v', MODEL_VERSION_COLS)} FROM model_versions v WHERE (v.current_stage IS NULL OR v.current_stage != '${DELETED}')${where} ORDER BY v.name, v.version`,
      params,
    )
    .map((r) => modelVersionFromRow(r, modelIdFromSource));
  if (list.length && db.hasTable('model_version_tags')) {
    const byKey = new Map(list.map((v) => [`${v.name}\u0000${v.version}`, v]));
    const one = list.length === 1;
    db.each(
      `SELECT name, version, key, value FROM model_version_tags${one ? ' WHERE name = ? AND version = ?' : ''} ORDER BY rowid`,
      one ? [list[0].name, list[0].version] : [],
      (r) => byKey.get(`${str(r[0])}\u0000${num(r[1])}`)?.tags.push({ key: String(r[2]), value: str(r[3]) ?? '' }),
    );
  }
  return list;
}

function aliasesOf(db: Db, name?: string): { name: string; alias: string; version: string }[] {
  if (!db.hasTable('registered_model_aliases')) return [];
  return db
    .rows(`SELECT name, alias, version FROM registered_model_aliases${name === undefined ? '' : ' WHERE name = ?'} ORDER BY name, alias`, name === undefined ? [] : [name])
    .map((r) => ({ name: String(r[0]), alias: String(r[1]), version: String(num(r[2])) }));
}

function models(db: Db, name?: string): RegisteredModel[] {
  if (!db.hasTable('registered_models')) return [];
  const params = name === undefined ? [] : [name];
  const list: RegisteredModel[] = db
    .rows(`SELECT name, creation_time, last_updated_time, description FROM registered_models${name === undefined ? '' : ' WHERE name = ?'}`, params)
    .map((r) => {
      const m: RegisteredModel = {
        name: String(r[0]),
        creationTimestamp: num(r[1]),
        lastUpdatedTimestamp: num(r[2]),
        latestVersions: [],
        tags: [],
        aliases: [],
      };
      const d = str(r[3]);
      if (d !== undefined) m.description = d;
      return m;
    });
  if (!list.length) return list;
  const byName = new Map(list.map((m) => [m.name, m]));
  if (db.hasTable('registered_model_tags')) {
    db.each(`SELECT name, key, value FROM registered_model_tags${name === undefined ? '' : ' WHERE name = ?'} ORDER BY rowid`, params, (r) =>
      byName.get(String(r[0]))?.tags.push({ key: String(r[1]), value: str(r[2]) ?? '' }),
    );
  }
  for (const a of aliasesOf(db, name)) byName.get(a.name)?.aliases.push({ alias: a.alias, version: a.version });
  // latest version per stage, stages in the order their first version appears (MLflow's dict order)
  const latest = new Map<string, Map<string, ModelVersion>>();
  for (const v of versions(db, name === undefined ? '' : ' AND v.name = ?', params)) {
    let perStage = latest.get(v.name);
    if (!perStage) latest.set(v.name, (perStage = new Map<string, ModelVersion>()));
    const cur = perStage.get(v.currentStage);
    if (!cur || Number(cur.version) < Number(v.version)) perStage.set(v.currentStage, v);
  }
  for (const [n, perStage] of latest) {
    const m = byName.get(n);
    if (m) m.latestVersions = [...perStage.values()];
  }
  return list;
}

export function getRegisteredModel(db: Db, name: string, uri: string): RegisteredModel {
  const m = models(db, name)[0];
  if (!m) throw notFound(`Registered Model with name=${name}`, uri);
  return m;
}

function page<T>(all: T[], offset: number, maxResults: number): Page<T> {
  const items = all.slice(offset, offset + maxResults);
  return offset + maxResults < all.length ? { items, nextPageToken: pyOffsetToken(offset + maxResults) } : { items };
}

export function searchRegisteredModels(db: Db, q: SearchRegisteredModelsQuery): Page<RegisteredModel> {
  const maxResults = checkMaxResults(q.maxResults, 100, 1000);
  const offset = decodeOffsetToken(q.pageToken);
  const filter = q.filter?.trim() ? q.filter : undefined;
  const matches = compileRegisteredModelFilter(filter, SQLITE_STRINGS);
  const order = compileRegisteredModelOrderBy(q.orderBy);
  // MLflow 3 hides prompts (registered models tagged mlflow.prompt.is_prompt=true) unless asked for.
  const wantsPrompts = filter?.includes(PROMPT_TAG) ?? false;
  const all = models(db).filter((m) => (wantsPrompts || !m.tags.some((t) => t.key === PROMPT_TAG && t.value.toLowerCase() === 'true')) && matches(m));
  return page(all.sort(order), offset, maxResults);
}

export function searchModelVersions(db: Db, q: SearchModelVersionsQuery): Page<ModelVersion> {
  const maxResults = checkMaxResults(q.maxResults, 10000, 200000);
  const offset = decodeOffsetToken(q.pageToken);
  const matches = compileModelVersionFilter(q.filter?.trim() ? q.filter : undefined, SQLITE_STRINGS);
  const order = compileModelVersionOrderBy(q.orderBy);
  return page(versions(db, '', []).filter(matches).sort(order), offset, maxResults);
}

export function getModelVersion(db: Db, name: string, version: string, uri: string): ModelVersion {
  if (!/^\d+$/.test(version)) throw invalidRequest(`Parameter 'version' must be an integer, got '${version}'.`, uri);
  const v = versions(db, ' AND v.name = ? AND v.version = ?', [name, Number(version)])[0];
  if (!v) throw notFound(`Model Version (name=${name}, version=${version})`, uri);
  v.aliases = aliasesOf(db, name)
    .filter((a) => a.version === v.version)
    .map((a) => a.alias);
  return v;
}

/** Unknown alias: the SQL registry answers 400 INVALID_PARAMETER_VALUE, so invalidRequest here too. */
export function getModelVersionByAlias(db: Db, name: string, alias: string, uri: string): ModelVersion {
  const a = aliasesOf(db, name).find((x) => x.alias === alias);
  if (!a) throw invalidRequest(`Registered model alias ${alias} not found.`, uri);
  return getModelVersion(db, name, a.version, uri);
}

/** model-versions/get-download-uri: storage_location when set, else source. */
export function getModelVersionDownloadUri(db: Db, name: string, version: string, uri: string): string {
  const v = getModelVersion(db, name, version, uri);
  const loc = db.hasColumn('model_versions', 'storage_location')
    ? str(db.rows('SELECT storage_location FROM model_versions WHERE name = ? AND version = ?', [name, Number(version)])[0]?.[0])
    : undefined;
  return loc || v.source;
}

// Experiments and their tags.
import { checkMaxResults, decodeOffsetToken } from '../paging';
import type { Experiment, Page, SearchExperimentsQuery } from '../types';
import type { Db } from './database';
import { EXPERIMENT_COLS, experimentFromRow, selectList } from './rows';
import { SQLITE_STRINGS, compileExperimentFilter, compileExperimentOrderBy } from './search';
import { pyOffsetToken } from './tokens';

function withTags(db: Db, exps: Experiment[]): Experiment[] {
  if (!exps.length || !db.hasTable('experiment_tags')) return exps;
  const byId = new Map(exps.map((e) => [e.experimentId, e]));
  const one = exps.length === 1;
  db.each(
    `SELECT experiment_id, key, value FROM experiment_tags${one ? ' WHERE experiment_id = ?' : ''} ORDER BY rowid`,
    one ? [exps[0].experimentId] : [],
    (r) => {
      byId.get(String(r[0]))?.tags.push({ key: String(r[1]), value: r[2] === null ? '' : String(r[2]) });
    },
  );
  return exps;
}

function select(db: Db, where = '', params: (string | number)[] = []): Experiment[] {
  return withTags(db, db.rows(`SELECT ${selectList(db, 'experiments', 'e', EXPERIMENT_COLS)} FROM experiments e ${where}`, params).map(experimentFromRow));
}

export function getExperiment(db: Db, id: string): Experiment | undefined {
  return select(db, 'WHERE e.experiment_id = ?', [id])[0];
}

export function getExperimentByName(db: Db, name: string): Experiment | undefined {
  return select(db, 'WHERE e.name = ?', [name])[0];
}

/** Like the SQL store: a token only when more experiments follow. */
export function searchExperiments(db: Db, q: SearchExperimentsQuery): Page<Experiment> {
  const maxResults = checkMaxResults(q.maxResults, 1000, 50000);
  const offset = decodeOffsetToken(q.pageToken);
  const matches = compileExperimentFilter(q.filter?.trim() ? q.filter : undefined, SQLITE_STRINGS);
  const order = compileExperimentOrderBy(q.orderBy);
  const view = q.viewType ?? 'ACTIVE_ONLY';
  const all = select(db).filter((e) => view === 'ALL' || (view === 'DELETED_ONLY') === (e.lifecycleStage === 'deleted'));
  const kept = all.filter(matches).sort(order);
  const items = kept.slice(offset, offset + maxResults);
  return offset + maxResults < kept.length ? { items, nextPageToken: pyOffsetToken(offset + maxResults) } : { items };
}

// Run edits with the semantics of MLflow's SQLAlchemy store (delete_run, restore_run,
// update_run_info(run_name), set_tag, delete_tag), each in one write transaction of its own.
import { invalidRequest, notFound, TrackingError } from '../errors';
import { RUN_NAME_TAG, type RunStatus } from '../types';
import type { Db } from './database';

function lifecycleOf(db: Db, runId: string, uri: string): string {
  const rows = db.rows('SELECT lifecycle_stage FROM runs WHERE run_uuid = ?', [runId]);
  if (!rows.length) throw notFound(`Run with id=${runId}`, uri);
  return String(rows[0][0]);
}

function requireActive(db: Db, runId: string, uri: string): void {
  const stage = lifecycleOf(db, runId, uri);
  if (stage !== 'active') throw invalidRequest(`The run ${runId} must be in the 'active' state. Current state is ${stage}.`, uri);
}

/** Like session.merge(SqlTag): an existing tag keeps its row (and so its place in listings). */
function upsertTag(db: Db, runId: string, key: string, value: string): void {
  if (db.run('UPDATE tags SET value = ? WHERE run_uuid = ? AND key = ?', [value, runId, key]) === 0) {
    db.run('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)', [key, value, runId]);
  }
}

export function deleteRun(db: Db, runId: string, uri: string): void {
  db.write(() => {
    lifecycleOf(db, runId, uri);
    if (db.hasColumn('runs', 'deleted_time')) db.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?", [Date.now(), runId]);
    else db.run("UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = ?", [runId]);
  });
}

export function restoreRun(db: Db, runId: string, uri: string): void {
  db.write(() => {
    lifecycleOf(db, runId, uri);
    if (db.hasColumn('runs', 'deleted_time')) db.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?", [runId]);
    else db.run("UPDATE runs SET lifecycle_stage = 'active' WHERE run_uuid = ?", [runId]);
  });
}

/** update_run_info(run_name=…): runs.name and the mlflow.runName tag together. */
export function renameRun(db: Db, runId: string, name: string, uri: string): void {
  db.write(() => {
    requireActive(db, runId, uri);
    db.run('UPDATE runs SET name = ? WHERE run_uuid = ?', [name, runId]);
    upsertTag(db, runId, RUN_NAME_TAG, name);
  });
}

export function setRunTag(db: Db, runId: string, key: string, value: string, uri: string): void {
  db.write(() => {
    requireActive(db, runId, uri);
    if (key === RUN_NAME_TAG) db.run('UPDATE runs SET name = ? WHERE run_uuid = ?', [value, runId]);
    upsertTag(db, runId, key, value);
  });
}

export function deleteRunTag(db: Db, runId: string, key: string, uri: string): void {
  db.write(() => {
    requireActive(db, runId, uri);
    if (db.run('DELETE FROM tags WHERE run_uuid = ? AND key = ?', [runId, key]) === 0) {
      throw new TrackingError('notFound', `No tag with name: ${key} in run with id ${runId}`, { uri, status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    }
  });
}

/** update_run_info(status, end_time). */
export function setRunStatus(db: Db, runId: string, status: RunStatus, endTime: number, uri: string): void {
  db.write(() => {
    requireActive(db, runId, uri);
    db.run('UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?', [status, endTime, runId]);
  });
}

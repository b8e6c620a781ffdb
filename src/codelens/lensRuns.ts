import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Connection } from '../connection/connection';
import type { Connections } from '../connection/connections';
import type { Log } from '../log';
import { filterClause, likePattern } from '../tracking/search/print';
import { SOURCE_NAME_TAG, type ArtifactFile, type Metric, type Run } from '../tracking/types';
import type { LoggedArtifacts } from '../upload/events';
import { newestFirst, runsFromFile, type ExperimentStatus, type FileIdentity } from './lensData';

const TTL_MS = 30_000;

export interface FileRuns {
  conn: Connection;
  file: FileIdentity;
  /** Runs whose mlflow.source.name is this file, newest first; else the runs of the experiment the file names. */
  runs: Run[];
  matchedBy: 'source' | 'experiment' | 'none';
  experimentName?: string;
  experimentId?: string;
}

/** Runs per Python file, fetched when lenses resolve, shared by all lenses and hovers of the file, dropped when the store changes. */
export class LensRuns implements vscode.Disposable {
  private readonly cache = new Map<string, { at: number; value: Promise<FileRuns | undefined> }>();
  private readonly histories = new Map<string, Promise<Metric[]>>();
  private readonly experiments = new Map<string, { at: number; value: Promise<ExperimentStatus & { latest?: Run }> }>();
  private readonly listings = new Map<string, { at: number; value: Promise<ArtifactFile[]> }>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly connections: Connections, private readonly log: Log, onDidLogArtifacts: vscode.Event<LoggedArtifacts>) {
    const drop = () => {
      this.cache.clear();
      this.histories.clear();
      this.experiments.clear();
      this.listings.clear();
      this.changed.fire();
    };
    const dropRun = (e: LoggedArtifacts) => {
      for (const k of [...this.listings.keys()]) if (k.startsWith(`${e.connKey}|${e.runId}|`)) this.listings.delete(k);
      this.cache.clear();
      this.changed.fire();
    };
    this.subs = [connections.onDidChange(drop), connections.onDidChangeData(drop), onDidLogArtifacts(dropRun)];
  }

  forDocument(uri: vscode.Uri, experimentName: string | undefined): Promise<FileRuns | undefined> {
    const key = `${uri.toString()}|${experimentName ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = this.load(uri, experimentName).catch((e) => {
      this.log.warn(`[codelens] ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  history(conn: Connection, runId: string, key: string): Promise<Metric[]> {
    const k = `${conn.key}|${runId}|${key}`;
    let h = this.histories.get(k);
    if (!h) {
      h = conn.store().then((s) => s.getMetricHistory(runId, key));
      this.histories.set(k, h);
      h.catch(() => this.histories.delete(k));
    }
    return h;
  }

  /** Does an experiment of that name exist (for create_experiment), with its run count and latest run. */
  experiment(conn: Connection, name: string): Promise<ExperimentStatus & { latest?: Run }> {
    const key = `${conn.key}|${name}`;
    const hit = this.experiments.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = (async () => {
      const store = await conn.store();
      const exp = await store.getExperimentByName(name);
      if (!exp) return { name, runCount: 0, more: false };
      const status = { name, experiment: { experimentId: exp.experimentId, lifecycleStage: exp.lifecycleStage } };
      if (exp.lifecycleStage === 'deleted') return { ...status, runCount: 0, more: false };
      const page = await store.searchRuns({ experimentIds: [exp.experimentId], orderBy: ['attributes.start_time DESC'], maxResults: 1000 });
      return { ...status, runCount: page.items.length, more: !!page.nextPageToken, latest: newestFirst(page.items)[0] };
    })();
    value.catch((e) => {
      this.experiments.delete(key);
      this.log.warn(`[codelens] ${e instanceof Error ? e.message : String(e)}`);
    });
    this.experiments.set(key, { at: Date.now(), value });
    return value;
  }

  /** One folder of a run's artifacts ('' = the root). */
  artifacts(conn: Connection, run: Run, dir: string): Promise<ArtifactFile[]> {
    const key = `${conn.key}|${run.info.runId}|${dir}`;
    const hit = this.listings.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = conn.store().then((s) => s.listArtifacts({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, dir || undefined));
    value.catch(() => this.listings.delete(key));
    this.listings.set(key, { at: Date.now(), value });
    return value;
  }

  private async load(uri: vscode.Uri, experimentName: string | undefined): Promise<FileRuns | undefined> {
    const docUri = uri.scheme === 'vscode-notebook-cell' ? uri.with({ scheme: 'file', fragment: '' }) : uri;
    const folder = vscode.workspace.getWorkspaceFolder(docUri);
    const conn = (folder && this.connections.get(folder.uri.toString())) ?? this.connections.all()[0];
    if (!conn) return undefined;
    if (conn.state.name === 'idle') await conn.connect();
    if (conn.state.name !== 'connected') return undefined;
    const store = conn.state.store;
    const absPath = docUri.fsPath;
    const file: FileIdentity = { absPath, relPath: folder ? path.relative(folder.uri.fsPath, absPath).split(path.sep).join('/') : path.basename(absPath) };

    let experimentId: string | undefined;
    if (experimentName) {
      const exp = await store.getExperimentByName(experimentName);
      if (exp && exp.lifecycleStage === 'active') experimentId = exp.experimentId;
    }
    const experimentIds = experimentId
      ? [experimentId]
      : (await store.searchExperiments({ maxResults: 1000 })).items.map((e) => e.experimentId);
    if (!experimentIds.length) return { conn, file, runs: [], matchedBy: 'none', experimentName, experimentId };
    const base = path.basename(absPath);
    // the LIKE may find a few runs of other files (likePattern); runsFromFile decides
    const filter = filterClause('tags', SOURCE_NAME_TAG, 'LIKE', likePattern(base, 'suffix'));
    const page = await store.searchRuns({ experimentIds, filter, maxResults: 500 });
    const fromFile = newestFirst(runsFromFile(page.items, file));
    if (fromFile.length) return { conn, file, runs: fromFile, matchedBy: 'source', experimentName, experimentId };
    if (experimentId) {
      const all = await store.searchRuns({ experimentIds: [experimentId], maxResults: 500 });
      return { conn, file, runs: newestFirst(all.items), matchedBy: 'experiment', experimentName, experimentId };
    }
    return { conn, file, runs: [], matchedBy: 'none', experimentName, experimentId };
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

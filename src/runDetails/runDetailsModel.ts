// Pure: a Run (and what was fetched around it) → the run details payload the webview renders.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDuration, formatMetricValue, formatTimestamp } from '../core/format';
import {
  GIT_BRANCH_TAG,
  GIT_COMMIT_TAG,
  GIT_REPO_TAG,
  LOG_MODEL_HISTORY_TAG,
  NOTE_TAG,
  PARENT_RUN_TAG,
  RUN_NAME_TAG,
  SOURCE_NAME_TAG,
  SOURCE_TYPE_TAG,
  USER_TAG,
  type ModelVersion,
  type Run,
} from '../tracking/types';
import { gitWebLink } from './gitLinks';
import type { DatasetRow, LinkRun, ModelRow, RunDetailsPayload } from './protocol';

export function runName(run: Run): string {
  return run.info.runName || run.data.tags.find((t) => t.key === RUN_NAME_TAG)?.value || run.info.runId.slice(0, 8);
}

export function tag(run: Run, key: string): string | undefined {
  return run.data.tags.find((t) => t.key === key)?.value;
}

export function linkRun(run: Run): LinkRun {
  return { runId: run.info.runId, name: runName(run), status: run.info.status };
}

export function modelRows(run: Run): ModelRow[] {
  const rows: ModelRow[] = run.outputs.modelOutputs.map((o) => ({ uri: `models:/${o.modelId}`, label: o.modelId, detail: `logged model · step ${o.step}` }));
  const hist = tag(run, LOG_MODEL_HISTORY_TAG);
  if (hist) {
    try {
      const parsed: unknown = JSON.parse(hist);
      for (const m of Array.isArray(parsed) ? parsed : []) {
        if (!m || typeof m !== 'object' || typeof m.artifact_path !== 'string') continue;
        const flavors = m.flavors && typeof m.flavors === 'object' ? Object.keys(m.flavors).join(', ') : '';
        const when = typeof m.utc_time_created === 'string' ? m.utc_time_created.replace(/\.\d+$/, '') + ' UTC' : '';
        const uri = `runs:/${run.info.runId}/${m.artifact_path}`;
        if (!rows.some((r) => r.uri === uri)) rows.push({ uri, label: m.artifact_path, detail: [flavors, when].filter(Boolean).join(' · ') || undefined });
      }
    } catch {
      // an unreadable history tag adds nothing
    }
  }
  return rows;
}

export function datasetRows(run: Run): DatasetRow[] {
  return run.inputs.datasetInputs.map((d) => {
    let source: string | undefined;
    try {
      const s: unknown = JSON.parse(d.dataset.source);
      if (s && typeof s === 'object') {
        const o = s as Record<string, unknown>;
        const v = o.uri ?? o.url ?? o.path ?? o.table_name;
        source = typeof v === 'string' ? v : undefined;
      }
    } catch {
      source = d.dataset.source || undefined;
    }
    return {
      name: d.dataset.name,
      digest: d.dataset.digest,
      context: d.tags.find((t) => t.key === 'mlflow.data.context')?.value,
      source: source ? `${d.dataset.sourceType}: ${source}` : d.dataset.sourceType || undefined,
    };
  });
}

export interface DetailsInput {
  connKey: string;
  run: Run;
  experimentName?: string;
  parent?: Run;
  children: Run[];
  versions: ModelVersion[];
  sourceOpenable: boolean;
  now?: number;
}

export function buildRunDetails(i: DetailsInput): RunDetailsPayload {
  const { run } = i;
  const { info, data } = run;
  const end = info.endTime ?? (info.status === 'RUNNING' ? (i.now ?? Date.now()) : undefined);
  const commit = tag(run, GIT_COMMIT_TAG);
  const repoUrl = tag(run, GIT_REPO_TAG);
  const web = gitWebLink(repoUrl, commit);
  const parentId = tag(run, PARENT_RUN_TAG);
  return {
    connKey: i.connKey,
    runId: info.runId,
    name: runName(run),
    experimentId: info.experimentId,
    experimentName: i.experimentName,
    status: info.status,
    start: formatTimestamp(info.startTime),
    end: info.endTime !== undefined ? formatTimestamp(info.endTime) : info.status === 'RUNNING' ? 'running' : '—',
    duration: info.startTime !== undefined && end !== undefined ? formatDuration(end - info.startTime) : '—',
    user: tag(run, USER_TAG) || info.userId || undefined,
    lifecycleStage: info.lifecycleStage,
    artifactUri: info.artifactUri,
    source: { name: tag(run, SOURCE_NAME_TAG), type: tag(run, SOURCE_TYPE_TAG), openable: i.sourceOpenable },
    git: { commit, branch: tag(run, GIT_BRANCH_TAG), repoUrl, webUrl: web?.url, webLabel: web?.label },
    parent: i.parent ? linkRun(i.parent) : parentId ? { runId: parentId, name: parentId.slice(0, 8), status: '' } : undefined,
    children: i.children.map(linkRun),
    datasets: datasetRows(run),
    models: modelRows(run),
    registered: i.versions.map((v) => ({ name: v.name, version: v.version, status: v.status })),
    params: [...data.params].sort((a, b) => a.key.localeCompare(b.key)),
    metrics: [...data.metrics]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((m) => ({ key: m.key, value: formatMetricValue(m.value), step: m.step, timestamp: m.timestamp })),
    tags: [...data.tags].filter((t) => t.key !== NOTE_TAG).sort((a, b) => a.key.localeCompare(b.key)),
    note: tag(run, NOTE_TAG) || undefined,
    live: info.status === 'RUNNING' || info.status === 'SCHEDULED',
  };
}

/** Parameters of several runs side by side; `differs` when not every run has the same value. */
export function paramRows(runs: Run[]): { key: string; values: (string | null)[]; differs: boolean }[] {
  const keys = [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = runs.map((r) => r.data.params.find((p) => p.key === key)?.value ?? null);
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

/** The source file of a run inside an open workspace folder: as logged, or its path relative to a folder, or its name. */
export function findSourceFile(source: string | undefined, folders: readonly string[], exists: (p: string) => boolean = fs.existsSync): string | undefined {
  if (!source || /^[a-z][a-z0-9+.-]+:\/\//i.test(source)) return undefined;
  const norm = source.replace(/\\/g, '/');
  if (path.isAbsolute(source) && folders.some((f) => source.startsWith(f + path.sep) || source === f) && exists(source)) return source;
  const segs = norm.split('/').filter(Boolean);
  for (const f of folders) {
    // the longest tail of the logged path that exists under the folder
    for (let i = 0; i < segs.length; i++) {
      const p = path.join(f, ...segs.slice(i));
      if (exists(p)) return p;
    }
  }
  return undefined;
}

// Pure: tracking Runs → the pages the runs table webview receives (strings as JSON, metrics as
// Float64Array + presence mask so NaN, ±Infinity and "missing" stay distinct).
import { LOG_MODEL_HISTORY_TAG, PARENT_RUN_TAG, RUN_NAME_TAG, SOURCE_NAME_TAG, type Run } from '../tracking/types';
import type { RunsPage, TableRunWire } from './protocol';

/** Tags that are shown as attributes or are MLflow's bookkeeping: not tag columns. */
const isSystemTag = (k: string) => k.startsWith('mlflow.');

function modelCount(run: Run): number {
  let n = run.outputs.modelOutputs.length;
  const hist = run.data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
  if (hist) {
    try {
      const parsed: unknown = JSON.parse(hist);
      if (Array.isArray(parsed)) n += parsed.length;
    } catch {
      // an unreadable history tag counts nothing
    }
  }
  return n;
}

export function toWire(run: Run): TableRunWire {
  const tag = (k: string) => run.data.tags.find((t) => t.key === k)?.value;
  const parent = tag(PARENT_RUN_TAG);
  return {
    id: run.info.runId,
    experimentId: run.info.experimentId,
    name: run.info.runName || tag(RUN_NAME_TAG) || run.info.runId.slice(0, 8),
    status: run.info.status,
    start: run.info.startTime,
    end: run.info.endTime,
    user: run.info.userId,
    source: tag(SOURCE_NAME_TAG) ?? '',
    parent: parent && parent !== run.info.runId ? parent : undefined,
    deleted: run.info.lifecycleStage === 'deleted',
    models: modelCount(run),
    datasets: run.inputs.datasetInputs.map((d) => d.dataset.name || d.dataset.digest).join(', '),
    params: run.data.params.map((p) => [p.key, p.value]),
    tags: run.data.tags.filter((t) => !isSystemTag(t.key)).map((t) => [t.key, t.value]),
  };
}

export function toPage(runs: readonly Run[]): RunsPage {
  const keys = new Map<string, number>();
  for (const r of runs) for (const m of r.data.metrics) if (!keys.has(m.key)) keys.set(m.key, keys.size);
  const k = keys.size;
  const metricValues = new Float64Array(runs.length * k);
  const metricPresent = new Uint8Array(runs.length * k);
  runs.forEach((r, i) => {
    for (const m of r.data.metrics) {
      const j = keys.get(m.key)!;
      metricValues[i * k + j] = m.value;
      metricPresent[i * k + j] = 1;
    }
  });
  return { runs: runs.map(toWire), metricKeys: [...keys.keys()], metricValues, metricPresent };
}

// MLflow 3 logged models: `<exp>/models/m-<32hex>/{meta.yaml, params/, tags/, metrics/, artifacts/}`.
// Metric files carry the run id: `<ts> <value> <step> <run_id> [<dataset_name> <dataset_digest>]`.
import * as path from 'node:path';
import type { LoggedModel, Metric } from '../types';
import { parseLifecycle, parseLoggedModelStatus } from '../wire';
import { FileCache } from './fileCache';
import { direntIsDir, isSafeSegment, listDir, listKeyFiles, readKeyValues } from './fsUtil';
import { latestPerDataset, parseMetricHistory } from './metricFile';
import { parseMetaYaml, yamlInt, yamlStr, type YamlMap } from './metaYaml';
import type { Problem } from './runReader';

export interface LoggedModelEntry {
  model: LoggedModel;
  dir: string;
}

export class LoggedModelReader {
  private readonly metaCache = new FileCache<YamlMap | Error>(20_000);
  private readonly metricCache = new FileCache<Metric[]>(50_000);

  constructor(private readonly report: (p: Problem) => void) {}

  read(dir: string): LoggedModelEntry | undefined {
    const metaPath = path.join(dir, 'meta.yaml');
    const m = this.metaCache.get(metaPath, (t) => {
      try {
        return parseMetaYaml(t);
      } catch (e) {
        return e as Error;
      }
    });
    if (m === undefined) return undefined;
    if (m instanceof Error) {
      this.report({ path: metaPath, message: `Skipped logged model ${path.basename(dir)}: ${m.message.split('\n')[0]}` });
      return undefined;
    }
    const modelId = yamlStr(m.model_id) ?? path.basename(dir);
    const metrics: Metric[] = [];
    for (const [key, abs] of listKeyFiles(path.join(dir, 'metrics'))) {
      const pts = this.metricCache.get(abs, (text) => latestPerDataset(parseMetricHistory(text, { key, kind: 'model', modelId }).value));
      if (pts) metrics.push(...pts);
    }
    const model: LoggedModel = {
      info: {
        modelId,
        experimentId: yamlStr(m.experiment_id) ?? path.basename(path.dirname(path.dirname(dir))),
        name: yamlStr(m.name) ?? '',
        creationTimestampMs: yamlInt(m.creation_timestamp),
        lastUpdatedTimestampMs: yamlInt(m.last_updated_timestamp),
        artifactUri: yamlStr(m.artifact_location) ?? '',
        status: parseLoggedModelStatus(yamlStr(m.status) ?? 0),
        tags: readKeyValues(path.join(dir, 'tags')),
      },
      data: { params: readKeyValues(path.join(dir, 'params')), metrics },
    };
    const modelType = yamlStr(m.model_type);
    if (modelType !== undefined) model.info.modelType = modelType;
    const sourceRunId = yamlStr(m.source_run_id);
    if (sourceRunId !== undefined) model.info.sourceRunId = sourceRunId;
    const statusMessage = yamlStr(m.status_message);
    if (statusMessage !== undefined) model.info.statusMessage = statusMessage;
    model.info.lifecycleStage = parseLifecycle(m.lifecycle_stage);
    return { model, dir };
  }

  /** Logged models of one experiment folder. */
  list(expDir: string): LoggedModelEntry[] {
    const modelsDir = path.join(expDir, 'models');
    const out: LoggedModelEntry[] = [];
    for (const e of listDir(modelsDir)) {
      if (!e.name.startsWith('m-') || !direntIsDir(modelsDir, e)) continue;
      const x = this.read(path.join(modelsDir, e.name));
      if (x) out.push(x);
    }
    return out;
  }

  /** Finds a model by id among experiment folders. */
  find(modelId: string, expDirs: readonly string[]): LoggedModelEntry | undefined {
    if (!isSafeSegment(modelId)) return undefined;
    for (const d of expDirs) {
      const x = this.read(path.join(d, 'models', modelId));
      if (x) return x;
    }
    return undefined;
  }
}

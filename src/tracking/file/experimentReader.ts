// Experiments: `<root>/<id>/meta.yaml` + `tags/`; deleted ones are moved to `<root>/.trash/<id>/`.
import * as path from 'node:path';
import type { Experiment } from '../types';
import { parseLifecycle } from '../wire';
import { FileCache } from './fileCache';
import { direntIsDir, isSafeSegment, listDir, readKeyValues } from './fsUtil';
import { parseMetaYaml, yamlInt, yamlStr } from './metaYaml';
import type { Problem } from './runReader';

export const TRASH_FOLDER = '.trash';
export const REGISTRY_FOLDER = 'models';

export interface ExperimentEntry {
  experiment: Experiment;
  /** Its folder: `<root>/<id>` or `<root>/.trash/<id>`. */
  dir: string;
  trashed: boolean;
}

type Parsed = Omit<Experiment, 'tags'> | Error;

export class ExperimentReader {
  private readonly cache = new FileCache<Parsed>(10_000);

  constructor(
    private readonly root: string,
    private readonly report: (p: Problem) => void,
    private readonly clearProblem: (path: string) => void,
  ) {}

  get trashDir(): string {
    return path.join(this.root, TRASH_FOLDER);
  }

  /** The experiment in `dir`, or undefined when it is not an experiment folder. */
  read(dir: string, trashed: boolean, withTags = true): ExperimentEntry | undefined {
    const metaPath = path.join(dir, 'meta.yaml');
    const parsed = this.cache.get(metaPath, (text) => {
      try {
        const m = parseMetaYaml(text);
        const id = yamlStr(m.experiment_id) ?? path.basename(dir);
        if (yamlStr(m.name) === undefined) return new Error('meta.yaml has no name');
        return {
          experimentId: id,
          name: yamlStr(m.name) ?? '',
          artifactLocation: yamlStr(m.artifact_location) ?? '',
          lifecycleStage: parseLifecycle(m.lifecycle_stage),
          creationTime: yamlInt(m.creation_time),
          lastUpdateTime: yamlInt(m.last_update_time),
        };
      } catch (e) {
        return new Error(`meta.yaml is not valid YAML (${(e as Error).message.split('\n')[0]})`);
      }
    });
    if (parsed === undefined) return undefined;
    if (parsed instanceof Error) {
      this.report({ path: metaPath, message: `Skipped experiment folder ${path.basename(dir)}: ${parsed.message}.` });
      return undefined;
    }
    this.clearProblem(metaPath);
    const experiment: Experiment = { ...parsed, tags: withTags ? readKeyValues(path.join(dir, 'tags')) : [] };
    // a folder in .trash is deleted whatever its meta.yaml says
    if (trashed) experiment.lifecycleStage = 'deleted';
    return { experiment, dir, trashed };
  }

  /** Every experiment, active (root) first, then the trash. */
  list(withTags = true): ExperimentEntry[] {
    const out: ExperimentEntry[] = [];
    for (const [parent, trashed] of [
      [this.root, false],
      [this.trashDir, true],
    ] as const) {
      for (const e of listDir(parent)) {
        if (e.name.startsWith('.') || (!trashed && e.name === REGISTRY_FOLDER)) continue;
        if (!direntIsDir(parent, e)) continue;
        const x = this.read(path.join(parent, e.name), trashed, withTags);
        if (x) out.push(x);
      }
    }
    return out;
  }

  /** Folder of an experiment id (root first, then trash), without scanning. */
  find(experimentId: string): ExperimentEntry | undefined {
    if (!isSafeSegment(experimentId) || experimentId.startsWith('.') || experimentId === REGISTRY_FOLDER) return undefined;
    const a = this.read(path.join(this.root, experimentId), false);
    if (a) return a;
    const b = this.read(path.join(this.trashDir, experimentId), true);
    if (b) return b;
    // folders named differently from their id (hand-made stores)
    return this.list().find((x) => x.experiment.experimentId === experimentId);
  }
}

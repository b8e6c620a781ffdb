// Pure: arranges a flat list of runs into the nested-run tree MLflow records with mlflow.parentRunId.
import { PARENT_RUN_TAG, type Run } from '../tracking/types';

export interface RunForest {
  /** Runs with no loaded parent, in the order given. */
  roots: Run[];
  children: Map<string, Run[]>;
  parentOf: Map<string, string>;
  /** Parent ids that are referenced but not in the list (fetch them so their children find their place). */
  missingParents: Set<string>;
}

export function parentRunId(run: Run): string | undefined {
  const t = run.data.tags.find((x) => x.key === PARENT_RUN_TAG);
  return t && t.value && t.value !== run.info.runId ? t.value : undefined;
}

export function buildRunForest(runs: readonly Run[]): RunForest {
  const byId = new Map<string, Run>();
  for (const r of runs) if (!byId.has(r.info.runId)) byId.set(r.info.runId, r);
  const parentOf = new Map<string, string>();
  const missingParents = new Set<string>();
  for (const r of byId.values()) {
    const p = parentRunId(r);
    if (p === undefined) continue;
    if (byId.has(p)) parentOf.set(r.info.runId, p);
    else missingParents.add(p);
  }
  // A cycle (corrupt tags) would hide its runs: cut it where it closes.
  for (const id of [...parentOf.keys()]) {
    const seen = new Set<string>([id]);
    let cur = parentOf.get(id);
    while (cur !== undefined) {
      if (seen.has(cur)) {
        parentOf.delete(id);
        break;
      }
      seen.add(cur);
      cur = parentOf.get(cur);
    }
  }
  const roots: Run[] = [];
  const children = new Map<string, Run[]>();
  for (const r of byId.values()) {
    const p = parentOf.get(r.info.runId);
    if (p === undefined) roots.push(r);
    else {
      const list = children.get(p);
      if (list) list.push(r);
      else children.set(p, [r]);
    }
  }
  return { roots, children, parentOf, missingParents };
}

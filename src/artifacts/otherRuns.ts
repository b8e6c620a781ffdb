// Which runs hold an artifact at a given path (Compare with… offers only those).
import type { Run, TrackingStore } from '../tracking/types';

const PARALLEL = 8;

/** Splits runs by whether their artifacts contain `artifactPath` (a file); a run whose listing fails counts as without. */
export async function runsHoldingArtifact(store: TrackingStore, runs: readonly Run[], artifactPath: string): Promise<{ holding: Run[]; lacking: Run[] }> {
  const slash = artifactPath.lastIndexOf('/');
  const dir = slash < 0 ? undefined : artifactPath.slice(0, slash);
  const has = new Array<boolean>(runs.length).fill(false);
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      const run = runs[i];
      try {
        const files = await store.listArtifacts({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, dir);
        has[i] = files.some((f) => !f.isDir && f.path === artifactPath);
      } catch {
        has[i] = false;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, runs.length) }, worker));
  return { holding: runs.filter((_, i) => has[i]), lacking: runs.filter((_, i) => !has[i]) };
}

// Pure over a TrackingStore: where the files of a model URI live (runs:/, models:/<name>/<version|stage|latest>,
// models:/<name>@<alias>, models:/<model_id>, local paths; as MLflow resolves them in
// mlflow/store/artifact/models_artifact_repo.py and runs_artifact_repo.py), to read its MLmodel and input examples
// for "Send Test Request". No `vscode` import.
import * as path from 'node:path';
import { versionArtifactSource } from '../artifacts/modelUris';
import { registryEquals } from '../tracking/search/print';
import type { ArtifactOwner, ModelVersion, TrackingStore } from '../tracking/types';

export type ModelLocation =
  | { kind: 'artifacts'; owner: ArtifactOwner; path: string }
  | { kind: 'local'; dir: string };

export type ParsedModelUri =
  | { kind: 'loggedModel'; modelId: string }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'alias'; name: string; alias: string }
  | { kind: 'latest'; name: string; stage?: string }
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'local'; path: string }
  | { kind: 'other'; uri: string };

/** Splits a model URI into its parts (no store access). */
export function parseModelUri(uri: string): ParsedModelUri {
  const u = uri.trim();
  let m = /^models:\/(m-[0-9a-f]+)\/?$/i.exec(u);
  if (m) return { kind: 'loggedModel', modelId: m[1] };
  m = /^models:\/([^/@]+)@(.+)$/.exec(u);
  if (m) return { kind: 'alias', name: decodeURIComponent(m[1]), alias: m[2] };
  m = /^models:\/([^/]+)\/(\d+)\/?$/.exec(u);
  if (m) return { kind: 'version', name: decodeURIComponent(m[1]), version: m[2] };
  m = /^models:\/([^/]+)\/([^/]+)\/?$/.exec(u);
  if (m) return m[2].toLowerCase() === 'latest' ? { kind: 'latest', name: decodeURIComponent(m[1]) } : { kind: 'latest', name: decodeURIComponent(m[1]), stage: m[2] };
  m = /^runs:\/([^/]+)\/?(.*)$/.exec(u);
  if (m) return { kind: 'run', runId: m[1], path: m[2].replace(/^\/+|\/+$/g, '') };
  if (/^file:\/\//i.test(u)) {
    try {
      return { kind: 'local', path: decodeURIComponent(new URL(u).pathname.replace(/^\/([a-zA-Z]:)/, '$1')) };
    } catch {
      return { kind: 'other', uri: u };
    }
  }
  if (path.isAbsolute(u) || /^[a-zA-Z]:[\\/]/.test(u) || !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(u)) return { kind: 'local', path: u };
  return { kind: 'other', uri: u };
}

type Store = Pick<TrackingStore, 'getLoggedModel' | 'getModelVersion' | 'getModelVersionByAlias' | 'searchModelVersions' | 'getRun' | 'listArtifacts' | 'searchLoggedModels'>;

async function versionLocation(store: Store, v: ModelVersion): Promise<ModelLocation | undefined> {
  const src = versionArtifactSource(v);
  if (!src) return /^(\/|file:)/.test(v.source) ? { kind: 'local', dir: (parseModelUri(v.source) as { path: string }).path } : undefined;
  if (src.type === 'loggedModel') {
    const lm = await store.getLoggedModel(src.id);
    return { kind: 'artifacts', owner: { type: 'loggedModel', id: src.id, rootUri: lm.info.artifactUri }, path: '' };
  }
  const run = await store.getRun(src.id);
  return { kind: 'artifacts', owner: { type: 'run', id: src.id, rootUri: run.info.artifactUri }, path: src.path };
}

/**
 * The model's files for a URI, or undefined when they cannot be reached through the store (remote URIs).
 * `cwd` resolves relative local paths. Rejects with the store's errors (unknown model, version…).
 */
export async function locateModel(uri: string, store: Store | undefined, cwd?: string): Promise<ModelLocation | undefined> {
  const p = parseModelUri(uri);
  if (p.kind === 'local') return { kind: 'local', dir: cwd && !path.isAbsolute(p.path) ? path.resolve(cwd, p.path) : p.path };
  if (p.kind === 'other' || !store) return undefined;
  switch (p.kind) {
    case 'loggedModel': {
      const lm = await store.getLoggedModel(p.modelId);
      return { kind: 'artifacts', owner: { type: 'loggedModel', id: p.modelId, rootUri: lm.info.artifactUri }, path: '' };
    }
    case 'version':
      return versionLocation(store, await store.getModelVersion(p.name, p.version));
    case 'alias':
      return versionLocation(store, await store.getModelVersionByAlias(p.name, p.alias));
    case 'latest': {
      const filter = registryEquals('name', p.name);
      if (!filter) return undefined;
      const versions = (await store.searchModelVersions({ filter, maxResults: 1000 })).items.filter((v) => !p.stage || v.currentStage.toLowerCase() === p.stage.toLowerCase());
      const best = versions.sort((a, b) => Number(b.version) - Number(a.version))[0];
      return best ? versionLocation(store, best) : undefined;
    }
    case 'run': {
      const run = await store.getRun(p.runId);
      const owner: ArtifactOwner = { type: 'run', id: p.runId, rootUri: run.info.artifactUri };
      const files = await store.listArtifacts(owner, p.path).catch(() => []);
      if (files.some((f) => f.path.split('/').pop() === 'MLmodel')) return { kind: 'artifacts', owner, path: p.path };
      // MLflow 3: runs:/<id>/<name> also finds the run's logged model named <name>
      const [first, ...rest] = p.path.split('/');
      for (const out of run.outputs.modelOutputs) {
        const lm = await store.getLoggedModel(out.modelId).catch(() => undefined);
        if (lm && lm.info.name === first) return { kind: 'artifacts', owner: { type: 'loggedModel', id: lm.info.modelId, rootUri: lm.info.artifactUri }, path: rest.join('/') };
      }
      return { kind: 'artifacts', owner, path: p.path };
    }
  }
}

/** `dir/name` for artifact paths ('' dir = root). */
export function joinArtifactPath(dir: string, name: string): string {
  return dir ? `${dir.replace(/\/+$/, '')}/${name}` : name;
}

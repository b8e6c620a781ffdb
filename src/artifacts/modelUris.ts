// Pure: the model URIs (models:/<name>/<version>, models:/<name>@<alias>, models:/<model_id>, runs:/<run_id>/<path>,
// the schemes mlflow/store/artifact/utils/models.py parses) of registry versions, aliases, logged models and run
// artifact folders, for "Copy Model URI", Serve and Predict. No `vscode` import.
import type { ArtifactOwner, ModelVersion, RegisteredModel } from '../tracking/types';

export interface ModelUriChoice {
  uri: string;
  /** Why this URI: "version 2", "alias @champion", "logged model", "run artifact". */
  detail: string;
}

export const versionUri = (name: string, version: string): string => `models:/${name}/${version}`;
export const aliasUri = (name: string, alias: string): string => `models:/${name}@${alias}`;
export const loggedModelUri = (modelId: string): string => `models:/${modelId}`;

export function runArtifactModelUri(runId: string, path: string): string {
  const p = path.split('/').filter(Boolean).join('/');
  return `runs:/${runId}/${p}`;
}

/** The URI that loads the model in an artifact folder (the one holding MLmodel), or undefined. */
export function modelUriForFolder(owner: Pick<ArtifactOwner, 'type' | 'id'>, folder: string): string | undefined {
  const dir = folder.split('/').filter(Boolean).join('/');
  if (owner.type === 'loggedModel') return dir === '' ? loggedModelUri(owner.id) : undefined;
  return runArtifactModelUri(owner.id, dir);
}

/** The folder of an MLmodel file ('' at the root). */
export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The logged model behind a version: its model_id, else a `models:/m-…` source. */
export function versionModelId(v: Pick<ModelVersion, 'modelId' | 'source'>): string | undefined {
  if (v.modelId) return v.modelId;
  const m = /^models:\/(m-[0-9a-f]{32})\/?$/.exec(v.source);
  return m ? m[1] : undefined;
}

/** Where a version's files live: a logged model (3.x) or a folder of the source run (2.x). */
export function versionArtifactSource(v: Pick<ModelVersion, 'modelId' | 'source' | 'runId'>): { type: 'loggedModel'; id: string; path: '' } | { type: 'run'; id: string; path: string } | undefined {
  const modelId = versionModelId(v);
  if (modelId) return { type: 'loggedModel', id: modelId, path: '' };
  if (!v.runId) return undefined;
  const runs = /^runs:\/[^/]+\/(.*)$/.exec(v.source);
  if (runs) return { type: 'run', id: v.runId, path: runs[1].replace(/\/+$/, '') };
  // file:///…/<run>/artifacts/model, mlflow-artifacts:/1/<run>/artifacts/model, s3://…/<run>/artifacts/model
  const i = v.source.indexOf(`/${v.runId}/artifacts`);
  if (i >= 0) return { type: 'run', id: v.runId, path: v.source.slice(i + v.runId.length + '/artifacts'.length + 1).replace(/^\/+|\/+$/g, '') };
  return undefined;
}

export function versionUris(v: Pick<ModelVersion, 'name' | 'version' | 'aliases' | 'modelId' | 'source' | 'runId'>): ModelUriChoice[] {
  const out: ModelUriChoice[] = [{ uri: versionUri(v.name, v.version), detail: `version ${v.version}` }];
  for (const a of v.aliases) out.push({ uri: aliasUri(v.name, a), detail: `alias @${a}` });
  const src = versionArtifactSource(v);
  if (src?.type === 'loggedModel') out.push({ uri: loggedModelUri(src.id), detail: 'logged model' });
  else if (src?.type === 'run') out.push({ uri: runArtifactModelUri(src.id, src.path), detail: 'source run artifact' });
  return out;
}

export function registeredModelUris(m: Pick<RegisteredModel, 'name' | 'aliases' | 'latestVersions'>, versions: string[] = []): ModelUriChoice[] {
  const out: ModelUriChoice[] = [{ uri: `models:/${m.name}/latest`, detail: 'latest version' }];
  for (const a of m.aliases) out.push({ uri: aliasUri(m.name, a.alias), detail: `alias @${a.alias} → version ${a.version}` });
  const all = new Set([...versions, ...m.latestVersions.map((v) => v.version)]);
  for (const v of [...all].sort((a, b) => Number(b) - Number(a))) out.push({ uri: versionUri(m.name, v), detail: `version ${v}` });
  return out;
}

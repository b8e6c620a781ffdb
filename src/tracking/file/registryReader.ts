// The file model registry: `<root>/models/<name>/{meta.yaml, tags/, aliases/<alias>, version-<n>/{meta.yaml, tags/}}`.
import * as path from 'node:path';
import type { ModelVersion, ModelVersionStatus, RegisteredModel } from '../types';
import { modelIdFromSource } from '../wire';
import { FileCache, readSmallFile } from './fileCache';
import { compareCodePoints, direntIsDir, isSafeSegment, listDir, listKeyFiles, readKeyValues } from './fsUtil';
import { parseMetaYaml, yamlInt, yamlStr, type YamlMap } from './metaYaml';
import type { Problem } from './runReader';

export const DELETED_STAGE = 'Deleted_Internal';
const MV_STATUSES: readonly string[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];

export class RegistryReader {
  private readonly cache = new FileCache<YamlMap | Error>(20_000);

  constructor(private readonly root: string, private readonly report: (p: Problem) => void) {}

  get dir(): string {
    return path.join(this.root, 'models');
  }

  private yaml(p: string): YamlMap | undefined {
    const r = this.cache.get(p, (t) => {
      try {
        return parseMetaYaml(t);
      } catch (e) {
        return e as Error;
      }
    });
    if (r instanceof Error) {
      this.report({ path: p, message: `Unreadable registry file: ${r.message.split('\n')[0]}` });
      return undefined;
    }
    return r;
  }

  /** alias -> version, from aliases/ (authoritative) or the meta.yaml `aliases` map. */
  private aliases(modelDir: string, meta: YamlMap): { alias: string; version: string }[] {
    const out: { alias: string; version: string }[] = [];
    const files = listKeyFiles(path.join(modelDir, 'aliases'));
    if (files.length) {
      for (const [alias, abs] of files) {
        const v = readSmallFile(abs);
        if (v !== undefined) out.push({ alias, version: v.trim() });
      }
    } else if (meta.aliases && typeof meta.aliases === 'object' && !Array.isArray(meta.aliases)) {
      for (const [alias, v] of Object.entries(meta.aliases as Record<string, unknown>)) if (typeof v === 'string') out.push({ alias, version: v });
    }
    return out.sort((a, b) => compareCodePoints(a.alias, b.alias));
  }

  private version(dir: string, modelName: string, aliases: { alias: string; version: string }[]): ModelVersion | undefined {
    const m = this.yaml(path.join(dir, 'meta.yaml'));
    if (!m) return undefined;
    const version = yamlStr(m.version) ?? path.basename(dir).replace(/^version-/, '');
    const source = yamlStr(m.source) ?? '';
    const status = yamlStr(m.status);
    const mv: ModelVersion = {
      name: yamlStr(m.name) ?? modelName,
      version,
      creationTimestamp: yamlInt(m.creation_timestamp),
      lastUpdatedTimestamp: yamlInt(m.last_updated_timestamp),
      currentStage: yamlStr(m.current_stage) ?? 'None',
      source,
      status: (status && MV_STATUSES.includes(status) ? status : 'READY') as ModelVersionStatus,
      tags: readKeyValues(path.join(dir, 'tags')),
      aliases: aliases.filter((a) => a.version === version).map((a) => a.alias),
    };
    const userId = yamlStr(m.user_id);
    if (userId !== undefined) mv.userId = userId;
    const description = yamlStr(m.description);
    if (description !== undefined) mv.description = description;
    const runId = yamlStr(m.run_id);
    if (runId !== undefined) mv.runId = runId;
    const runLink = yamlStr(m.run_link);
    if (runLink !== undefined) mv.runLink = runLink;
    const statusMessage = yamlStr(m.status_message);
    if (statusMessage !== undefined) mv.statusMessage = statusMessage;
    const modelId = yamlStr(m.model_id) ?? modelIdFromSource(source);
    if (modelId !== undefined) mv.modelId = modelId;
    return mv;
  }

  /** Versions of one model folder, Deleted_Internal ones skipped, highest version first. */
  versionsIn(modelDir: string, modelName: string, meta?: YamlMap): ModelVersion[] {
    const aliases = this.aliases(modelDir, meta ?? this.yaml(path.join(modelDir, 'meta.yaml')) ?? {});
    const out: ModelVersion[] = [];
    for (const e of listDir(modelDir)) {
      if (!e.name.startsWith('version-') || !direntIsDir(modelDir, e)) continue;
      const mv = this.version(path.join(modelDir, e.name), modelName, aliases);
      if (mv && mv.currentStage !== DELETED_STAGE) out.push(mv);
    }
    return out.sort((a, b) => Number(b.version) - Number(a.version) || compareCodePoints(b.version, a.version));
  }

  /** The model in `modelDir`, or undefined when it is not a registered model folder. */
  readModel(modelDir: string): RegisteredModel | undefined {
    const meta = this.yaml(path.join(modelDir, 'meta.yaml'));
    if (!meta) return undefined;
    const name = yamlStr(meta.name) ?? path.basename(modelDir);
    const versions = this.versionsIn(modelDir, name, meta);
    // latest version per stage (MLflow: get_latest_versions over all stages), highest version first
    const perStage = new Map<string, ModelVersion>();
    for (const v of versions) {
      const cur = perStage.get(v.currentStage);
      if (!cur || Number(v.version) > Number(cur.version)) perStage.set(v.currentStage, v);
    }
    const rm: RegisteredModel = {
      name,
      creationTimestamp: yamlInt(meta.creation_timestamp),
      lastUpdatedTimestamp: yamlInt(meta.last_updated_timestamp),
      latestVersions: [...perStage.values()].sort((a, b) => Number(b.version) - Number(a.version)),
      tags: readKeyValues(path.join(modelDir, 'tags')),
      aliases: this.aliases(modelDir, meta),
    };
    const description = yamlStr(meta.description);
    if (description !== undefined) rm.description = description;
    return rm;
  }

  modelDir(name: string): string | undefined {
    return isSafeSegment(name) ? path.join(this.dir, name) : undefined;
  }

  listModels(): RegisteredModel[] {
    const out: RegisteredModel[] = [];
    for (const e of listDir(this.dir)) {
      if (e.name.startsWith('.') || !direntIsDir(this.dir, e)) continue;
      const m = this.readModel(path.join(this.dir, e.name));
      if (m) out.push(m);
    }
    return out;
  }

  getModel(name: string): RegisteredModel | undefined {
    const d = this.modelDir(name);
    return d ? this.readModel(d) : undefined;
  }

  listVersions(): ModelVersion[] {
    const out: ModelVersion[] = [];
    for (const e of listDir(this.dir)) {
      if (e.name.startsWith('.') || !direntIsDir(this.dir, e)) continue;
      const d = path.join(this.dir, e.name);
      const meta = this.yaml(path.join(d, 'meta.yaml'));
      if (!meta) continue;
      out.push(...this.versionsIn(d, yamlStr(meta.name) ?? e.name, meta));
    }
    return out;
  }

  getVersion(name: string, version: string): ModelVersion | undefined {
    const d = this.modelDir(name);
    if (!d || !/^\d+$/.test(version)) return undefined;
    const meta = this.yaml(path.join(d, 'meta.yaml'));
    if (!meta) return undefined;
    const mv = this.version(path.join(d, `version-${Number(version)}`), yamlStr(meta.name) ?? name, this.aliases(d, meta));
    return mv && mv.currentStage !== DELETED_STAGE ? mv : undefined;
  }

  /** Version number an alias points to; undefined when the model or alias does not exist. */
  aliasVersion(name: string, alias: string): string | undefined {
    const d = this.modelDir(name);
    if (!d) return undefined;
    const meta = this.yaml(path.join(d, 'meta.yaml'));
    if (!meta) return undefined;
    return this.aliases(d, meta).find((a) => a.alias === alias)?.version;
  }
}

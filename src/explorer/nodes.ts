import type { Connection } from '../connection/connection';
import type { TrackingError } from '../tracking/errors';
import type { ArtifactFile, ArtifactOwner, Experiment, Metric, Run, Tag } from '../tracking/types';

export type GroupKind = 'params' | 'metrics' | 'tags' | 'systemTags' | 'artifacts' | 'datasets';

interface Base {
  id: string;
  parent?: Node;
  conn: Connection;
}

export type Node =
  | (Base & { type: 'folder' })
  | (Base & { type: 'experiment'; experiment: Experiment })
  | (Base & { type: 'run'; run: Run; experiment: Experiment })
  | (Base & { type: 'group'; group: GroupKind; run: Run })
  | (Base & { type: 'param'; run: Run; item: Tag })
  | (Base & { type: 'metric'; run: Run; item: Metric; steps?: number })
  | (Base & { type: 'tag'; run: Run; item: Tag; system: boolean })
  | (Base & { type: 'dataset'; run: Run; label: string; detail: string })
  | (Base & { type: 'artifact'; owner: ArtifactOwner; file: ArtifactFile; run?: Run })
  | (Base & { type: 'loadMore'; experiment: Experiment })
  | (Base & { type: 'error'; error: TrackingError })
  | (Base & { type: 'message'; text: string; tooltip?: string })
  | (Base & { type: 'action'; text: string; icon: string; command: string; args?: unknown[] });

export type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;

export function isNode<T extends Node['type']>(n: unknown, type: T): n is NodeOf<T> {
  return typeof n === 'object' && n !== null && (n as Node).type === type;
}

/** The run a node belongs to, for commands invoked on any row under a run. */
export function runOf(n: Node | undefined): Run | undefined {
  if (!n) return undefined;
  if ('run' in n && n.run) return n.run;
  return undefined;
}

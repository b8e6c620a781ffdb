import * as vscode from 'vscode';
import type { Connection } from '../connection/connection';
import { TrackingError } from '../tracking/errors';
import type { ArtifactFile, ArtifactOwner, Run } from '../tracking/types';
import { artifactUri } from './artifactFileSystem';

/** An artifact row of either view (explorer `Node` or Models view `ModelNode`): the fields commands use. */
export interface ArtifactRef {
  type: 'artifact';
  conn: Connection;
  owner: ArtifactOwner;
  file: ArtifactFile;
  run?: Run;
  /** The model URI of the model this file belongs to, when the row knows it (registry versions). */
  modelUri?: string;
}

export function isArtifactRef(n: unknown): n is ArtifactRef {
  const r = n as ArtifactRef | undefined;
  return typeof r === 'object' && r !== null && r.type === 'artifact' && !!r.owner && !!r.file && !!r.conn;
}

export function requireArtifact(n: unknown): ArtifactRef {
  if (!isArtifactRef(n)) throw new TrackingError('invalidRequest', 'Select an artifact in the MLflow views first.');
  return n;
}

export function refUri(r: ArtifactRef, path = r.file.path): vscode.Uri {
  return artifactUri({ connKey: r.conn.key, ownerType: r.owner.type, ownerId: r.owner.id, path });
}

export function baseName(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

/** "metrics.json · baseline-logreg" for diff titles and messages. */
export function ownerLabel(r: ArtifactRef): string {
  if (r.owner.type === 'loggedModel') return r.owner.id;
  return r.run?.info.runName || r.owner.id.slice(0, 8);
}

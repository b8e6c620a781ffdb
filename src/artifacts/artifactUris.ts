// Pure: the mlflow-artifact: URIs that address one artifact of a run or logged model in one connection.
export const ARTIFACT_SCHEME = 'mlflow-artifact';

export interface ArtifactAddress {
  connKey: string;
  ownerType: 'run' | 'loggedModel';
  ownerId: string;
  /** Relative to the owner's artifact root, '/'-separated, '' for the root. */
  path: string;
}

export function artifactUriParts(a: ArtifactAddress): { scheme: string; path: string; query: string } {
  const rel = a.path.split('/').filter(Boolean).join('/');
  return {
    scheme: ARTIFACT_SCHEME,
    path: `/${a.ownerType}/${a.ownerId}${rel ? '/' + rel : ''}`,
    query: new URLSearchParams({ conn: a.connKey }).toString(),
  };
}

export function parseArtifactUri(path: string, query: string): ArtifactAddress | undefined {
  const m = /^\/(run|loggedModel)\/([^/]+)(?:\/(.*))?$/.exec(path);
  const connKey = new URLSearchParams(query).get('conn');
  if (!m || connKey === null) return undefined;
  return { connKey, ownerType: m[1] as ArtifactAddress['ownerType'], ownerId: m[2], path: m[3] ?? '' };
}

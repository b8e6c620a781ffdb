// Pure: how an artifact opens, by its name. No `vscode` import.

export type ArtifactKind = 'image' | 'table' | 'html' | 'markdown' | 'mlmodel' | 'text';

const IMAGE = /\.(png|jpe?g|jpe|gif|bmp|ico|webp|avif|svg)$/i;

export function artifactKind(path: string): ArtifactKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel') return 'mlmodel';
  if (IMAGE.test(name)) return 'image';
  if (/\.(csv|tsv|tab)$/i.test(name)) return 'table';
  if (/\.html?$/i.test(name)) return 'html';
  if (/\.(md|markdown)$/i.test(name)) return 'markdown';
  return 'text';
}

/** contextValue of an artifact row: artifactFile<Kind> / artifactDir, matched with viewItem =~ /^artifact/. */
export function artifactContextValue(path: string, isDir: boolean): string {
  if (isDir) return 'artifactDir';
  const k = artifactKind(path);
  return `artifactFile${k[0].toUpperCase()}${k.slice(1)}`;
}

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ARTIFACT_SCHEME } from './artifactUris';
import type { ArtifactResolver } from './artifactFileSystem';

/** The head of any file VS Code can read (artifacts stream only what is needed). */
export async function readHead(resolver: ArtifactResolver, uri: vscode.Uri, maxBytes: number): Promise<{ bytes: Uint8Array; partial: boolean; size?: number }> {
  if (uri.scheme === ARTIFACT_SCHEME) {
    const { store, owner, path } = await resolver.resolve(uri);
    const [head, size] = await Promise.all([resolver.readHead(uri, maxBytes), store.artifactSize(owner, path).catch(() => undefined)]);
    return { ...head, size: size ?? (head.partial ? undefined : head.bytes.byteLength) };
  }
  const size = (await vscode.workspace.fs.stat(uri)).size;
  if (size <= maxBytes) return { bytes: await vscode.workspace.fs.readFile(uri), partial: false, size };
  if (uri.scheme === 'file') {
    const fh = await fs.promises.open(uri.fsPath, 'r');
    try {
      const buf = Buffer.alloc(maxBytes);
      const { bytesRead } = await fh.read(buf, 0, maxBytes, 0);
      return { bytes: buf.subarray(0, bytesRead), partial: true, size };
    } finally {
      await fh.close();
    }
  }
  return { bytes: (await vscode.workspace.fs.readFile(uri)).subarray(0, maxBytes), partial: true, size };
}

export function fileName(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.split('/').pop() ?? uri.path);
}

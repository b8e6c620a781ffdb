import * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import { TrackingError, isTrackingError } from '../tracking/errors';
import type { ArtifactFile, ArtifactOwner, TrackingStore } from '../tracking/types';
import { ARTIFACT_SCHEME, artifactUriParts, parseArtifactUri, type ArtifactAddress } from './artifactUris';

const MAX_OPEN_BYTES = 50 * 1024 * 1024;

export function artifactUri(a: ArtifactAddress): vscode.Uri {
  return vscode.Uri.from(artifactUriParts(a));
}

export interface ResolvedArtifact {
  store: TrackingStore;
  owner: ArtifactOwner;
  path: string;
  address: ArtifactAddress;
}

/** Finds the store, owner (with its artifact root) and path an `mlflow-artifact:` URI names. */
export class ArtifactResolver {
  private readonly roots = new Map<string, string>();

  constructor(private readonly connections: Connections) {}

  async resolve(uri: vscode.Uri): Promise<ResolvedArtifact> {
    const a = parseArtifactUri(uri.path, uri.query);
    if (!a) throw vscode.FileSystemError.FileNotFound(uri);
    const conn = this.connections.get(a.connKey) ?? this.connections.all()[0];
    if (!conn) throw vscode.FileSystemError.Unavailable('No MLflow connection.');
    const store = await conn.store();
    const key = `${conn.key}|${store.uri}|${a.ownerType}|${a.ownerId}`;
    let rootUri = this.roots.get(key);
    if (rootUri === undefined) {
      rootUri = a.ownerType === 'run' ? (await store.getRun(a.ownerId)).info.artifactUri : (await store.getLoggedModel(a.ownerId)).info.artifactUri;
      this.roots.set(key, rootUri);
    }
    return { store, owner: { type: a.ownerType, id: a.ownerId, rootUri }, path: a.path, address: a };
  }

  /** The first `maxBytes` bytes of a file; `partial` when the file is longer. */
  async readHead(uri: vscode.Uri, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; partial: boolean }> {
    const { store, owner, path } = await this.resolve(uri);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let partial = false;
    const stream = await store.readArtifact(owner, path, { signal });
    for await (const chunk of stream) {
      if (total + chunk.byteLength > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - total));
        total = maxBytes;
        partial = true;
        break; // leaving the loop closes the stream
      }
      chunks.push(chunk);
      total += chunk.byteLength;
    }
    return { bytes: Buffer.concat(chunks), partial };
  }
}

/** Read-only files of runs and logged models, so VS Code's own editors, previews and diff open them. */
export class ArtifactFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly resolver: ArtifactResolver;

  constructor(connections: Connections) {
    this.resolver = new ArtifactResolver(connections);
  }

  static register(connections: Connections): vscode.Disposable {
    return vscode.workspace.registerFileSystemProvider(ARTIFACT_SCHEME, new ArtifactFileSystem(connections), { isReadonly: true, isCaseSensitive: true });
  }

  private resolve(uri: vscode.Uri): Promise<ResolvedArtifact> {
    return this.resolver.resolve(uri);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { store, owner, path } = await this.resolve(uri).catch(toFsError(uri));
    if (path === '') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const entry = await this.entry(store, owner, path).catch(toFsError(uri));
    if (!entry) throw vscode.FileSystemError.FileNotFound(uri);
    return {
      type: entry.isDir ? vscode.FileType.Directory : vscode.FileType.File,
      ctime: 0,
      mtime: 0,
      size: entry.fileSize ?? 0,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  private async entry(store: TrackingStore, owner: ArtifactOwner, path: string): Promise<ArtifactFile | undefined> {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const files = await store.listArtifacts(owner, dir);
    return files.find((f) => f.path === path) ?? files.find((f) => f.path.split('/').pop() === path.split('/').pop());
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { store, owner, path } = await this.resolve(uri).catch(toFsError(uri));
    const files = await store.listArtifacts(owner, path).catch(toFsError(uri));
    return files.map((f) => [f.path.split('/').pop() ?? f.path, f.isDir ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { store, owner, path } = await this.resolve(uri).catch(toFsError(uri));
    try {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of await store.readArtifact(owner, path)) {
        total += chunk.byteLength;
        if (total > MAX_OPEN_BYTES) {
          throw new TrackingError('unsupported', `${path} is larger than 50 MB; download it instead of opening it in an editor.`);
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } catch (e) {
      return toFsError(uri)(e);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

/**
 * Keeps "not found" a FileNotFound (editors rely on it) and turns other tracking errors into
 * FileSystemErrors whose message says what to do (e.g. the cloud-root hint: serve artifacts).
 */
function toFsError(uri: vscode.Uri): (e: unknown) => never {
  return (e: unknown) => {
    if (e instanceof vscode.FileSystemError) throw e;
    if (isTrackingError(e, 'notFound')) throw vscode.FileSystemError.FileNotFound(uri);
    if (isTrackingError(e)) throw vscode.FileSystemError.Unavailable(e.userMessage);
    throw e;
  };
}

import * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import { NOTE_TAG } from '../tracking/types';

export const NOTE_SCHEME = 'mlflow-note';

export function noteUri(connKey: string, runId: string, runName: string): vscode.Uri {
  const safe = runName.replace(/[\\/:*?"<>|]/g, '_').slice(0, 60) || runId;
  return vscode.Uri.from({ scheme: NOTE_SCHEME, path: `/${runId}/${safe} note.md`, query: new URLSearchParams({ conn: connKey }).toString() });
}

/** A number that changes when the bytes do (FNV-1a). */
function contentStamp(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** A run's note (the tag mlflow.note.content) as a markdown document: saving it sets the tag. */
export class NoteFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly connections: Connections, private readonly onSaved: () => void) {}

  private parse(uri: vscode.Uri): { runId: string; connKey: string } {
    const runId = uri.path.split('/')[1];
    const connKey = new URLSearchParams(uri.query).get('conn') ?? '';
    if (!/^[0-9a-f]{32}$/i.test(runId ?? '')) throw vscode.FileSystemError.FileNotFound(uri);
    return { runId, connKey };
  }

  private async store(connKey: string) {
    const conn = this.connections.get(connKey) ?? this.connections.all()[0];
    if (!conn) throw vscode.FileSystemError.Unavailable('No MLflow connection.');
    return conn.store();
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const text = await this.readFile(uri);
    // mtime must stay put while the note does: VS Code refuses to save over a file whose mtime moved
    // since it was opened ("the content of the file is newer"), so derive it from the content
    return { type: vscode.FileType.File, ctime: 0, mtime: contentStamp(text), size: text.byteLength };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { runId, connKey } = this.parse(uri);
    const run = await (await this.store(connKey)).getRun(runId);
    return Buffer.from(run.data.tags.find((t) => t.key === NOTE_TAG)?.value ?? '', 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { runId, connKey } = this.parse(uri);
    await (await this.store(connKey)).setRunTag(runId, NOTE_TAG, Buffer.from(content).toString('utf8'));
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    this.onSaved();
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

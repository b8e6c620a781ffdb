import * as vscode from 'vscode';
import { ContextKeys, type ConnectionStateName } from '../ids';
import { Connection, type ConnectionDeps } from './connection';

/** One Connection per workspace folder (multi-root), or one for the window without folders. */
export class Connections implements vscode.Disposable {
  private readonly map = new Map<string, Connection>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<Connection | undefined>();
  private readonly dataChanged = new vscode.EventEmitter<Connection>();
  private readonly overrides = new Map<string, string>();
  readonly onDidChange = this.changed.event;
  readonly onDidChangeData = this.dataChanged.event;
  private signInOffered = new Set<string>();

  constructor(private readonly deps: Omit<ConnectionDeps, 'override'>) {
    this.sync();
    this.subs.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.sync()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        for (const c of this.map.values()) {
          if (
            e.affectsConfiguration('mlflow.trackingUri', c.folder) ||
            e.affectsConfiguration('mlflow.tls', c.folder) ||
            e.affectsConfiguration('mlflow.requestTimeout', c.folder) ||
            e.affectsConfiguration('http.proxy')
          ) {
            // a tracking URI chosen now wins over one followed for a script in this window
            if (e.affectsConfiguration('mlflow.trackingUri', c.folder)) this.overrides.delete(c.key);
            void c.reconnect();
          }
        }
      }),
    );
  }

  all(): Connection[] {
    return [...this.map.values()];
  }

  get(key: string): Connection | undefined {
    return this.map.get(key);
  }

  /** The connection of the active editor's folder, else the first. */
  active(): Connection | undefined {
    const doc = vscode.window.activeTextEditor?.document.uri;
    const folder = doc && vscode.workspace.getWorkspaceFolder(doc);
    return (folder && this.map.get(folder.uri.toString())) ?? this.all()[0];
  }

  /** Uses `uri` for this connection in this window without touching settings. */
  setOverride(conn: Connection, uri: string | undefined): void {
    if (uri) this.overrides.set(conn.key, uri);
    else this.overrides.delete(conn.key);
  }

  /** The URI set by setOverride for this connection, if any. */
  overrideOf(conn: Connection): string | undefined {
    return this.overrides.get(conn.key);
  }

  aggregateState(): ConnectionStateName {
    const names = this.all().map((c) => c.state.name);
    if (names.includes('connected')) return 'connected';
    if (names.includes('connecting') || names.includes('idle')) return 'connecting';
    if (names.includes('error')) return 'error';
    return 'noStore';
  }

  private sync(): void {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const wanted = new Map<string, vscode.WorkspaceFolder | undefined>();
    if (folders.length === 0) wanted.set('window', undefined);
    for (const f of folders) wanted.set(f.uri.toString(), f);
    for (const [key, c] of this.map) {
      if (!wanted.has(key)) {
        c.dispose();
        this.map.delete(key);
      }
    }
    for (const [key, folder] of wanted) {
      if (this.map.has(key)) continue;
      const conn = new Connection(folder, { ...this.deps, override: () => this.overrides.get(key) });
      conn.onDidChangeState(() => this.onStateChange(conn));
      conn.onDidChangeData(() => this.dataChanged.fire(conn));
      this.map.set(key, conn);
    }
    this.changed.fire(undefined);
    this.updateContext();
  }

  private onStateChange(conn: Connection): void {
    this.updateContext();
    this.changed.fire(conn);
    const s = conn.state;
    // each new attempt (Retry, a changed setting, a reload) may offer it again
    if (s.name === 'connecting' && s.resolved) this.signInOffered.delete(s.resolved.uri);
    if (s.name === 'error' && s.error.kind === 'auth' && s.resolved?.kind === 'rest') {
      const uri = s.resolved.uri;
      if (this.signInOffered.has(uri)) return;
      this.signInOffered.add(uri);
      void this.offerSignIn(conn, uri, s.error.message);
    } else if (s.name === 'connected' && s.resolved) {
      this.signInOffered.delete(s.resolved.uri);
    }
  }

  private async offerSignIn(conn: Connection, uri: string, reason: string): Promise<void> {
    const pick = await vscode.window.showWarningMessage(`MLflow: ${reason}`, 'Sign In', 'Show Log');
    if (pick === 'Show Log') this.deps.log.show();
    if (pick === 'Sign In') await this.signIn(conn);
  }

  /**
   * Asks for credentials for the connection's tracking server (wherever its URI came from: settings.json,
   * MLFLOW_TRACKING_URI, .env), saves them in secret storage and reconnects. The user name of the saved (e.g.
   * just rejected) credentials is pre-filled. True when the connection then works.
   */
  async signIn(conn: Connection): Promise<boolean> {
    const r = conn.resolved;
    if (r?.kind !== 'rest') {
      void vscode.window.showInformationMessage(`MLflow: ${conn.label} is not connected to a tracking server, so there is nothing to sign in to.`);
      return false;
    }
    const s = conn.state;
    const reason = s.name === 'error' ? s.error.message : 'The tracking server asks for credentials.';
    const creds = await this.deps.credentials.prompt(r.uri, reason, await this.deps.credentials.get(r.uri));
    if (!creds) return false;
    await this.deps.credentials.set(r.uri, creds);
    await conn.reconnect();
    return conn.state.name === 'connected';
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', ContextKeys.state, this.aggregateState());
  }

  connectAll(): void {
    for (const c of this.map.values()) if (c.state.name === 'idle') void c.connect();
  }

  dispose(): void {
    for (const c of this.map.values()) c.dispose();
    this.map.clear();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
    this.dataChanged.dispose();
  }
}

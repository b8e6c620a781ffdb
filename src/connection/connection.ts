import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { readSettings, vscodeProxy } from '../config';
import { redact, type Log } from '../log';
import { toTrackingError } from '../core/errors';
import { TrackingError } from '../tracking/errors';
import { createTrackingStore } from '../tracking/index';
import type { TrackingStore } from '../tracking/types';
import { resolveLocalTrackingUri, type ResolvedUri } from '../tracking/uri';
import type { CredentialStore } from './credentials';

export type ConnectionState =
  | { name: 'idle' }
  | { name: 'noStore'; reason: string }
  | { name: 'connecting'; resolved?: ResolvedUri }
  | { name: 'connected'; resolved: ResolvedUri; store: TrackingStore }
  | { name: 'error'; resolved?: ResolvedUri; error: TrackingError };

export interface ConnectionDeps {
  log: Log;
  credentials: CredentialStore;
  wasmPath: string;
  /** A URI chosen in this session ("Set Tracking URI" with "this window only"), ahead of settings. */
  override?: () => string | undefined;
}

/** The tracking store of one workspace folder (or of the window when no folder is open). */
export class Connection implements vscode.Disposable {
  private stateValue: ConnectionState = { name: 'idle' };
  private pending?: Promise<void>;
  private unwatch?: () => void;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly dataChanged = new vscode.EventEmitter<void>();
  /** The connection state changed (connecting, connected, failed). */
  readonly onDidChangeState = this.changed.event;
  /** The store's data changed on disk. */
  readonly onDidChangeData = this.dataChanged.event;

  constructor(
    readonly folder: vscode.WorkspaceFolder | undefined,
    private readonly deps: ConnectionDeps,
  ) {}

  get key(): string {
    return this.folder?.uri.toString() ?? 'window';
  }

  get label(): string {
    return this.folder?.name ?? 'MLflow';
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get resolved(): ResolvedUri | undefined {
    const s = this.stateValue;
    return s.name === 'connected' || s.name === 'error' || s.name === 'connecting' ? s.resolved : undefined;
  }

  /** The connected store; connects first when needed. Rejects with the connection's error. */
  async store(): Promise<TrackingStore> {
    if (this.stateValue.name === 'idle') await this.connect();
    else if (this.pending) await this.pending;
    const s = this.stateValue;
    if (s.name === 'connected') return s.store;
    if (s.name === 'error') throw s.error;
    throw new TrackingError('notFound', s.name === 'noStore' ? s.reason : 'Not connected to an MLflow tracking store.');
  }

  connect(): Promise<void> {
    if (this.pending) return this.pending;
    this.pending = this.doConnect().finally(() => (this.pending = undefined));
    return this.pending;
  }

  async reconnect(): Promise<void> {
    if (this.pending) await this.pending;
    this.teardown();
    this.stateValue = { name: 'idle' };
    await this.connect();
  }

  private setState(s: ConnectionState): void {
    this.stateValue = s;
    this.changed.fire();
  }

  private resolve(): ResolvedUri | undefined {
    const settings = readSettings(this.folder?.uri);
    return resolveLocalTrackingUri(fs, {
      setting: this.deps.override?.() || settings.trackingUri || undefined,
      env: process.env,
      workspaceFolder: this.folder?.uri.scheme === 'file' ? this.folder.uri.fsPath : undefined,
    })?.resolved;
  }

  private async doConnect(): Promise<void> {
    this.teardown();
    let resolved: ResolvedUri | undefined;
    try {
      resolved = this.resolve();
    } catch (e) {
      const err = toTrackingError(e);
      this.deps.log.error(`[connection] ${this.label}: ${redact(err.message)}`);
      this.setState({ name: 'error', error: err });
      return;
    }
    if (!resolved) {
      this.setState({ name: 'noStore', reason: 'No MLflow tracking store was found in this workspace.' });
      return;
    }
    this.setState({ name: 'connecting', resolved });
    const log = this.deps.log;
    try {
      if (resolved.credentials) {
        await this.deps.credentials.set(resolved.uri, { type: 'basic', ...resolved.credentials });
        log.info(`[connection] moved the credentials in the tracking URI to secret storage for ${resolved.uri}`);
      }
      const store = await this.openStore(resolved);
      this.unwatch = store.onDidChange?.(() => this.dataChanged.fire());
      this.setState({ name: 'connected', resolved, store });
      log.info(`[connection] ${this.label}: connected to ${resolved.display} (${resolved.kind})`);
    } catch (e) {
      const err = toTrackingError(e);
      log.error(`[connection] ${this.label}: ${redact(err.userMessage)}`);
      this.setState({ name: 'error', resolved, error: err });
    }
  }

  private async openStore(resolved: ResolvedUri): Promise<TrackingStore> {
    const settings = readSettings(this.folder?.uri);
    const creds = resolved.kind === 'rest' ? await this.deps.credentials.get(resolved.uri) : undefined;
    const log = this.deps.log;
    const store = await createTrackingStore(resolved, {
      wasmPath: this.deps.wasmPath,
      rest: {
        auth: creds,
        timeoutMs: settings.requestTimeout * 1000,
        caFile: settings.caFile || undefined,
        insecure: settings.insecure,
        proxy: vscodeProxy(),
        log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => log[level](`[rest] ${redact(msg)}`),
      },
    });
    try {
      // A cheap call that proves the store answers (and that credentials are right).
      await store.searchExperiments({ maxResults: 1 });
    } catch (e) {
      store.dispose();
      throw e;
    }
    return store;
  }

  private teardown(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    const s = this.stateValue;
    if (s.name === 'connected') s.store.dispose();
  }

  dispose(): void {
    this.teardown();
    this.changed.dispose();
    this.dataChanged.dispose();
  }
}

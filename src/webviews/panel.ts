// What every MLflow webview panel shares: typed posting, boundary validation of incoming
// messages, the 'ready' handshake, a short message history (the extension-host tests read it
// through the controller the commands return), and disposal.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { parseWebviewMessage, type HostToWebview, type WebviewToHost } from './protocol';

export interface MessageRecord<In = WebviewToHost, Out = HostToWebview> {
  dir: 'toWebview' | 'fromWebview';
  type: string;
  at: number;
  /** The message itself (kept for the tests; typed arrays are the ones that were posted). */
  msg: In | Out;
}

type Notice = { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

const HISTORY = 200;

/**
 * `In`/`Out` are the panel's own message unions; `parse` validates what arrives (the run details
 * and plots panels share src/webviews/protocol.ts, other panels bring their own module).
 */
export abstract class PanelController<In extends { type: string } = WebviewToHost, Out extends { type: string } | Notice = HostToWebview> implements vscode.Disposable {
  /** The last messages both ways, newest last (bounded). */
  readonly history: MessageRecord<In, Out>[] = [];
  private readonly posted = new vscode.EventEmitter<Out>();
  private readonly received = new vscode.EventEmitter<In>();
  /** Fires after a message was posted to the webview. */
  readonly onDidPost = this.posted.event;
  /** Fires for every valid message from the webview. */
  readonly onDidReceive = this.received.event;
  protected readonly disposables: vscode.Disposable[] = [];
  private disposedFlag = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** performance of the last host work, for logs and tests: ms from 'ready' to the first data posted. */
  firstDataMs?: number;

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly log: Log,
    readonly tag: string,
    private readonly parse: (raw: unknown) => In | undefined = parseWebviewMessage as unknown as (raw: unknown) => In | undefined,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.visibilityChanged(panel.visible)),
    );
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  protected record(r: Omit<MessageRecord<In, Out>, 'at'>): void {
    this.history.push({ ...r, at: Date.now() });
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }

  async post(msg: Out): Promise<boolean> {
    if (this.disposedFlag) return false;
    this.record({ dir: 'toWebview', type: msg.type, msg });
    const ok = await this.panel.webview.postMessage(msg);
    this.posted.fire(msg);
    return ok;
  }

  private receive(raw: unknown): void {
    const msg = this.parse(raw);
    if (!msg) {
      const t = raw && typeof raw === 'object' && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : typeof raw;
      this.log.warn(`[${this.tag}] dropped a webview message of unknown shape (${t})`);
      return;
    }
    this.record({ dir: 'fromWebview', type: msg.type, msg });
    this.received.fire(msg);
    this.handle(msg).catch((e) => this.fail(e));
  }

  protected fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.log.error(`[${this.tag}] ${message}`);
    void this.post({ type: 'notice', level: 'error', message } as Out);
  }

  /** Every valid message from the webview; implementations switch exhaustively over msg.type. */
  protected abstract handle(msg: In): Promise<void>;

  protected visibilityChanged(_visible: boolean): void {
    // subclasses pause or resume polling
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.closed.fire();
    this.disposables.forEach((d) => d.dispose());
    this.posted.dispose();
    this.received.dispose();
    this.closed.dispose();
    this.panel.dispose();
  }
}

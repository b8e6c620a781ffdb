// The webview stack: every MLflow webview panel is a PanelController over its own message unions.
//
//   src/webviews/   panel.ts (this base), html.ts (CSP + nonce shell, webview options), escape.ts
//                   (the one HTML escaper), validate.ts (field checks, messageParser, isWebUrl),
//                   messages.ts (Message, NoticeMessage, unhandled), inspector.ts (test recording)
//   media/lib/      host.ts (the one typed acquireVsCodeApi: connectHost), dom.ts (h, append, …)
//
// Panels on it: src/plots (plotsPanel + protocol), src/runDetails (runDetailsPanel + protocol),
// src/artifacts (tableEditor + tableProtocol, modelPanel + modelProtocol).
//
// How to add a panel (e.g. src/runsTable/):
//   1. protocol.ts — `XToWebview` and `XFromWebview` unions, and
//      `export const parseXMessage = messageParser<XFromWebview>({ ready: { width: pos }, … })`.
//      No `vscode` import: media/ imports its types.
//   2. A host class `class XPanel extends PanelController<XToWebview, XFromWebview>`:
//      `super(panel, services, 'x', parseXMessage)`, `handle(msg)` switches over msg.type and ends
//      with `default: unhandled(msg)`, `errorMessage(text)` says what fail() posts. Create the
//      panel with `vscode.window.createWebviewPanel(viewType, title, column, webviewOptions(uri))`
//      and `panel.webview.html = webviewHtml(panel.webview, uri, 'x', title)`.
//   3. media/x.ts (+ media/x.css) — `const host = connectHost<XFromWebview, XToWebview>()`,
//      build DOM with media/lib/dom, `host.onMessage` switches exhaustively, then
//      `host.post({ type: 'ready', … })`. The host posts data only after 'ready'. Split a big
//      script into media/x/*.ts (every top-level media/*.ts is a bundle entry).
// Messages that fail validation are logged and dropped; handle() only ever sees valid ones.
// Tests follow a panel's messages through Services.webviewInspector (nothing is kept otherwise).
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { WebviewInspector } from './inspector';
import type { Message } from './messages';
import { deliverMessage } from './validate';

/** What a panel needs from the object graph (Services has both). */
export interface PanelDeps {
  log: Log;
  webviewInspector: WebviewInspector;
}

export abstract class PanelController<ToWebview extends Message = Message, FromWebview extends Message = Message> implements vscode.Disposable {
  protected readonly log: Log;
  private readonly inspector: WebviewInspector;
  protected readonly disposables: vscode.Disposable[] = [];
  private disposedFlag = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;
  /** ms from 'ready' to the first data posted, for logs and tests. */
  firstDataMs?: number;

  constructor(
    readonly panel: vscode.WebviewPanel,
    deps: PanelDeps,
    readonly tag: string,
    private readonly parse: (raw: unknown) => FromWebview | undefined,
  ) {
    this.log = deps.log;
    this.inspector = deps.webviewInspector;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.visibilityChanged(panel.visible)),
    );
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  async post(msg: ToWebview): Promise<boolean> {
    if (this.disposedFlag) return false;
    this.inspector.report(this, 'toWebview', msg);
    return this.panel.webview.postMessage(msg);
  }

  private receive(raw: unknown): void {
    deliverMessage(raw, this.parse, this.log, this.tag, (msg) => {
      this.inspector.report(this, 'fromWebview', msg);
      this.handle(msg).catch((e) => this.fail(e));
    });
  }

  /** Logs the error and shows it in the webview. */
  protected fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.log.error(`[${this.tag}] ${message}`);
    void this.post(this.errorMessage(message));
  }

  /** Every valid message from the webview; implementations switch exhaustively over msg.type. */
  protected abstract handle(msg: FromWebview): Promise<void>;

  /** The message that shows an error in this panel's webview. */
  protected abstract errorMessage(message: string): ToWebview;

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
    this.closed.dispose();
    this.panel.dispose();
  }
}

// The webview's side of the channel: the one typed acquireVsCodeApi declaration, typed posting,
// incoming messages and persisted state. Each media entry connects once with its panel's unions;
// only TYPES come from the protocol modules.
import type { Message } from '../../src/webviews/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface WebviewHost<ToHost extends Message, FromHost extends Message, State> {
  post(msg: ToHost): void;
  onMessage(handler: (msg: FromHost) => void): void;
  /** What setState kept before a reload, as far as it goes (the webview checks what it uses). */
  getState(): Partial<State> | undefined;
  setState(s: State): void;
}

let api: VsCodeApi | undefined;

/** The host connection of this webview; acquireVsCodeApi runs once, however often this is called. */
export function connectHost<ToHost extends Message, FromHost extends Message, State = never>(): WebviewHost<ToHost, FromHost, State> {
  const vscode = (api ??= acquireVsCodeApi());
  return {
    post: (msg) => vscode.postMessage(msg),
    onMessage(handler) {
      window.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as FromHost | undefined;
        if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
      });
    },
    getState() {
      const s = vscode.getState();
      return s && typeof s === 'object' ? (s as Partial<State>) : undefined;
    },
    setState: (s) => vscode.setState(s),
  };
}

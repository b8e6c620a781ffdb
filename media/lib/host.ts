// The webview's side of the channel: typed postMessage, incoming messages, persisted state.
// Only TYPES come from the protocol module.
import type { HostToWebview, PersistedState, WebviewToHost } from '../../src/webviews/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

export function onMessage(handler: (msg: HostToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as HostToWebview | undefined;
    if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
  });
}

export function getState(): Partial<PersistedState> | undefined {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as Partial<PersistedState>) : undefined;
}

export function setState(s: PersistedState): void {
  api.setState(s);
}

/** The same channel for a panel with its own message unions (Out: webview → host, In: host → webview). */
export function channel<Out extends { type: string }, In extends { type: string }, S>() {
  return {
    post: (msg: Out) => api.postMessage(msg),
    onMessage(handler: (msg: In) => void): void {
      window.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as In | undefined;
        if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
      });
    },
    getState: (): Partial<S> | undefined => {
      const s = api.getState();
      return s && typeof s === 'object' ? (s as Partial<S>) : undefined;
    },
    setState: (s: S) => api.setState(s),
  };
}

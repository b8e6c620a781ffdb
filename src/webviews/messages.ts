// Shapes every panel protocol shares. Type-only for media/; no `vscode` import.

/** Every message either way is an object with a string `type`. */
export interface Message {
  type: string;
}

/** A banner in the webview; an empty message removes it. */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Ends an exhaustive switch over a message union: a new message type that is not handled fails to compile. */
export function unhandled(x: never): never {
  throw new Error(`unhandled webview message: ${JSON.stringify(x)}`);
}

import * as vscode from 'vscode';

/** The one output channel, "MLflow". Components prefix their lines with [tag]. */
export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('MLflow', { log: true });
}

/** Removes user:password@ from URLs and bearer/basic values from a string before it is logged. */
export function redact(s: string): string {
  return s
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@')
    .replace(/(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi, '$1$2 ***');
}

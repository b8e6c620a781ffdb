import * as vscode from 'vscode';
import { toTrackingError } from './errors';
import { redact, type Log } from '../log';

export class CancelledByUser extends Error {}

/** Registers a command whose failures end in one message that says what to do, and a log line. */
export function registerCommand(log: Log, id: string, handler: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    const started = Date.now();
    try {
      return await handler(...args);
    } catch (e) {
      if (e instanceof CancelledByUser) return undefined;
      const err = toTrackingError(e);
      log.error(`[command] ${id} failed after ${Date.now() - started} ms: ${redact(err.userMessage)}`);
      const pick = await vscode.window.showErrorMessage(`MLflow: ${err.userMessage}`, 'Show Log');
      if (pick === 'Show Log') log.show();
      return undefined;
    }
  });
}

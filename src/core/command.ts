import * as vscode from 'vscode';
import { toTrackingError } from './errors';
import { redact, type Log } from '../log';
import type { Prompter } from './prompter';

/** Thrown by a step the user cancelled (Escape on a quick pick…): the command ends quietly. */
export class CancelledByUser extends Error {}

/** What a command needs to report its failures. */
export interface CommandDeps {
  log: Log;
  prompter: Prompter;
}

/** What the command returns when the user cancelled it or it failed (default: undefined). */
export interface Outcomes<R> {
  cancelled: R;
  failed: (message: string) => R;
}

/** Runs a command body: a failure ends in one message that says what to do (with Show Log) and a log line. */
export async function guard<R>(deps: CommandDeps, id: string, body: () => R | Promise<R>, outcomes?: Outcomes<R>): Promise<R | undefined> {
  const started = Date.now();
  try {
    return await body();
  } catch (e) {
    if (e instanceof CancelledByUser) return outcomes?.cancelled;
    const err = toTrackingError(e);
    deps.log.error(`[command] ${id} failed after ${Date.now() - started} ms: ${redact(err.userMessage)}`);
    void deps.prompter.notify('error', `MLflow: ${err.userMessage}`, { id: `${id}.error` }, 'Show Log').then((pick) => {
      if (pick === 'Show Log') deps.log.show();
    });
    return outcomes?.failed(err.userMessage);
  }
}

/** Registers a command run through guard(). */
export function registerCommand<A extends unknown[], R>(deps: CommandDeps, id: string, handler: (...args: A) => R | Promise<R>, outcomes?: Outcomes<R>): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => guard(deps, id, () => handler(...args), outcomes));
}

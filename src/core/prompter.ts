// Every question the model commands ask goes through a Prompter, so extension-host tests can answer them
// (they set a scripted prompter on globalThis under TEST_PROMPTER; see test/vscode/modelCommands.test.ts).
// Each prompt carries an `id` naming the step ("serve.form", "gc.confirm"…).
import * as vscode from 'vscode';

export interface PickOptions extends vscode.QuickPickOptions {
  id: string;
}

export interface Prompter {
  pick<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T[] | undefined>;
  input(opts: vscode.InputBoxOptions & { id: string }): Thenable<string | undefined>;
  /** A modal warning (confirmation); the chosen action or undefined (cancel). */
  confirm(message: string, opts: { id: string; detail?: string }, ...actions: string[]): Thenable<string | undefined>;
  open(opts: vscode.OpenDialogOptions & { id: string }): Thenable<vscode.Uri[] | undefined>;
  /** Non-modal notifications (info / error) with buttons. */
  notify(kind: 'info' | 'warning' | 'error', message: string, opts: { id: string }, ...actions: string[]): Thenable<string | undefined>;
}

export const TEST_PROMPTER = Symbol.for('mlflow.models.testPrompter');

const real: Prompter = {
  pick: (items, opts) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts }),
  pickMany: (items, opts) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts, canPickMany: true }),
  input: (opts) => vscode.window.showInputBox({ ignoreFocusOut: true, ...opts }),
  confirm: (message, opts, ...actions) => vscode.window.showWarningMessage(message, { modal: true, detail: opts.detail }, ...actions),
  open: (opts) => vscode.window.showOpenDialog(opts),
  notify: (kind, message, _opts, ...actions) =>
    kind === 'error' ? vscode.window.showErrorMessage(message, ...actions) : kind === 'warning' ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showInformationMessage(message, ...actions),
};

/** The prompter in effect: a test's scripted one (methods it lacks fall back to the real UI), else the real UI. */
export function prompter(): Prompter {
  const t = (globalThis as Record<symbol, Partial<Prompter> | undefined>)[TEST_PROMPTER];
  if (!t) return real;
  return {
    pick: (i, o) => (t.pick ? t.pick(i, o) : real.pick(i, o)),
    pickMany: (i, o) => (t.pickMany ? t.pickMany(i, o) : real.pickMany(i, o)),
    input: (o) => (t.input ? t.input(o) : real.input(o)),
    confirm: (m, o, ...a) => (t.confirm ? t.confirm(m, o, ...a) : real.confirm(m, o, ...a)),
    open: (o) => (t.open ? t.open(o) : real.open(o)),
    notify: (k, m, o, ...a) => (t.notify ? t.notify(k, m, o, ...a) : real.notify(k, m, o, ...a)),
  };
}

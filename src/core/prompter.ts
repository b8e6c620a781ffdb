// Every question the commands ask goes through the Prompter in Services, so extension-host tests can answer
// them: they call services.prompter.override(scripted) (see test/vscode/modelCommands.test.ts).
// Each prompt carries an `id` naming the step ("serve.form", "gc.confirm"…).
import * as vscode from 'vscode';

export interface PickOptions extends vscode.QuickPickOptions {
  id: string;
}

export interface Prompts {
  pick<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T[] | undefined>;
  input(opts: vscode.InputBoxOptions & { id: string }): Thenable<string | undefined>;
  /** A modal warning (confirmation); the chosen action or undefined (cancel). */
  confirm(message: string, opts: { id: string; detail?: string }, ...actions: string[]): Thenable<string | undefined>;
  open(opts: vscode.OpenDialogOptions & { id: string }): Thenable<vscode.Uri[] | undefined>;
  /** Non-modal notifications (info / error) with buttons. */
  notify(kind: 'info' | 'warning' | 'error', message: string, opts: { id: string }, ...actions: string[]): Thenable<string | undefined>;
}

const real: Prompts = {
  pick: (items, opts) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts }),
  pickMany: (items, opts) => vscode.window.showQuickPick(items, { ignoreFocusOut: true, ...opts, canPickMany: true }),
  input: (opts) => vscode.window.showInputBox({ ignoreFocusOut: true, ...opts }),
  confirm: (message, opts, ...actions) => vscode.window.showWarningMessage(message, { modal: true, detail: opts.detail }, ...actions),
  open: (opts) => vscode.window.showOpenDialog(opts),
  notify: (kind, message, _opts, ...actions) =>
    kind === 'error' ? vscode.window.showErrorMessage(message, ...actions) : kind === 'warning' ? vscode.window.showWarningMessage(message, ...actions) : vscode.window.showInformationMessage(message, ...actions),
};

/** The real UI, unless a test has put scripted answers in front of it (methods they lack fall back to the real UI). */
export class Prompter implements Prompts {
  private scripted: Partial<Prompts> = {};

  /** Answers prompts with `scripted` until the returned Disposable is disposed. */
  override(scripted: Partial<Prompts>): vscode.Disposable {
    this.scripted = scripted;
    return new vscode.Disposable(() => {
      if (this.scripted === scripted) this.scripted = {};
    });
  }

  pick<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T | undefined> {
    const s = this.scripted;
    return s.pick ? s.pick(items, opts) : real.pick(items, opts);
  }
  pickMany<T extends vscode.QuickPickItem>(items: T[] | Thenable<T[]>, opts: PickOptions): Thenable<T[] | undefined> {
    const s = this.scripted;
    return s.pickMany ? s.pickMany(items, opts) : real.pickMany(items, opts);
  }
  input(opts: vscode.InputBoxOptions & { id: string }): Thenable<string | undefined> {
    const s = this.scripted;
    return s.input ? s.input(opts) : real.input(opts);
  }
  confirm(message: string, opts: { id: string; detail?: string }, ...actions: string[]): Thenable<string | undefined> {
    const s = this.scripted;
    return s.confirm ? s.confirm(message, opts, ...actions) : real.confirm(message, opts, ...actions);
  }
  open(opts: vscode.OpenDialogOptions & { id: string }): Thenable<vscode.Uri[] | undefined> {
    const s = this.scripted;
    return s.open ? s.open(opts) : real.open(opts);
  }
  notify(kind: 'info' | 'warning' | 'error', message: string, opts: { id: string }, ...actions: string[]): Thenable<string | undefined> {
    const s = this.scripted;
    return s.notify ? s.notify(kind, message, opts, ...actions) : real.notify(kind, message, opts, ...actions);
  }
}

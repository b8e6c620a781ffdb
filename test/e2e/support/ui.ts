// Answers to the extension's prompts, the way the test/vscode suites give them: vscode.window's
// input box, quick pick and message functions replaced for one step, then restored.
import * as assert from 'assert';
import * as vscode from 'vscode';

type WindowFn = 'showWarningMessage' | 'showErrorMessage' | 'showInformationMessage' | 'showQuickPick' | 'showInputBox';

export interface Prompts {
  /** Answers for showInputBox, in order (undefined = Escape). */
  inputs?: (string | undefined)[];
  /** The button clicked in warning messages (e.g. 'Delete', 'Sign In'), or a function of the message. */
  warning?: string | ((message: string, buttons: string[]) => string | undefined);
  /** Picks an item of showQuickPick. */
  pick?: (items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined;
}

export interface Seen {
  /** Input box options in the order asked. */
  inputs: vscode.InputBoxOptions[];
  /** Messages shown (warnings, errors, information), with their buttons. */
  messages: { level: string; text: string; buttons: string[] }[];
  /** Quick-pick titles. */
  picks: string[];
}

/** Replaces the prompts until the returned restore() is called. */
export function answer(p: Prompts): { seen: Seen; restore(): void } {
  const w = vscode.window as unknown as Record<string, unknown>;
  const seen: Seen = { inputs: [], messages: [], picks: [] };
  const inputs = [...(p.inputs ?? [])];
  const originals = new Map<WindowFn, unknown>();
  const put = (name: WindowFn, fn: (...a: unknown[]) => unknown) => {
    originals.set(name, w[name]);
    w[name] = fn;
    assert.strictEqual(w[name], fn, `vscode.window.${name} could not be replaced`);
  };
  const buttonsOf = (rest: unknown[]) => rest.filter((x): x is string => typeof x === 'string');
  put('showInputBox', async (opts: unknown) => {
    seen.inputs.push((opts ?? {}));
    assert.ok(inputs.length, `unexpected input box: ${JSON.stringify((opts as vscode.InputBoxOptions)?.title)}`);
    return inputs.shift();
  });
  put('showQuickPick', async (items: unknown, opts: unknown) => {
    seen.picks.push(String((opts as vscode.QuickPickOptions | undefined)?.title ?? ''));
    return p.pick?.((await items) as vscode.QuickPickItem[]);
  });
  put('showWarningMessage', async (msg: unknown, ...rest: unknown[]) => {
    const buttons = buttonsOf(rest);
    seen.messages.push({ level: 'warning', text: String(msg), buttons });
    const a = typeof p.warning === 'function' ? p.warning(String(msg), buttons) : p.warning;
    return a && buttons.includes(a) ? a : undefined;
  });
  for (const level of ['showErrorMessage', 'showInformationMessage'] as const) {
    put(level, async (msg: unknown, ...rest: unknown[]) => void seen.messages.push({ level, text: String(msg), buttons: buttonsOf(rest) }));
  }
  return {
    seen,
    restore() {
      for (const [name, fn] of originals) w[name] = fn;
      originals.clear();
    },
  };
}

/** Runs fn with the prompts answered; returns what was asked and shown. */
export async function withPrompts<T>(p: Prompts, fn: () => Thenable<T> | Promise<T>): Promise<{ result: T; seen: Seen }> {
  const a = answer(p);
  try {
    return { result: await fn(), seen: a.seen };
  } finally {
    a.restore();
  }
}

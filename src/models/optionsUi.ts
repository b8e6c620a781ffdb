// The options step of every model command: one quick pick that lists the common options with their values
// (and, after "More options…", every other option of the detected MLflow version, from src/cli/options.ts).
// Choosing a row edits that option; the first row runs the command. Driven through the Prompter.
import * as vscode from 'vscode';
import type { BuildResult, CliCommand } from '../cli/commands';
import { CommandId, OptionSpec, findOption, resolveSpec } from '../cli/options';
import { detectShellKind, tryQuoteForShell } from '../cli/quote';
import type { MlflowVersion } from '../cli/version';
import { majorOf } from '../cli/version';
import { FormValues, OptionValues, editKind, formRows, formatValue, hiddenCount, pairsOf, parsePair, parseText, pickChoices } from './optionForm';
import type { Prompter } from '../core/prompter';

export interface FormExtra {
  id: string;
  label: string;
  description?: string;
  detail?: string;
}

/** What editing an option needs: the form's values are edited in place. */
export interface EditedForm {
  id: string;
  command: CommandId;
  values: OptionValues;
  version?: MlflowVersion;
}

export interface FormSpec<C extends CommandId> extends EditedForm {
  command: C;
  title: string;
  runLabel: string;
  values: FormValues<C>;
  /** Shown instead of "default: …" for options the command fills in itself. */
  autoText?: Record<string, string>;
  /** Rows above the options (the model, the input file…): choosing one returns its id. */
  extras?: FormExtra[];
  /** Builds the command for the current values (live errors/warnings, Copy Command Line). */
  build: (values: FormValues<C>) => BuildResult;
}

type Item = vscode.QuickPickItem & { id: string };

const RUN = 'run';
const MORE = 'more';
const COPY = 'copy';

export type FormResult = { action: 'run' } | { action: 'extra'; id: string } | undefined;

/** Shows the form until the user runs the command, picks an extra row, or cancels. Edits `spec.values` in place. */
export async function showOptionsForm<C extends CommandId>(ui: Prompter, spec: FormSpec<C>): Promise<FormResult> {
  let showAll = false;
  for (;;) {
    const built = spec.build(spec.values);
    const problems = built.ok ? built.warnings.filter((w) => w.severity === 'warning') : built.errors;
    const items: Item[] = [
      {
        id: RUN,
        label: `$(play) ${spec.runLabel}`,
        description: built.ok ? (problems.length ? `$(warning) ${problems[0].message}` : '') : `$(error) ${built.errors[0].message}`,
        alwaysShow: true,
      },
    ];
    for (const e of spec.extras ?? []) items.push({ id: `extra:${e.id}`, label: e.label, description: e.description, detail: e.detail });
    items.push({ id: 'sep', label: showAll ? 'All options' : 'Options', kind: vscode.QuickPickItemKind.Separator });
    for (const row of formRows(spec.command, spec.values, { version: spec.version, showAll, autoText: spec.autoText })) {
      const about = [...(built.ok ? built.warnings : [...built.errors, ...built.warnings])].filter((i) => i.option === row.key).map((i) => `${i.severity === 'error' ? '$(error)' : i.severity === 'warning' ? '$(warning)' : '$(info)'} ${i.message}`);
      items.push({ id: `opt:${row.key}`, label: row.label, description: row.set ? `= ${row.description}` : row.description, detail: about.length ? about.join(' ') : row.detail });
    }
    const hidden = hiddenCount(spec.command, spec.values, spec.version);
    if (!showAll && hidden > 0) items.push({ id: MORE, label: '$(ellipsis) More options…', description: `${hidden} more option${hidden > 1 ? 's' : ''} of mlflow ${spec.command === 'gc' || spec.command === 'ui' ? '' : 'models '}${spec.command}` });
    if (built.ok) items.push({ id: COPY, label: '$(copy) Copy Command Line', description: 'for your default shell (the tracking URI and credentials are not in it)' });
    const pick = await ui.pick(items, { id: spec.id, title: spec.title, placeHolder: 'Enter runs it; choose an option to change it', matchOnDescription: true });
    if (!pick) return undefined;
    if (pick.id === RUN) {
      if (!built.ok) {
        await ui.notify('error', `MLflow: ${built.errors.map((e) => e.message).join(' ')}`, { id: `${spec.id}.invalid` });
        continue;
      }
      return { action: 'run' };
    }
    if (pick.id === MORE) {
      showAll = true;
      continue;
    }
    if (pick.id === COPY && built.ok) {
      await copyCommandLine(ui, built.command);
      continue;
    }
    if (pick.id.startsWith('extra:')) return { action: 'extra', id: pick.id.slice('extra:'.length) };
    if (pick.id.startsWith('opt:')) await editOption(ui, spec, pick.id.slice(4));
  }
}

/** Edits one option in place. */
export async function editOption(ui: Prompter, spec: EditedForm, key: string): Promise<void> {
  const base = findOption(spec.command, key);
  if (!base) return;
  const s = resolveSpec(base, spec.version ? majorOf(spec.version) : 'v3');
  const current = spec.values[key];
  const id = `${spec.id}.${key}`;
  switch (editKind(s)) {
    case 'toggle':
      spec.values[key] = current === true ? undefined : true;
      return;
    case 'pick': {
      const choices = pickChoices(s, spec.version).map((c) => ({ ...c, label: c.label, picked: c.value === current }));
      const pick = await ui.pick(choices, { id, title: `${s.long}`, placeHolder: s.help });
      if (pick) spec.values[key] = pick.value;
      return;
    }
    case 'pairs':
      await editPairs(ui, spec, s, id);
      return;
    case 'text': {
      if (s.kind === 'path') {
        const how = await ui.pick(
          [
            { label: '$(folder-opened) Browse…', id: 'browse' },
            { label: '$(edit) Type a path…', id: 'type' },
            { label: '$(clear-all) Not set', id: 'clear', description: `default: ${s.defaultText ?? 'not set'}` },
          ],
          { id: `${id}.how`, title: s.long, placeHolder: s.help },
        );
        if (!how) return;
        if (how.id === 'clear') {
          spec.values[key] = undefined;
          return;
        }
        if (how.id === 'browse') {
          const folderish = /directory|home/i.test(s.key);
          const uris = await ui.open({ id: `${id}.browse`, canSelectFiles: !folderish, canSelectFolders: folderish, canSelectMany: false, title: s.long, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
          if (uris?.[0]) spec.values[key] = uris[0].fsPath;
          return;
        }
      }
      const text = await ui.input({
        id,
        title: s.long,
        prompt: `${s.help}${s.caution ? ` ⚠ ${s.caution}` : ''} Empty: not set.`,
        value: formatValue(s, current),
        placeHolder: s.placeholder ?? (s.default !== undefined ? `default: ${String(s.default)}` : s.defaultText),
        validateInput: (t) => parseText(s, t, spec.version).error,
      });
      if (text === undefined) return;
      spec.values[key] = parseText(s, text, spec.version).value;
      return;
    }
  }
}

async function editPairs(ui: Prompter, spec: EditedForm, s: OptionSpec, id: string): Promise<void> {
  for (;;) {
    const pairs = pairsOf(spec.values[s.key]);
    const items = [
      { label: '$(add) Add KEY=VALUE…', key: '' },
      ...Object.entries(pairs).map(([k, v]) => ({ label: `${k}=${v}`, description: 'remove', key: k })),
    ];
    const pick = await ui.pick(items, { id, title: s.long, placeHolder: s.help });
    if (!pick) return;
    if (pick.key) {
      delete pairs[pick.key];
      spec.values[s.key] = Object.keys(pairs).length ? pairs : undefined;
      continue;
    }
    const text = await ui.input({ id: `${id}.add`, title: `${s.long}: KEY=VALUE`, validateInput: (t) => parsePair(s, t, pairs).error });
    if (text === undefined) continue;
    const p = parsePair(s, text, pairs);
    if (p.key !== undefined) spec.values[s.key] = { ...pairs, [p.key]: p.value ?? '' };
  }
}

/** Copies the argv as one line for the user's default shell (quote.ts); the environment is not in it. */
export async function copyCommandLine(ui: Prompter, cmd: CliCommand): Promise<string | undefined> {
  const shell = detectShellKind(vscode.env.shell) ?? (process.platform === 'win32' ? 'pwsh' : 'bash');
  const q = tryQuoteForShell([cmd.executable, ...cmd.args], shell);
  if ('error' in q) {
    await ui.notify('error', `MLflow: cannot write this command for ${shell}: ${q.error}`, { id: 'copy.failed' });
    return undefined;
  }
  await vscode.env.clipboard.writeText(q.line);
  const vars = Object.keys(cmd.env);
  vscode.window.setStatusBarMessage(`$(copy) Copied the ${shell} command line${vars.length ? `; set ${vars.join(', ')} before running it` : ''}`, 6000);
  return q.line;
}

// Pure: the rows of the "options" quick input of a model command, built from src/cli/options.ts, and the
// conversions between what the user types and builder values. No `vscode` import.
import type { BuildDockerOptions, GcOptions, GenerateDockerfileOptions, PredictOptions, ServeOptions, ServerOptions } from '../cli/commands';
import { CommandId, OptionSpec, OptionValue, checkOptionValue, choicesFor, isUnset, optionsFor } from '../cli/options';
import type { MlflowVersion } from '../cli/version';

/** Option values by builder key, as remembered, passed in a command argument or edited in a form. */
export type OptionValues = { [key: string]: unknown };

/** What each command's form edits: its builder's options, less the model its own steps ask for. */
export interface FormOptions {
  serve: Omit<ServeOptions, 'modelUri'>;
  predict: Omit<PredictOptions, 'modelUri'>;
  'build-docker': Omit<BuildDockerOptions, 'modelUri'>;
  'generate-dockerfile': Omit<GenerateDockerfileOptions, 'modelUri'>;
  gc: GcOptions;
  server: ServerOptions;
  ui: ServerOptions;
}

/**
 * A command's form values: typed by its builder. Keys the builder does not know may be there too (from a
 * command argument or an older version's remembered options); the builder reports them.
 */
export type FormValues<C extends CommandId> = FormOptions[C] & OptionValues;

/** Options the form never shows: asked for by the command's own steps (model, input file…). */
export const ASKED_SEPARATELY: Readonly<Record<CommandId, readonly string[]>> = {
  serve: ['modelUri'],
  predict: ['modelUri', 'inputPath'],
  'build-docker': ['modelUri'],
  'generate-dockerfile': ['modelUri'],
  gc: ['runIds', 'experimentIds'],
  server: [],
  ui: ['backendStoreUri'],
};

/** Options remembered per workspace (not the model, not files, not ids). */
export function rememberable(command: CommandId, values: OptionValues): OptionValues {
  const skip = new Set([...ASKED_SEPARATELY[command], 'modelUri', 'inputPath', 'outputPath', 'runIds', 'experimentIds', 'port']);
  const out: OptionValues = {};
  for (const [k, v] of Object.entries(values)) if (!skip.has(k) && !isUnset(v)) out[k] = v;
  return out;
}

/** Keeps only keys the command knows (remembered state from an older version may hold others). */
export function knownOptions(command: CommandId, values: OptionValues | undefined, version?: MlflowVersion): OptionValues {
  if (!values) return {};
  const specs = optionsFor(command, version ?? 'v3');
  const out: OptionValues = {};
  for (const s of specs) if (s.key in values && !isUnset(values[s.key])) out[s.key] = values[s.key];
  return out;
}

/** A value as the form shows it. */
export function formatValue(spec: OptionSpec, value: unknown): string {
  if (isUnset(value)) return '';
  switch (spec.kind) {
    case 'flag':
      return value === true ? 'on' : 'off';
    case 'tri-state':
      return value === true ? 'on' : value === false ? 'off' : '';
    case 'list':
      return Array.isArray(value) ? value.join(',') : String(value);
    case 'key-value':
      if (Array.isArray(value)) return value.join(' ');
      return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(' ');
    default:
      return String(value);
  }
}

/** What MLflow does when the option is not given. */
export function defaultText(spec: OptionSpec): string {
  if (spec.defaultText) return spec.defaultText;
  if (spec.default === undefined) return 'not set';
  if (typeof spec.default === 'boolean') return spec.default ? 'on' : 'off';
  return String(spec.default);
}

export interface FormRow {
  key: string;
  /** `--port` */
  label: string;
  /** Current value, or "default: …". */
  description: string;
  detail: string;
  set: boolean;
  common: boolean;
}

/**
 * Rows for the form: the common options first, then (showAll) every other option the version has.
 * `overrides` gives display text for values the command fills in itself (e.g. "free port").
 */
export function formRows(command: CommandId, values: OptionValues, opts: { version?: MlflowVersion; showAll?: boolean; autoText?: Record<string, string> } = {}): FormRow[] {
  const specs = optionsFor(command, opts.version ?? 'v3').filter((s) => !ASKED_SEPARATELY[command].includes(s.key));
  const rows: FormRow[] = [];
  for (const s of specs) {
    const v = values[s.key];
    const set = !isUnset(v);
    if (!s.common && !opts.showAll && !set) continue;
    const auto = opts.autoText?.[s.key];
    const description = set ? formatValue(s, v) : auto ?? `default: ${defaultText(s)}`;
    rows.push({ key: s.key, label: s.long, description, detail: s.caution ? `${s.help} ⚠ ${s.caution}` : s.help, set, common: s.common });
  }
  return rows.sort((a, b) => Number(b.common) - Number(a.common));
}

/** Number of options hidden behind "More options…". */
export function hiddenCount(command: CommandId, values: OptionValues, version?: MlflowVersion): number {
  return optionsFor(command, version ?? 'v3').filter((s) => !ASKED_SEPARATELY[command].includes(s.key) && !s.common && isUnset(values[s.key])).length;
}

export type EditKind = 'toggle' | 'pick' | 'text' | 'pairs';

/** How the form edits an option. */
export function editKind(spec: OptionSpec): EditKind {
  switch (spec.kind) {
    case 'flag':
      return 'toggle';
    case 'tri-state':
    case 'choice':
      return 'pick';
    case 'key-value':
      return 'pairs';
    default:
      return 'text';
  }
}

/** Choices for a 'pick' option, with the "not given" entry first. */
export function pickChoices(spec: OptionSpec, version?: MlflowVersion): { label: string; value: OptionValue | undefined; description?: string }[] {
  const unset = { label: '(not set)', value: undefined, description: `MLflow decides: ${defaultText(spec)}` };
  if (spec.kind === 'tri-state') return [unset, { label: 'on', value: true }, { label: 'off', value: false }];
  return [unset, ...choicesFor(spec, version).map((c) => ({ label: c, value: c }))];
}

/** Text typed for a 'text' option → value for the builder; '' clears. */
export function parseText(spec: OptionSpec, text: string, version?: MlflowVersion): { value?: OptionValue; error?: string } {
  const t = spec.kind === 'string' ? text : text.trim();
  if (t === '') return {};
  const c = checkOptionValue(spec, t, version);
  return c.error ? { error: c.error } : { value: c.value };
}

/** "KEY=VALUE" typed in the pairs editor → [key, value] or an error. */
export function parsePair(spec: OptionSpec, text: string, existing: Readonly<Record<string, string>>): { key?: string; value?: string; error?: string } {
  const i = text.indexOf('=');
  if (i <= 0) return { error: 'Type KEY=VALUE.' };
  const key = text.slice(0, i).trim();
  const value = text.slice(i + 1);
  const c = checkOptionValue(spec, { ...existing, [key]: value });
  if (c.error) return { error: c.error };
  return { key, value };
}

/** The pairs of a key-value option as a map (accepts ['K=V'] too). */
export function pairsOf(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    const out: Record<string, string> = {};
    for (const s of value as string[]) {
      const i = s.indexOf('=');
      if (i > 0) out[s.slice(0, i)] = s.slice(i + 1);
    }
    return out;
  }
  return value && typeof value === 'object' ? { ...(value as Record<string, string>) } : {};
}

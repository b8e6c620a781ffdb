// What the model commands take and return.
//
// Arguments (palette: none; tree: the node; code lenses: {modelUri}; tests: a full object):
//   { modelUri?, options?: {<builder option>: value}, <builder option>: value, noPrompt?: boolean, connKey? , … }
// With noPrompt the command runs with the given options (plus remembered ones and defaults) without asking;
// gc additionally needs confirmed: true to skip its modal confirmation.
import type { CliCommand, CliIssue } from '../cli/commands';
import { COMMAND_OPTIONS, type CommandId } from '../cli/options';
import type { Outcomes } from '../core/command';
import type { ModelNode } from '../explorer/modelsProvider';
import type { Node } from '../explorer/nodes';
import type { GcPlan } from './gcPlan';
import type { OptionValues } from './optionForm';

export interface CommandResult {
  status: 'started' | 'done' | 'failed' | 'cancelled' | 'blocked';
  message?: string;
  command?: CliCommand;
  warnings?: CliIssue[];
  exitCode?: number;
  /** serve / ui */
  url?: string;
  port?: number;
  serverId?: string;
  ready?: boolean;
  /** The terminal (task) the command runs in. */
  terminalName?: string;
  /** predict / generate-dockerfile */
  outputPath?: string;
  /** gc */
  plan?: GcPlan;
  /** stop: nothing answers on the port any more */
  portFree?: boolean;
}

/** What a model command returns when the user cancelled it or it failed (the failure was shown). */
export const MODEL_OUTCOMES: Outcomes<CommandResult> = {
  cancelled: { status: 'cancelled' },
  failed: (message) => ({ status: 'failed', message }),
};

export interface CommandArgs {
  modelUri?: string;
  options?: OptionValues;
  noPrompt?: boolean;
  connKey?: string;
  /** gc: skip the modal confirmation (with noPrompt). */
  confirmed?: boolean;
  /** serve/ui: how long to wait for the server (default 15 min: the first run may build an environment). */
  readyTimeoutMs?: number;
  /** ui: open the browser once it answers (default true). */
  openBrowser?: boolean;
  /** build-docker: skip the Docker engine check. */
  skipDockerCheck?: boolean;
  [key: string]: unknown;
}

export type CommandTarget = Node | ModelNode;

/** Splits a command argument into (options, node). */
export function parseArg(arg: unknown): { args: CommandArgs; node?: CommandTarget } {
  if (isTarget(arg)) return { args: {}, node: arg };
  if (typeof arg === 'string') return { args: { modelUri: arg } };
  return { args: arg && typeof arg === 'object' ? { ...arg } : {} };
}

function isTarget(arg: unknown): arg is CommandTarget {
  return !!arg && typeof arg === 'object' && 'type' in arg && 'conn' in arg;
}

/** Builder options from the argument: `options` plus any top-level key that is an option of the command. */
export function optionsFrom(command: CommandId, args: CommandArgs): OptionValues {
  const keys = new Set(COMMAND_OPTIONS[command].map((s) => s.key));
  const out: OptionValues = { ...(args.options ?? {}) };
  for (const [k, v] of Object.entries(args)) if (keys.has(k) && v !== undefined && !(k in out)) out[k] = v;
  return out;
}

/** Ids given as "a,b" or ['a', 'b']. */
export function toList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v)) return v.map(String).filter(Boolean);
  return undefined;
}

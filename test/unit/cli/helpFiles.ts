// Reads the real `--help` output of MLflow (test/fixtures/mlflow/cli-help/<ver>/*.txt) into option tables, and parses
// an argv the way click would with those tables (enough to check that what the builders emit is accepted).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MLFLOW_FIXTURES_DIR, type Ver } from '../../support/fixtures';
import { type CommandId } from '../../../src/cli/options';

export const HELP_DIR = path.join(MLFLOW_FIXTURES_DIR, 'cli-help');
export const CHECKS_DIR = path.join(MLFLOW_FIXTURES_DIR, 'cli-checks');

export const HELP_FILE: Record<CommandId, string> = {
  serve: 'models-serve.txt',
  predict: 'models-predict.txt',
  'build-docker': 'models-build-docker.txt',
  'generate-dockerfile': 'models-generate-dockerfile.txt',
  gc: 'gc.txt',
  server: 'server.txt',
  ui: 'ui.txt',
};

export interface HelpOption {
  long: string;
  short?: string;
  negative?: string;
  /** undefined for flags */
  metavar?: string;
}

export function helpText(ver: Ver, file: string): string {
  return fs.readFileSync(path.join(HELP_DIR, ver, file), 'utf8');
}

/** The exact version the help files were made with ("mlflow, version 3.6.1.dev0"). */
export function helpVersion(ver: Ver): string {
  const m = /version (\S+)/.exec(helpText(ver, 'version.txt'));
  assert.ok(m, 'version.txt');
  return m[1];
}

export function parseHelpOptions(text: string): HelpOption[] {
  const start = text.indexOf('\nOptions:\n');
  assert.ok(start >= 0, 'no Options: section');
  const out: HelpOption[] = [];
  for (const line of text.slice(start).split('\n')) {
    const m = /^ {2}(?:(-[A-Za-z]), )?(--[A-Za-z0-9-]+)(?: \/ (--[A-Za-z0-9-]+))?(?: ((?:[A-Z][A-Z_=]*)|\[[^\]]+\]))?(?: {2,}|$)/.exec(line);
    if (!m) continue;
    if (m[2] === '--help') continue;
    out.push({ long: m[2], ...(m[1] ? { short: m[1] } : {}), ...(m[3] ? { negative: m[3] } : {}), ...(m[4] ? { metavar: m[4] } : {}) });
  }
  return out;
}

export function helpOptions(ver: Ver, command: CommandId): HelpOption[] {
  return parseHelpOptions(helpText(ver, HELP_FILE[command]));
}

/**
 * Click-like parse of the arguments after the sub-command: returns long option → values (repeatable kept in
 * order; flags get 'true', negative flags 'false'). Fails on unknown options, missing values or stray words.
 * `valueOptional` lists options whose value is optional (click flag_value options such as 3.x --install-java).
 */
export function parseWithHelp(args: string[], table: HelpOption[], valueOptional: string[] = []): Map<string, string[]> {
  const byName = new Map<string, { opt: HelpOption; negative: boolean }>();
  for (const o of table) {
    byName.set(o.long, { opt: o, negative: false });
    if (o.short) byName.set(o.short, { opt: o, negative: false });
    if (o.negative) byName.set(o.negative, { opt: o, negative: true });
  }
  const out = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    out.set(k, [...(out.get(k) ?? []), v]);
  };
  for (let i = 0; i < args.length; i++) {
    const tok = args[i];
    assert.ok(tok.startsWith('-'), `stray argument ${JSON.stringify(tok)} in ${JSON.stringify(args)}`);
    const eq = tok.startsWith('--') ? tok.indexOf('=') : -1;
    const name = eq > 0 ? tok.slice(0, eq) : tok;
    const hit = byName.get(name);
    assert.ok(hit, `unknown option ${name} (argv ${JSON.stringify(args)})`);
    const { opt, negative } = hit;
    if (!opt.metavar) {
      assert.equal(eq, -1, `${name} takes no value`);
      add(opt.long, negative ? 'false' : 'true');
      continue;
    }
    if (eq > 0) {
      add(opt.long, tok.slice(eq + 1));
      continue;
    }
    if (valueOptional.includes(opt.long) && (i + 1 >= args.length || args[i + 1].startsWith('-'))) {
      add(opt.long, 'true');
      continue;
    }
    assert.ok(i + 1 < args.length, `${name} needs a value`);
    add(opt.long, args[++i]);
  }
  return out;
}

export interface RecordedRun {
  name: string;
  exit: number;
  env: Record<string, string>;
  /** argv after the mlflow executable */
  args: string[];
}

/** The recorded CLI runs of cli-checks/<ver>/RESULTS.txt (lines "name exit=N [env K=V] /…/mlflow args…"). */
export function recordedRuns(ver: Ver): RecordedRun[] {
  const text = fs.readFileSync(path.join(CHECKS_DIR, ver, 'RESULTS.txt'), 'utf8');
  const runs: RecordedRun[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+exit=(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const words = m[3].trim().split(/\s+/);
    const env: Record<string, string> = {};
    let i = 0;
    if (words[0] === 'env') {
      i = 1;
      while (/^[A-Z_]+=/.test(words[i])) {
        const [k, ...v] = words[i].split('=');
        env[k] = v.join('=');
        i++;
      }
    }
    assert.match(words[i], /\/mlflow$/);
    runs.push({ name: m[1], exit: Number(m[2]), env, args: words.slice(i + 1) });
  }
  return runs;
}

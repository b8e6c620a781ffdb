// src/ids.ts holds every command, view and context-key id; package.json must declare the same ones.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands, ContextKeys, InternalCommands, Views } from '../../src/ids';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    [k: string]: unknown;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as Manifest;
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** Every `when` / `enablement` clause in contributes. */
function whenClauses(o: unknown, out: string[] = []): string[] {
  if (Array.isArray(o)) for (const x of o) whenClauses(x, out);
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if ((k === 'when' || k === 'enablement') && typeof v === 'string') out.push(v);
      else whenClauses(v, out);
    }
  }
  return out;
}

describe('ids (src/ids.ts) and package.json', () => {
  it('Commands are exactly the commands package.json contributes', () => {
    assert.deepEqual(sorted(Object.values(Commands)), sorted(manifest.contributes.commands.map((c) => c.command)));
  });

  it('InternalCommands are not contributed and do not clash with Commands', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const internal: string[] = Object.values(InternalCommands);
    assert.deepEqual(internal.filter((c) => contributed.has(c)), []);
    assert.deepEqual(internal.filter((c) => (Object.values(Commands) as string[]).includes(c)), []);
  });

  it('Views are exactly the views package.json contributes', () => {
    assert.deepEqual(sorted(Object.values(Views)), sorted(Object.values(manifest.contributes.views).flat().map((v) => v.id)));
  });

  it('ContextKeys are exactly the mlflow.* context keys the when clauses read', () => {
    const views = new Set<string>(Object.values(Views));
    const read = new Set<string>();
    for (const w of whenClauses(manifest.contributes)) {
      for (const m of w.matchAll(/(?<![\w.])mlflow\.[A-Za-z.]+/g)) if (!views.has(m[0])) read.add(m[0]);
    }
    assert.deepEqual(sorted(Object.values(ContextKeys)), sorted(read));
  });

  it('no id is spelled twice', () => {
    const all = [...Object.values(Commands), ...Object.values(InternalCommands), ...Object.values(Views), ...Object.values(ContextKeys)];
    assert.deepEqual(all.filter((x, i) => all.indexOf(x) !== i), []);
  });
});

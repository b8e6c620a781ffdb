// The context menus package.json contributes, evaluated for a given row the way VS Code does.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Views } from '../../../src/ids';

interface MenuEntry { command: string; when?: string; group?: string }
const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const titles = new Map<string, string>(pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
const itemMenu: MenuEntry[] = pkg.contributes.menus['view/item/context'];

/** Evaluates the when-clause subset the manifest uses: `a && b`, `k == v`, `k =~ /re/`, `k`, `!k`. */
function when(expr: string | undefined, ctx: Record<string, string | boolean>): boolean {
  if (!expr) return true;
  return expr.split('&&').map((s) => s.trim()).every((c) => {
    let m = /^(\S+) =~ \/(.*)\/$/.exec(c);
    if (m) return new RegExp(m[2]).test(String(ctx[m[1]] ?? ''));
    m = /^(\S+) == (.*)$/.exec(c);
    if (m) return String(ctx[m[1]] ?? '') === m[2];
    if (c.startsWith('!')) return !ctx[c.slice(1)];
    return !!ctx[c];
  });
}

/** Titles of the context menu (not inline) of a row. */
function menu(ctx: Record<string, string | boolean>): string[] {
  return itemMenu.filter((e) => !e.group?.startsWith('inline') && when(e.when, ctx)).map((e) => titles.get(e.command) ?? e.command);
}

describe('context menus (issue 16)', () => {
  it('#5: a model version, alias, logged model or registered model offers each action once', () => {
    for (const viewItem of ['modelVersionRun', 'modelAlias', 'loggedModelRun', 'registeredModel']) {
      const entries = menu({ view: Views.models, viewItem });
      const actions = entries.map((t) => t.replace(/…$/, ''));
      assert.deepEqual(actions.filter((t, i) => actions.indexOf(t) !== i), [], `${viewItem}: ${entries.join(' | ')}`);
      assert.ok(actions.includes('Serve Model') && actions.includes('Predict with Model'), entries.join(' | '));
    }
  });

  it('#10: a multi-selection of runs offers no single-run edits (Rename Run, Edit Note)', () => {
    const row = { view: Views.experiments, viewItem: 'runFINISHEDActiveWritableModel' };
    const single = menu({ ...row, listMultiSelection: false });
    assert.ok(single.some((t) => /Rename Run/.test(t)) && single.some((t) => /Note/.test(t)), single.join(' | '));
    const many = menu({ ...row, listMultiSelection: true });
    assert.ok(!many.some((t) => /Rename Run|Edit Note/.test(t)), many.join(' | '));
    assert.ok(many.some((t) => /Compare Runs/.test(t)), many.join(' | '));
  });
});

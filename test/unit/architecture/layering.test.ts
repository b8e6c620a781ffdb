// The layout of src/ (issue 15): feature folders whose imports go one way, a pure data layer
// (tracking) and pure CLI builders (cli) that never see VS Code, a bottom VS Code layer (core,
// webviews) that knows no feature, and command/view ids that package.json and src/ agree on.
// Reads the source with the TypeScript parser only (no type checking), so it runs in a second.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');

/** Pure layers: plain Node, tested without VS Code. */
const PURE = ['tracking', 'cli'];
/** The bottom of the VS Code layer: used by every feature, importing none. */
const BOTTOM = ['core', 'webviews'];
/** Files directly in src/ that any layer above the pure ones may import (they import no folder). */
const ROOT_LEAVES = ['log.ts', 'config.ts', 'ids.ts'];
/** The composition root: the object graph (imported for its type only) and activate(). */
const SERVICES = 'services.ts';

interface Import {
  from: string; // repository-relative file
  spec: string;
  target?: string; // repository-relative file, for relative imports
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const p of [base + '.ts', path.join(base, 'index.ts'), base]) if (fs.existsSync(p) && fs.statSync(p).isFile()) return path.relative(ROOT, p);
  return undefined;
}

const files = sourceFiles(SRC);
const parsed = new Map(files.map((f) => [f, ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true)]));

function importsOf(file: string): Import[] {
  const sf = parsed.get(file)!;
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) =>
    out.push({ from: path.relative(ROOT, file), spec, target: spec.startsWith('.') ? resolve(file, spec) : undefined, typeOnly });
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const clause = ts.isImportDeclaration(n) ? n.importClause : undefined;
      const typeOnly = ts.isImportDeclaration(n)
        ? !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)))
        : n.isTypeOnly;
      add(n.moduleSpecifier.text, typeOnly);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal.text, true);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0]) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) {
      add(n.arguments[0].text, false);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const imports = files.flatMap(importsOf);

/** 'tracking', 'explorer', … for files in a folder; '(root)/log.ts' for files directly in src/. */
function layerOf(file: string): string {
  const parts = path.relative('src', file).split(path.sep);
  return parts.length > 1 ? parts[0] : `(root)/${parts[0]}`;
}

const folderEdges = new Map<string, Map<string, string[]>>();
for (const i of imports) {
  if (!i.target?.startsWith('src' + path.sep)) continue;
  const a = layerOf(i.from);
  const b = layerOf(i.target);
  if (a === b || a.startsWith('(root)') || b.startsWith('(root)')) continue;
  const m = folderEdges.get(a) ?? new Map<string, string[]>();
  m.set(b, [...(m.get(b) ?? []), i.from]);
  folderEdges.set(a, m);
}

/** A cycle through the graph as [a, b, …, a], or undefined. */
function findCycle(edges: Map<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = dfs(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    if (state.has(n)) continue;
    const c = dfs(n);
    if (c) return c;
  }
  return undefined;
}

describe('architecture: layering of src/ (issue 15)', () => {
  it('reads the whole source tree', () => {
    assert.ok(files.length > 100, `${files.length} files`);
    assert.ok(imports.length > 500, `${imports.length} imports`);
    for (const i of imports) if (i.spec.startsWith('.')) assert.ok(i.target, `${i.from}: cannot resolve ${i.spec}`);
  });

  it('folders import each other one way (no cycle between feature folders)', () => {
    const cycle = findCycle(new Map([...folderEdges].map(([a, m]) => [a, m.keys()])));
    const detail = cycle?.slice(0, -1).map((a, k) => `${a} -> ${cycle[k + 1]} (${folderEdges.get(a)!.get(cycle[k + 1])!.join(', ')})`);
    assert.equal(cycle, undefined, `import cycle between folders:\n  ${detail?.join('\n  ')}`);
  });

  it('no two source files import each other, directly or round a loop', () => {
    const edges = new Map<string, string[]>();
    for (const i of imports) if (i.target && !i.typeOnly) edges.set(i.from, [...(edges.get(i.from) ?? []), i.target]);
    assert.equal(findCycle(edges)?.join(' -> '), undefined);
  });

  it('src/tracking and src/cli never import vscode, nor any VS Code-layer file', () => {
    const bad = imports.filter((i) => PURE.includes(layerOf(i.from)) && (i.spec === 'vscode' || (i.target !== undefined && !PURE.includes(layerOf(i.target)))));
    assert.deepEqual(bad.map((i) => `${i.from} imports ${i.spec}`), []);
  });

  it('core and webviews (the bottom of the VS Code layer) import no feature folder', () => {
    const allowed = (t: string) => PURE.includes(layerOf(t)) || BOTTOM.includes(layerOf(t)) || ROOT_LEAVES.some((r) => layerOf(t) === `(root)/${r}`);
    const bad = imports.filter((i) => BOTTOM.includes(layerOf(i.from)) && i.target !== undefined && !allowed(i.target));
    assert.deepEqual(bad.map((i) => `${i.from} imports ${i.spec}`), []);
  });

  it('log, config and ids import no folder of src/; services.ts is imported for its type only; nothing imports extension.ts', () => {
    const leaves = imports.filter((i) => ROOT_LEAVES.some((r) => i.from === path.join('src', r)) && i.target !== undefined);
    assert.deepEqual(leaves.map((i) => `${i.from} imports ${i.spec}`), []);
    const services = imports.filter((i) => i.target === path.join('src', SERVICES) && !i.typeOnly);
    assert.deepEqual(services.map((i) => `${i.from} imports ${i.spec} for a value`), []);
    const ext = imports.filter((i) => i.target === path.join('src', 'extension.ts'));
    assert.deepEqual(ext.map((i) => i.from), []);
  });
});

// ---- ids: src/ and package.json agree ----

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome?: { view: string }[];
    menus: Record<string, { command?: string; submenu?: string; when?: string }[]>;
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
const viewIds = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));

/** String constants of src/: `const X = 'mlflow.…'` as X, `const O = { k: 'mlflow.…' }` as O.k. */
function stringConstants(): Map<string, string> {
  const out = new Map<string, string>();
  for (const sf of parsed.values()) {
    for (const st of sf.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        let init: ts.Expression = d.initializer;
        if (ts.isAsExpression(init)) init = init.expression;
        if (ts.isStringLiteral(init)) out.set(d.name.text, init.text);
        if (ts.isObjectLiteralExpression(init)) {
          for (const p of init.properties) if (ts.isPropertyAssignment(p) && ts.isStringLiteral(p.initializer) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) out.set(`${d.name.text}.${p.name.text}`, p.initializer.text);
        }
      }
    }
  }
  return out;
}
const constants = stringConstants();
const internal = new Set([...constants].filter(([k]) => k.startsWith('InternalCommands.')).map(([, v]) => v));
const srcViews = new Set([...constants].filter(([k]) => k.startsWith('Views.')).map(([, v]) => v));

function valueOf(e: ts.Expression): string | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return constants.get(e.getText());
  return undefined;
}

interface CommandUse {
  file: string;
  id: string;
  how: string;
}

/** Every mlflow.* command id src/ registers, executes or puts in a `command:` field, resolved through constants. */
function commandUses(): CommandUse[] {
  const out: CommandUse[] = [];
  for (const [file, sf] of parsed) {
    const rel = path.relative(ROOT, file);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const callee = n.expression.getText();
        const name = callee.split('.').pop()!;
        if (name === 'executeCommand' && n.arguments[0]) {
          const id = valueOf(n.arguments[0]);
          if (id) out.push({ file: rel, id, how: 'executeCommand' });
        }
        if (/registerCommand$/.test(name)) {
          for (const a of n.arguments) {
            const id = valueOf(a);
            if (id?.startsWith('mlflow.')) out.push({ file: rel, id, how: 'registerCommand' });
          }
        }
      }
      if (ts.isPropertyAssignment(n) && n.name.getText() === 'command') {
        const id = valueOf(n.initializer);
        if (id) out.push({ file: rel, id, how: 'command:' });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out.filter((u) => u.id.startsWith('mlflow.'));
}

/** Commands VS Code makes for each contributed view (`mlflow.experiments.focus`, …). */
const viewCommand = (id: string) => [...viewIds].some((v) => id.startsWith(v + '.') && /\.(focus|open|toggleVisibility|removeView|resetViewLocation)$/.test(id));

describe('architecture: command and view ids (issue 15)', () => {
  const uses = commandUses();

  it('finds the commands src/ registers and runs', () => {
    assert.ok(uses.filter((u) => u.how === 'registerCommand').length >= 20, uses.map((u) => u.id).join(' '));
    assert.ok(internal.size >= 1 && srcViews.size >= 2);
  });

  it('every mlflow.* command src/ registers, executes or links to is contributed in package.json (or is an internal one of src/ids.ts)', () => {
    const unknown = uses.filter((u) => !contributed.has(u.id) && !internal.has(u.id) && !viewCommand(u.id));
    assert.deepEqual(unknown.map((u) => `${u.file}: ${u.how} ${u.id}`), []);
  });

  it('every command package.json contributes is named in src/', () => {
    const named = new Set([...constants.values(), ...uses.map((u) => u.id)]);
    const allText = [...parsed.values()].map((sf) => sf.text).join('\n');
    const missing = [...contributed].filter((c) => !named.has(c) && !allText.includes(`'${c}'`));
    assert.deepEqual(missing, []);
  });

  it('package.json menus name only contributed commands, and the views of src/ids.ts are the contributed views', () => {
    const menuCommands = Object.values(manifest.contributes.menus).flat().filter((m) => m.command).map((m) => m.command!);
    assert.deepEqual(menuCommands.filter((c) => !contributed.has(c)), []);
    assert.deepEqual([...srcViews].sort(), [...viewIds].sort());
    assert.deepEqual((manifest.contributes.viewsWelcome ?? []).map((w) => w.view).filter((v) => !viewIds.has(v)), []);
  });
});

// Size and state figures of the source, for the refactor notes (issue 15):
//   node scripts/code-stats.mjs [--list] [--json] [ROOT]      (ROOT defaults to the repository)
// Counts, over ROOT/src and ROOT/media (*.ts, not .d.ts): files over 300 and 400 lines, functions
// over 40 and 60 lines (every function, method, accessor, constructor and arrow function, by the
// line span of its node; a nested function is counted on its own as well), `as unknown as` casts,
// module-level mutable state (top-level `let`/`var`, and top-level `const` objects that the file
// changes in place: .set/.add/.push/… or an EventEmitter), and file names used twice (index.ts excepted).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const list = args.includes('--list');
const json = args.includes('--json');
const root = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(import.meta.dirname, '..'));

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function functionName(node) {
  if (node.name) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return p.name.getText();
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

function enclosingClass(node) {
  for (let p = node.parent; p; p = p.parent) if (ts.isClassLike(p) && p.name) return p.name.getText() + '.';
  return '';
}

const isFunction = (n) =>
  ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) ||
  ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n);

function statsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const rel = path.relative(root, file);
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const functions = [];
  let casts = 0;
  const line = (pos) => sf.getLineAndCharacterOfPosition(pos).line;
  const visit = (n) => {
    if (isFunction(n) && n.body) {
      const span = line(n.getEnd()) - line(n.getStart(sf)) + 1;
      functions.push({ file: rel, name: enclosingClass(n) + functionName(n), lines: span, line: line(n.getStart(sf)) + 1 });
    }
    if (ts.isAsExpression(n) && ts.isAsExpression(n.expression) && n.expression.type.kind === ts.SyntaxKind.UnknownKeyword) casts++;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const state = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const flags = st.declarationList.flags;
    const mutableBinding = !(flags & ts.NodeFlags.Const);
    for (const d of st.declarationList.declarations) {
      const name = d.name.getText();
      const init = d.initializer;
      const isObject = init && (ts.isNewExpression(init) || ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init));
      const emitter = init && ts.isNewExpression(init) && /EventEmitter$/.test(init.expression.getText());
      const mutated = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}(\\.(set|add|delete|clear|push|pop|shift|unshift|splice|fire)\\(|\\[[^\\]]*\\]\\s*=[^=])`).test(text);
      if (mutableBinding) state.push({ file: rel, name, line: line(d.getStart(sf)) + 1, kind: st.declarationList.flags & ts.NodeFlags.Let ? 'let' : 'var' });
      else if (isObject && (emitter || mutated)) state.push({ file: rel, name, line: line(d.getStart(sf)) + 1, kind: `const ${init.getText().slice(0, 30).split('\n')[0]}… changed in place` });
    }
  }
  return { file: rel, lines, functions, casts, state };
}

const files = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'media'))].sort();
const all = files.map(statsOf);
const fns = all.flatMap((f) => f.functions).sort((a, b) => b.lines - a.lines);
const byName = new Map();
for (const f of all) {
  const base = path.basename(f.file);
  if (base !== 'index.ts') byName.set(base, [...(byName.get(base) ?? []), f.file]);
}
const result = {
  root,
  files: all.length,
  lines: all.reduce((s, f) => s + f.lines, 0),
  filesOver300: all.filter((f) => f.lines > 300).length,
  filesOver400: all.filter((f) => f.lines > 400).length,
  functions: fns.length,
  functionsOver40: fns.filter((f) => f.lines > 40).length,
  functionsOver60: fns.filter((f) => f.lines > 60).length,
  asUnknownAs: all.reduce((s, f) => s + f.casts, 0),
  moduleMutableState: all.reduce((s, f) => s + f.state.length, 0),
  sharedFileNames: [...byName].filter(([, v]) => v.length > 1).map(([k, v]) => `${k}: ${v.join(', ')}`),
};

if (json) {
  console.log(JSON.stringify(list ? { ...result, largeFiles: all.filter((f) => f.lines > 300).map((f) => ({ file: f.file, lines: f.lines })), longFunctions: fns.filter((f) => f.lines > 40), state: all.flatMap((f) => f.state) } : result, null, 2));
} else {
  console.log(`${result.files} files, ${result.lines} lines under src/ and media/`);
  console.log(`files over 300 lines: ${result.filesOver300}   over 400: ${result.filesOver400}`);
  console.log(`functions: ${result.functions}   over 40 lines: ${result.functionsOver40}   over 60: ${result.functionsOver60}`);
  console.log(`'as unknown as' casts: ${result.asUnknownAs}   module-level mutable state: ${result.moduleMutableState}`);
  console.log(`file names used twice: ${result.sharedFileNames.length ? result.sharedFileNames.join('; ') : 'none'}`);
  if (list) {
    console.log('\nfiles over 300 lines:');
    for (const f of all.filter((f) => f.lines > 300).sort((a, b) => b.lines - a.lines)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
    console.log('\nfunctions over 40 lines:');
    for (const f of fns.filter((f) => f.lines > 40)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}`);
    console.log('\nmodule-level mutable state:');
    for (const s of all.flatMap((f) => f.state)) console.log(`  ${s.file}:${s.line}  ${s.name}  (${s.kind})`);
  }
}

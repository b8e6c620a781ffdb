#!/usr/bin/env node
// Unused exports: every export of a module under src/ or media/ that no OTHER file (source, webview script or
// test) uses. Run by `npm run lint` and by the "lint" suite of scripts/test.mjs.
//
//   node scripts/unused-exports.mjs          list them; exit 1 if there are any
//   node scripts/unused-exports.mjs --json   the same as JSON: [{ file, line, name }]
//   node scripts/unused-exports.mjs --all    also exports that only their own file uses (not a failure)
//
// It reads the two TypeScript projects (tsconfig.json: src + test; media/tsconfig.json: the webview scripts) and
// resolves every identifier to the declaration it names, following import aliases and re-exports hop by hop, so
// `import * as ns` + `ns.x`, `export { x } from`, `typeof import('./m')` destructuring and type-only uses count.
// An export that its own file uses is not reported (as knip's ignoreExportsUsedInFile): types in the signatures of
// exported functions, constants a module exports beside its own use. `--all` lists those too.
// Entry points whose exports something outside TypeScript calls are listed in ENTRY_EXPORTS.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECTS = ['tsconfig.json', 'media/tsconfig.json'];
const CHECKED = ['src/', 'media/'];
/** Exports called from outside TypeScript: VS Code calls the extension's activate/deactivate; scripts/mlflow-query.mjs
 *  loads src/tracking/index.ts (bundled or through tsx) and calls resolveTrackingUri and createTrackingStore. */
const ENTRY_EXPORTS = new Set([
  'src/extension.ts:activate',
  'src/extension.ts:deactivate',
  'src/tracking/index.ts:resolveTrackingUri',
  'src/tracking/index.ts:createTrackingStore',
]);

const rel = f => path.relative(ROOT, f).split(path.sep).join('/');
const isChecked = f => CHECKED.some(d => rel(f).startsWith(d)) && !f.endsWith('.d.ts');

function loadProgram(configFile) {
  const file = path.join(ROOT, configFile);
  const cfg = ts.readConfigFile(file, ts.sys.readFile);
  if (cfg.error) throw new Error(ts.flattenDiagnosticMessageText(cfg.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, path.dirname(file));
  return ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
}

/** "file:name" of the declaration a symbol stands for (its first declaration's file). */
function keyOf(symbol) {
  const decl = symbol?.declarations?.[0];
  if (!decl) return undefined;
  return `${rel(decl.getSourceFile().fileName)}:${symbol.escapedName}`;
}

const used = new Set(); // keys used from a file other than the declaring one
const usedInFile = new Set(); // keys used in the declaring file itself (besides being declared and exported)

function markUse(checker, symbol, fromFile) {
  const seen = new Set();
  let s = symbol;
  while (s && !seen.has(s)) {
    seen.add(s);
    const k = keyOf(s);
    if (k && !k.startsWith(`${rel(fromFile)}:`)) used.add(k);
    if (!(s.flags & ts.SymbolFlags.Alias)) break;
    s = checker.getImmediateAliasedSymbol(s);
  }
  // A merged export (e.g. `export { x }` of a local) also names the local's declaration.
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) {
    const target = checker.getAliasedSymbol(symbol);
    const k = keyOf(target);
    if (k && !k.startsWith(`${rel(fromFile)}:`)) used.add(k);
  }
}

function collectUses(program) {
  const checker = program.getTypeChecker();
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || rel(sf.fileName).startsWith('node_modules/')) continue;
    const visit = node => {
      if (ts.isIdentifier(node)) {
        const symbol = checker.getSymbolAtLocation(node);
        markUse(checker, symbol, sf.fileName);
        const k = keyOf(symbol);
        const isOwnName = symbol?.declarations?.some(d => d.name === node);
        if (k?.startsWith(`${rel(sf.fileName)}:`) && !isOwnName && !ts.isExportSpecifier(node.parent)) usedInFile.add(k);
        // `const { A } = x as typeof import('./m')`: the shorthand names a local; the property is the export.
        if (ts.isBindingElement(node.parent) && ts.isObjectBindingPattern(node.parent.parent)) {
          const name = node.parent.propertyName ?? node.parent.name;
          if (ts.isIdentifier(name)) {
            const prop = checker.getTypeAtLocation(node.parent.parent).getProperty(name.text);
            markUse(checker, prop, sf.fileName);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}

function collectExports(program, into) {
  const checker = program.getTypeChecker();
  for (const sf of program.getSourceFiles()) {
    if (!isChecked(sf.fileName)) continue;
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) continue;
    for (const exp of checker.getExportsOfModule(moduleSymbol)) {
      // A re-export (`export { x } from './y'`) is its own alias declaration in this file.
      const decl = exp.declarations?.[0];
      if (!decl || decl.getSourceFile() !== sf) continue;
      const key = `${rel(sf.fileName)}:${exp.escapedName}`;
      if (into.has(key)) continue;
      const { line } = sf.getLineAndCharacterOfPosition(decl.getStart());
      into.set(key, { file: rel(sf.fileName), line: line + 1, name: String(exp.escapedName) });
    }
  }
}

const exportsFound = new Map();
for (const p of PROJECTS) {
  const program = loadProgram(p);
  collectExports(program, exportsFound);
  collectUses(program);
}
const byPlace = (a, b) => a.file.localeCompare(b.file) || a.line - b.line;
const notImported = [...exportsFound.entries()].filter(([key]) => !used.has(key) && !ENTRY_EXPORTS.has(key));
const unused = notImported.filter(([key]) => !usedInFile.has(key)).map(([, v]) => v).sort(byPlace);
if (process.argv.includes('--all')) {
  const local = notImported.filter(([key]) => usedInFile.has(key)).map(([, v]) => v).sort(byPlace);
  for (const u of local) console.log(`${u.file}:${u.line}  ${u.name}  used only in its own file`);
  console.log(`${local.length} export(s) used only in their own file (not a failure)\n`);
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(unused, null, 2));
} else {
  for (const u of unused) console.log(`${u.file}:${u.line}  ${u.name}  exported but not used by any other file`);
  console.log(`${unused.length} unused export${unused.length === 1 ? '' : 's'} (of ${exportsFound.size} in ${CHECKED.join(', ')})`);
}
process.exitCode = unused.length ? 1 : 0;

#!/usr/bin/env node
// Build everything the extension and its extension-host tests need, with esbuild:
//   src/extension.ts           -> dist/extension.js          (node, cjs, vscode external)
//   node_modules/sql.js/dist/sql-wasm.wasm -> dist/sql-wasm.wasm (loaded lazily by the SQLite backend)
//   media/*.ts (not .d.ts)     -> dist/webview/<name>.js      (browser, iife; one bundle per entry)
//   test/vscode/index.ts + test/vscode/**/*.test.ts -> out/test/vscode/**.js
//                                                         (run inside the real extension host;
//                                                          mocha stays external: node_modules is beside out/)
// Flags: --production (minify, no source maps; what `npm run package` uses), --no-tests, --watch, --quiet.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = new Set(process.argv.slice(2));
const production = argv.has('--production');
const watch = argv.has('--watch');
const withTests = !argv.has('--no-tests') && !production;
const quiet = argv.has('--quiet');
const rel = p => path.relative(ROOT, p);

/** All files under dir (recursively) whose name satisfies keep(name). */
function walk(dir, keep) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, keep));
    else if (keep(e.name)) out.push(p);
  }
  return out.sort();
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: ROOT,
  legalComments: production ? 'none' : 'inline',
};

const builds = [];

// 1. The extension itself, and the two heavy tracking backends as bundles of their own that
//    src/tracking/index.ts require()s on first use: a local store never loads undici, a server never
//    loads sql.js, and activation reads only the small main bundle.
const LAZY_BACKENDS = { './rest': 'backend-rest.js', './sqlite': 'backend-sqlite.js' };
const lazyBackends = {
  name: 'lazy-backends',
  setup(build) {
    build.onResolve({ filter: /^\.\/(rest|sqlite)$/ }, args => {
      if (path.resolve(args.resolveDir) !== path.join(ROOT, 'src/tracking')) return undefined;
      return { path: './' + LAZY_BACKENDS[args.path], external: true };
    });
  },
};
builds.push({
  name: 'backends',
  options: {
    ...common,
    entryPoints: { 'backend-rest': path.join(ROOT, 'src/tracking/rest/index.ts'), 'backend-sqlite': path.join(ROOT, 'src/tracking/sqlite/index.ts') },
    outdir: path.join(ROOT, 'dist'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['main', 'module'],
  },
});
builds.push({
  name: 'extension',
  options: {
    ...common,
    plugins: [lazyBackends],
    entryPoints: [path.join(ROOT, 'src/extension.ts')],
    outfile: path.join(ROOT, 'dist/extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    // packages like undici/js-yaml ship both ESM and CJS; prefer the CJS/node builds
    mainFields: ['main', 'module'],
  },
});

// 2. Webview scripts: every media/*.ts that is not a declaration file.
const webviewEntries = fs.existsSync(path.join(ROOT, 'media'))
  ? fs.readdirSync(path.join(ROOT, 'media')).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts')).map(f => path.join(ROOT, 'media', f))
  : [];
if (webviewEntries.length) {
  builds.push({
    name: 'webview',
    options: {
      ...common,
      entryPoints: webviewEntries,
      outdir: path.join(ROOT, 'dist/webview'),
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      loader: { '.svg': 'text', '.woff2': 'dataurl' },
    },
  });
}

// 3. Extension-host test suite (dev builds only): the run() entry and each *.test.ts as its own file
//    so index.js can hand them to mocha.addFile (mocha sets up describe/it per file); *.bench.ts are
//    run() entries of their own for `npm run bench` (not loaded by index.js).
const testDir = path.join(ROOT, 'test/vscode');
if (withTests && fs.existsSync(path.join(testDir, 'index.ts'))) {
  fs.rmSync(path.join(ROOT, 'out/test/vscode'), { recursive: true, force: true }); // no stale suites
  builds.push({
    name: 'vscode-tests',
    options: {
      ...common,
      entryPoints: [path.join(testDir, 'index.ts'), ...walk(testDir, n => n.endsWith('.test.ts') || n.endsWith('.bench.ts'))],
      outbase: testDir,
      outdir: path.join(ROOT, 'out/test/vscode'),
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha'],
      mainFields: ['main', 'module'],
    },
  });
}

function copyAssets() {
  const wasm = path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm');
  if (!fs.existsSync(wasm)) throw new Error(`missing ${rel(wasm)} (run npm ci)`);
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  fs.copyFileSync(wasm, path.join(ROOT, 'dist/sql-wasm.wasm'));
  if (production) {
    // a dev build's source maps must not linger next to minified code
    for (const f of walk(path.join(ROOT, 'dist'), n => n.endsWith('.map'))) fs.rmSync(f);
  }
}

function kb(n) { return n >= 1024 * 1024 ? (n / 1024 / 1024).toFixed(2) + ' MB' : (n / 1024).toFixed(1) + ' kB'; }

function report(results, ms) {
  if (quiet) return;
  const rows = [];
  for (const r of results) {
    for (const [out, info] of Object.entries(r.metafile.outputs)) {
      if (out.endsWith('.map')) continue;
      rows.push([out, info.bytes]);
    }
  }
  const wasm = path.join(ROOT, 'dist/sql-wasm.wasm');
  rows.push([rel(wasm), fs.statSync(wasm).size]);
  const w = Math.max(...rows.map(r => r[0].length));
  for (const [f, b] of rows) console.log(`  ${f.padEnd(w)}  ${kb(b).padStart(9)}`);
  console.log(`build (${production ? 'production' : 'development'}) done in ${ms} ms`);
}

const t0 = Date.now();
if (watch) {
  copyAssets();
  for (const b of builds) {
    const ctx = await esbuild.context({
      ...b.options,
      plugins: [{ name: 'log', setup(build) { build.onEnd(r => console.log(`[watch] ${b.name}: ${r.errors.length ? r.errors.length + ' error(s)' : 'rebuilt'}`)); } }],
    });
    await ctx.watch();
  }
  console.log('watching for changes (Ctrl-C to stop)');
} else {
  try {
    copyAssets();
    const results = await Promise.all(builds.map(b => esbuild.build(b.options)));
    report(results, Date.now() - t0);
  } catch (e) {
    // esbuild has already printed the errors with file:line
    if (!e.errors) console.error(e.message || e);
    console.error('build failed');
    process.exit(1);
  }
}

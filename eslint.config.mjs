// ESLint flat config. `npm run lint` runs it (with scripts/unused-exports.mjs); `npm test` runs both as the
// "lint" suite of scripts/test.mjs.
//
// TypeScript (src/, media/, test/) is linted with type information: media/ through media/tsconfig.json (DOM),
// the rest through tsconfig.json. Plain JavaScript (scripts/*.mjs, test/harness, test/ui) gets the untyped rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Pure folders: no `vscode`, nothing from the VS Code layer. They may import each other. */
const PURE = ['tracking', 'cli'];

/**
 * no-restricted-imports for a file `depth` folders below src/ inside a pure folder: `vscode` is banned, and so
 * is any relative import that climbs to src/ and goes into a folder that is not pure (or climbs out of src/).
 */
function pureLayer(depth) {
  const up = '\\.\\./'.repeat(depth);
  const pure = PURE.map(p => `${p}(?:/|$)`).join('|');
  return {
    files: PURE.map(p => `src/${p}/${'*/'.repeat(depth - 1)}*.ts`),
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/tracking and src/cli run on plain Node: pass what you need from the VS Code layer in.' }],
        patterns: [{
          regex: `^${up}(?!${pure})`,
          message: 'src/tracking and src/cli import only each other, never the VS Code layer (src/* outside them).',
        }],
      }],
    },
  };
}

/** Rules for all code, TypeScript and JavaScript. */
const common = {
  rules: {
    // Every control character in this code base's regular expressions is deliberate: they find and strip or
    // refuse control characters in terminal lines, YAML, HTML and artifact paths. The rule only ever asked for
    // eslint-disable comments.
    'no-control-regex': 'off',
  },
};

export default tseslint.config(
  {
    // what .gitignore lists (build output, caches, test output), plus data and copies of MLflow-written stores
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**', 'shots/**', '.bench/**',
      'test-results/**', 'test/fixtures/**', 'scripts/demo-model/**', 'media/**/*.js'],
  },
  js.configs.recommended,
  common,

  // ---- TypeScript, type-aware --------------------------------------------------------------
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {
        allowDefaultCaseForExhaustiveSwitch: true,
        considerDefaultExhaustiveForUnions: true,
        requireDefaultForNonUnion: false,
      }],
      // `typeof import('./m')` stays allowed: it types the deliberate lazy require()s below.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Lazy loads on purpose: each store backend on first use, node:sqlite only where the runtime has it, sql.js
      // only when a SQLite store is opened (see src/tracking/index.ts); everything else is an import.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^node:sqlite$', '^sql\\.js$', '^\\./(rest|file|sqlite)$'] }],
      // Promise-returning interfaces (TrackingStore, command handlers) are implemented by async methods that may
      // not need to await anything; making them non-async would turn their throws into synchronous ones.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['media/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },

  // ---- layers ------------------------------------------------------------------------------
  pureLayer(1),
  pureLayer(2),
  pureLayer(3),

  // ---- tests: looser --------------------------------------------------------------------------
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests poke at JSON answers and fakes; `any` is still banned, but reading through `unknown` casts is allowed.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // mocha's `this` and assert.rejects(async () => …) patterns.
      '@typescript-eslint/unbound-method': 'off',
      // Messages of failed assertions print tree-item labels and answers as they come.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Fake servers take async request handlers; failures re-thrown as they were caught.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      // Bench and harness helpers (plain .js without types, esbuild) load on demand.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^node:sqlite$', '^sql\\.js$', '^esbuild$', '/harness/[^/]+\\.js$'] }],
    },
  },

  // ---- plain JavaScript (scripts, harness, ui tests) -----------------------------------------------
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['test/harness/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Playwright's page.evaluate(() => …) callbacks run in the browser.
    files: ['test/harness/**/*.js', 'test/ui/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);

// Entry point the extension host loads (extensionTestsPath = out/test/vscode/index.js).
// Same contract as @vscode/test-electron: export run(): Promise<void>; reject = tests failed.
// scripts/build.mjs bundles this file and every test/vscode/**/*.test.ts next to it
// (out/test/vscode/**/*.test.js); mocha itself is external and resolves from ../node_modules.
//
// Environment (set through the ?payload= extensionEnvironment by test/harness/ext-host.js):
//   MLFLOW_TEST_RESULTS  file to write {"passes","failures","pending","tests","failed":[...]} to
//   MLFLOW_TEST_GREP     only run tests whose full title matches this regular expression
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec' });
  if (process.env.MLFLOW_TEST_GREP) mocha.grep(new RegExp(process.env.MLFLOW_TEST_GREP));
  for (const f of findTests(__dirname)) mocha.addFile(f);

  return new Promise((resolve, reject) => {
    const failed: { title: string; error: string }[] = [];
    let runner: Mocha.Runner;
    try {
      runner = mocha.run(failures => {
        const s = runner.stats ?? { passes: 0, failures, pending: 0, tests: 0 };
        const summary = { passes: s.passes, failures: s.failures, pending: s.pending, tests: s.tests, failed };
        const file = process.env.MLFLOW_TEST_RESULTS;
        if (file) fs.writeFileSync(file, JSON.stringify(summary, null, 2));
        console.log(`# extension-host mocha: ${s.passes} passing, ${s.failures} failing, ${s.pending} pending`);
        if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => failed.push({ title: test.fullTitle(), error: String(err && (err.stack || err.message) || err) }));
    } catch (e) {
      // e.g. a suite threw while being loaded
      console.error(e);
      reject(e);
    }
  });
}

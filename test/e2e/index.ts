// Entry point of the end-to-end suites (extensionTestsPath = out/test/e2e/index.js), started by
// scripts/test-e2e.mjs once per MLflow version with live servers. The same run() as test/vscode:
// bundled here, it finds the *.test.js files next to this file.
export { run } from '../vscode/index';

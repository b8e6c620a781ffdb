// Extension-host entry for `npm run bench` (test/bench/activation.bench.ts runs it through
// test/harness/ext-host.js with --extensionTestsPath out/test/vscode/activation.bench.js): measures
// activation and writes the numbers as JSON to $MLFLOW_BENCH_RESULTS. Not part of the test suite.
import * as fs from 'fs';
import { activationMs, bundleLoadMs, mainBundle } from './activationMeasure';

export async function run(): Promise<void> {
  const activateMs = await activationMs();
  const { file, size } = mainBundle();
  const loadMs = bundleLoadMs(file, 5);
  const out = { activateMs, bundleLoadMs: loadMs, bundleBytes: size };
  console.log(`# activation: ${JSON.stringify(out)}`);
  const target = process.env.MLFLOW_BENCH_RESULTS;
  if (!target) throw new Error('MLFLOW_BENCH_RESULTS is not set');
  fs.writeFileSync(target, JSON.stringify(out));
}

// Activation in the real extension host: activate() runs and says so in the MLflow log, and the main
// bundle carries no backend. How long both take is measured by `npm run bench` (activation.bench.ts).
import * as assert from 'assert';
import * as fs from 'fs';
import { activationMs, bundleLoadMs, mainBundle } from './activationMeasure';

describe('activation log and main bundle', function () {
  this.timeout(30000);

  it('activate() runs and logs its activation line to the MLflow log', async () => {
    const ms = await activationMs();
    assert.ok(Number.isInteger(ms) && ms >= 0, `activation line reports ${ms} ms`);
  });

  it('the main bundle loads on its own and holds no backend (undici, sql.js)', () => {
    const { file, size, text } = mainBundle();
    assert.ok(!text.includes('UND_ERR_'), 'undici is not in the main bundle');
    assert.ok(!text.includes('initSqlJs'), 'sql.js is not in the main bundle');
    // The 500 KB limit is on the shipped (minified) bundle: test/ui/smoke.test.mjs checks the packaged one.
    if (!fs.existsSync(file + '.map')) assert.ok(size <= 500 * 1024, `main bundle is ${size} bytes`);
    assert.equal(bundleLoadMs(file, 1).length, 1, 'require() of the bundle returned');
  });
});

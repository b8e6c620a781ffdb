import * as assert from 'assert';
import { csvField, metricsToCsv } from '../../../src/plots/metricCsv';

describe('webview CSV export', () => {
  it('writes one row per point at full precision, non-finite values by name', () => {
    const csv = metricsToCsv([
      { runId: 'r1', runName: 'a, "quoted" run', key: 'train/loss', steps: [0, 1, 2, 3], timestamps: [10, 11, 12, 13], values: [0.1 + 0.2, NaN, Infinity, -Infinity] },
    ]);
    assert.strictEqual(
      csv,
      'run_id,run_name,key,step,timestamp,value\n' +
        'r1,"a, ""quoted"" run",train/loss,0,10,0.30000000000000004\n' +
        'r1,"a, ""quoted"" run",train/loss,1,11,NaN\n' +
        'r1,"a, ""quoted"" run",train/loss,2,12,Infinity\n' +
        'r1,"a, ""quoted"" run",train/loss,3,13,-Infinity\n',
    );
  });

  it('quotes newlines and defuses spreadsheet formulas', () => {
    assert.strictEqual(csvField('a\nb'), '"a\nb"');
    assert.strictEqual(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.strictEqual(csvField('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.strictEqual(csvField('-1.5'), '-1.5');
    assert.strictEqual(csvField('plain'), 'plain');
  });
});

import * as assert from 'node:assert/strict';
import { contrastRatio, ensureContrast, parseColor, runStyle } from '../../../src/plots/plotMath';

describe('series colours keep 3:1 contrast with the editor background (issue 16 #7)', () => {
  it('reads the colour forms computed styles and theme variables use', () => {
    assert.deepEqual(parseColor('#d18616'), [209, 134, 22]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColor('#1f1f1fcc'), [31, 31, 31]);
    assert.deepEqual(parseColor('rgb(31, 31, 31)'), [31, 31, 31]);
    assert.deepEqual(parseColor('rgba(0 0 0 / 50%)'), [0, 0, 0]);
    assert.equal(parseColor('var(--x)'), undefined);
  });

  it('computes WCAG ratios', () => {
    assert.equal(Math.round(contrastRatio('#000', '#fff')!), 21);
    assert.equal(contrastRatio('#777', '#777'), 1);
  });

  it('composites translucent theme colours (charts.orange is 33% opaque: dark brown on a dark editor)', () => {
    const orange = 'rgba(234, 92, 0, 0.33)';
    assert.ok(contrastRatio(orange, 'rgb(31, 31, 31)')! < 3, 'drawn as it is, it fails');
    const c = ensureContrast(orange, 'rgb(31, 31, 31)');
    assert.match(c, /^#[0-9a-f]{6}$/, 'an opaque colour comes back');
    assert.ok(contrastRatio(c, 'rgb(31, 31, 31)')! >= 3);
    assert.ok(contrastRatio(ensureContrast(orange, '#ffffff'), '#ffffff')! >= 3);
  });

  it('leaves colours with enough contrast alone and lifts the rest to 3:1, on dark and light', () => {
    assert.equal(ensureContrast('#3794ff', '#1f1f1f'), '#3794ff');
    for (const [fg, bg] of [['#5a3a10', '#1f1f1f'], ['#ffd700', '#ffffff'], ['#333333', '#000000'], ['#e0e0e0', '#ffffff']]) {
      const c = ensureContrast(fg, bg);
      assert.ok(contrastRatio(c, bg)! >= 3, `${fg} on ${bg} → ${c}: ${contrastRatio(c, bg)}`);
    }
  });

  it('high contrast, whose chart colours are near alike, tells runs apart by dash as well', () => {
    const dashes = [0, 1, 2].map((i) => runStyle(i, true).dash.join(','));
    assert.equal(new Set(dashes).size, 3);
    assert.deepEqual(runStyle(1).dash, [], 'other themes: colour alone for the first six');
  });
});

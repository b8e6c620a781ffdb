import * as assert from 'assert';
import { DEFAULT_PLOT_OPTIONS, parsePlotsMessage, parsePlotsState } from '../../../src/plots/protocol';
import { parseRunDetailsMessage, parseRunDetailsState } from '../../../src/runDetails/protocol';
import { isWebUrl } from '../../../src/webviews/validate';

/** A message either webview panel (plots, run details) accepts; each panel validates its own union. */
const parseWebviewMessage = (m: unknown) => parsePlotsMessage(m) ?? parseRunDetailsMessage(m);
const parsePersistedState = (s: unknown) => parsePlotsState(s) ?? parseRunDetailsState(s);

describe('webview protocol: parseWebviewMessage', () => {
  it('accepts every known message shape', () => {
    const ok: unknown[] = [
      { type: 'ready', width: 800 },
      { type: 'requestSeries', keys: ['loss'], width: 640 },
      { type: 'requestRange', requestId: 3, key: 'loss', start: -2, end: 2147483648, width: 640 },
      { type: 'exportCsv', keys: ['a', 'b'] },
      { type: 'exportPng', name: 'loss', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
      { type: 'setOptions', options: { ...DEFAULT_PLOT_OPTIONS, xAxis: 'wall', smoothing: 0.6 }, selected: ['loss'] },
      { type: 'drawn', ms: 12.5, points: 4000, charts: 2 },
      { type: 'openRun', runId: 'abc' },
      { type: 'plotMetrics', keys: [] },
      { type: 'openArtifact', path: 'plots/a.png' },
      { type: 'listArtifacts', path: '' },
      { type: 'openSource' },
      { type: 'openLink', url: 'https://github.com/x/y' },
      { type: 'compareWorkingTree' },
      { type: 'copy', text: 'x' },
      { type: 'refresh' },
    ];
    for (const m of ok) assert.deepStrictEqual(parseWebviewMessage(m), m, JSON.stringify(m));
  });

  it('rejects unknown types, missing or mistyped fields, extra fields and non-objects', () => {
    const bad: unknown[] = [
      null,
      undefined,
      'ready',
      42,
      [],
      {},
      { type: 'nope' },
      { type: '__proto__' },
      { type: 'toString' },
      { type: 'ready' },
      { type: 'ready', width: -1 },
      { type: 'ready', width: Infinity },
      { type: 'ready', width: '800' },
      { type: 'ready', width: 800, extra: 1 },
      { type: 'requestRange', requestId: 1, key: 'loss', start: NaN, end: 2, width: 10 },
      { type: 'requestSeries', keys: [1, 2], width: 10 },
      { type: 'exportPng', name: 'x', data: [1, 2, 3] },
      { type: 'setOptions', options: { ...DEFAULT_PLOT_OPTIONS, xAxis: 'banana' }, selected: [] },
      { type: 'setOptions', options: { ...DEFAULT_PLOT_OPTIONS, smoothing: 1.5 }, selected: [] },
      { type: 'setOptions', options: { ...DEFAULT_PLOT_OPTIONS, evil: true }, selected: [] },
      { type: 'openLink', url: { href: 'x' } },
      { type: 'copy', text: 'x'.repeat(200_000) },
    ];
    for (const m of bad) assert.strictEqual(parseWebviewMessage(m), undefined, JSON.stringify(m));
  });

  it('isWebUrl allows only http(s)', () => {
    assert.ok(isWebUrl('https://gitlab.com/a/b/-/commit/abc'));
    assert.ok(isWebUrl('http://intranet/x'));
    for (const u of ['javascript:alert(1)', 'file:///etc/passwd', 'command:workbench.action.quit', 'data:text/html,x', 'vscode://x', 'not a url']) assert.ok(!isWebUrl(u), u);
  });

  it('restores only persisted states it knows', () => {
    assert.deepStrictEqual(parsePersistedState({ view: 'runDetails', connKey: 'k', runId: 'r' }), { view: 'runDetails', connKey: 'k', runId: 'r' });
    const p = parsePersistedState({ view: 'plots', connKey: 'k', runIds: ['a', 'b'], selected: ['loss'], options: { ...DEFAULT_PLOT_OPTIONS, logY: true } });
    assert.ok(p && p.view === 'plots' && p.options.logY && p.runIds.length === 2);
    const fallback = parsePersistedState({ view: 'plots', connKey: 'k', runIds: ['a'], options: { bad: 1 } });
    assert.ok(fallback && fallback.view === 'plots');
    assert.deepStrictEqual(fallback.options, DEFAULT_PLOT_OPTIONS);
    for (const s of [undefined, {}, { view: 'plots', connKey: 'k', runIds: [] }, { view: 'runDetails', connKey: 1, runId: 'r' }, { view: 'other' }]) assert.strictEqual(parsePersistedState(s), undefined);
  });
});

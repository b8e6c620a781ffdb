// The webview stack's boundary: the field checks, messageParser, deliverMessage (a bad message is
// logged and never handled), each panel's own union, the one HTML escaper and the test inspector.
import * as assert from 'node:assert/strict';
import { parseModelMessage } from '../../../src/artifacts/modelProtocol';
import { parseTableMessage } from '../../../src/artifacts/tableProtocol';
import { DEFAULT_PLOT_OPTIONS, parsePlotsMessage } from '../../../src/plots/protocol';
import { parseRunDetailsMessage } from '../../../src/runDetails/protocol';
import { escapeHtml } from '../../../src/webviews/escape';
import { WebviewInspector } from '../../../src/webviews/inspector';
import { deliverMessage, messageParser, num, shape, str, strs } from '../../../src/webviews/validate';

type Msg = { type: 'go'; to: string; speed: number } | { type: 'stop' } | { type: 'tags'; tags: string[] };
const parse = messageParser<Msg>({ go: { to: str, speed: num }, stop: {}, tags: { tags: strs } });

function fakeLog(): { lines: string[]; warn(line: string): void } {
  const lines: string[] = [];
  return { lines, warn: (l) => lines.push(l) };
}

describe('webview stack: message validation', () => {
  it('messageParser accepts exactly the described shapes', () => {
    for (const m of [{ type: 'go', to: 'x', speed: 2 }, { type: 'stop' }, { type: 'tags', tags: [] }]) assert.deepEqual(parse(m), m);
    for (const m of [
      { type: 'go', to: 'x' },
      { type: 'go', to: 'x', speed: NaN },
      { type: 'go', to: 1, speed: 2 },
      { type: 'stop', extra: true },
      { type: 'tags', tags: ['a', 1] },
      { type: 'hasOwnProperty' },
      { type: '__proto__' },
      JSON.parse('{"type":"stop","__proto__":{"polluted":1}}'),
      { to: 'x', speed: 2 },
      [],
      null,
      'stop',
    ]) assert.equal(parse(m), undefined, JSON.stringify(m));
  });

  it('shape checks a nested object with no unknown field', () => {
    const point = shape({ x: num, y: num });
    assert.ok(point({ x: 1, y: 2 }));
    assert.ok(!point({ x: 1 }));
    assert.ok(!point({ x: 1, y: 2, z: 3 }));
    assert.ok(!point([1, 2]));
  });

  it('deliverMessage hands on a valid message and does not log', () => {
    const log = fakeLog();
    const handled: Msg[] = [];
    assert.equal(deliverMessage({ type: 'stop' }, parse, log, 'test', (m) => handled.push(m)), true);
    assert.deepEqual(handled, [{ type: 'stop' }]);
    assert.deepEqual(log.lines, []);
  });

  it('a bad message is rejected and logged, not acted upon', () => {
    const log = fakeLog();
    const handled: Msg[] = [];
    for (const raw of [{ type: 'go', to: 'x', speed: '9' }, { type: 'runCommand', command: 'workbench.action.quit' }, 'stop', null]) {
      assert.equal(deliverMessage(raw, parse, log, 'test', (m) => handled.push(m)), false);
    }
    assert.deepEqual(handled, [], 'nothing handled');
    assert.deepEqual(log.lines, [
      '[test] dropped a webview message of unknown shape (go)',
      '[test] dropped a webview message of unknown shape (runCommand)',
      '[test] dropped a webview message of unknown shape (string)',
      '[test] dropped a webview message of unknown shape (object)',
    ]);
  });

  it("each panel validates its own union: another panel's message is rejected", () => {
    const plots = [
      { type: 'requestSeries', keys: ['loss'], width: 640 },
      { type: 'exportPng', name: 'loss', data: new Uint8Array([0x89, 0x50]) },
      { type: 'setOptions', options: DEFAULT_PLOT_OPTIONS, selected: [] },
      { type: 'drawn', ms: 1, points: 2, charts: 1 },
    ];
    const details = [{ type: 'openLink', url: 'https://x' }, { type: 'plotMetrics', keys: [] }, { type: 'listArtifacts', path: '' }, { type: 'compareWorkingTree' }];
    const model = [{ type: 'serve' }, { type: 'predict' }, { type: 'copyUri' }];
    for (const m of plots) assert.ok(parsePlotsMessage(m) && !parseRunDetailsMessage(m) && !parseModelMessage(m) && !parseTableMessage(m), JSON.stringify(m));
    for (const m of details) assert.ok(parseRunDetailsMessage(m) && !parsePlotsMessage(m) && !parseModelMessage(m) && !parseTableMessage(m), JSON.stringify(m));
    for (const m of model) assert.ok(parseModelMessage(m) && !parsePlotsMessage(m) && !parseRunDetailsMessage(m) && !parseTableMessage(m), JSON.stringify(m));
    assert.deepEqual(parseTableMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseTableMessage({ type: 'ready', width: 3 }), undefined);
    assert.equal(parseModelMessage({ type: 'openSource', path: '/etc/passwd' }), undefined);
    assert.equal(parsePlotsMessage({ type: 'ready' }), undefined, 'plots need the chart width');
  });
});

describe('webview stack: escapeHtml', () => {
  it('escapes markup and both quote kinds', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&\`</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
    assert.equal(escapeHtml('plain text'), 'plain text');
  });
});

describe('webview stack: inspector', () => {
  it('keeps nothing until a test records, and stops when the recording is disposed', () => {
    const inspector = new WebviewInspector();
    const a = {};
    const b = {};
    inspector.report(a, 'toWebview', { type: 'early' });
    const rec = inspector.record();
    const seen: string[] = [];
    rec.onDidRecord((r) => seen.push(r.type));
    inspector.report(a, 'toWebview', { type: 'one' });
    inspector.report(b, 'fromWebview', { type: 'two' });
    inspector.report(a, 'fromWebview', { type: 'three' });
    assert.deepEqual(rec.of(a).map((r) => r.type), ['one', 'three']);
    assert.deepEqual(rec.of(a, 'fromWebview').map((r) => r.type), ['three']);
    assert.deepEqual(rec.of(b).map((r) => r.type), ['two']);
    assert.deepEqual(seen, ['one', 'two', 'three']);
    rec.dispose();
    inspector.report(a, 'toWebview', { type: 'late' });
    assert.deepEqual(rec.records.map((r) => r.type), ['one', 'two', 'three']);
  });
});

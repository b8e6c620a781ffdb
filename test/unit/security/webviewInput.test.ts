// The host boundary of the webviews (their message and persisted-state parsers) and the note renderer,
// fed the hostile store's strings and messages a compromised webview could send.
import * as assert from 'node:assert/strict';
import { HOSTILE } from '../../support/hostileStore';
import { renderMarkdown, safeHref } from '../../../src/runDetails/markdown';
import { parsePlotsMessage, parsePlotsState } from '../../../src/plots/protocol';
import { parseRunDetailsMessage, parseRunDetailsState } from '../../../src/runDetails/protocol';
import { isWebUrl } from '../../../src/webviews/validate';

/** A message either webview panel (plots, run details) accepts; each panel validates its own union. */
const parseWebviewMessage = (m: unknown) => parsePlotsMessage(m) ?? parseRunDetailsMessage(m);
const parsePersistedState = (s: unknown) => parsePlotsState(s) ?? parseRunDetailsState(s);

const ALLOWED_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'br', 'a']);

describe('security: webview boundary and note rendering', () => {
  it('fields named like Object.prototype members are unknown fields (was: accepted as known)', () => {
    for (const m of [
      JSON.parse('{"type":"refresh","__proto__":{"polluted":1}}'),
      { type: 'refresh', constructor: 'x' },
      { type: 'ready', width: 3, toString: 1 },
      { type: 'openSource', hasOwnProperty: 1 },
      { type: 'copy', text: 'x', valueOf: 1 },
    ]) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('hostile strings are fine as data but not as message types or shapes', () => {
    assert.ok(parseWebviewMessage({ type: 'copy', text: HOSTILE.paramValue }));
    assert.ok(parseWebviewMessage({ type: 'openArtifact', path: HOSTILE.artifactName }));
    for (const m of [{ type: HOSTILE.runNames[0] }, { type: 'openLink', url: ['https://x'] }, { type: 'plotMetrics', keys: 'loss' }, { type: 'exportPng', name: 'x', data: { byteLength: 1 } }]) {
      assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
    }
    for (const u of ['javascript:window.__pwned=1', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'command:workbench.action.quit', 'vbscript:x', 'data:text/html,<script>1</script>', 'file:///etc/passwd']) {
      assert.equal(isWebUrl(u), false, u);
      assert.equal(safeHref(u), undefined, u);
    }
    assert.equal(parsePersistedState({ view: 'runDetails', connKey: 'k', runId: 'r', __proto__: { x: 1 } })?.view, 'runDetails');
    assert.equal(parsePersistedState({ view: 'plots', connKey: 'k', runIds: [{}] }), undefined);
  });

  it('the hostile note renders to allowed, attribute-free elements and http(s) links only', () => {
    const html = renderMarkdown(HOSTILE.note);
    const tags = [...html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)];
    for (const [whole, name, attrs] of tags) {
      assert.ok(ALLOWED_TAGS.has(name.toLowerCase()), `tag ${whole}`);
      if (name === 'a') assert.match(attrs, /^ href="https?:\/\/[^"\s]*"$/, whole);
      else assert.equal(attrs.trim(), '', whole);
    }
    assert.ok(!/<(script|img|iframe|svg|style|meta|form|input|textarea)\b/i.test(html));
    assert.ok(html.includes('&lt;script&gt;'), 'raw HTML is shown as text');
    // the one http link keeps its quote escaped inside href: no attribute break-out
    assert.ok(!/href="[^"]*"\s*onmouseover/.test(html));
  });
});

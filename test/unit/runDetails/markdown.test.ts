import * as assert from 'assert';
import { renderMarkdown, safeHref } from '../../../src/runDetails/markdown';

/** Every tag the renderer emits, and every attribute. */
function tagsOf(html: string): { tags: Set<string>; attrs: Set<string> } {
  const tags = new Set<string>();
  const attrs = new Set<string>();
  for (const m of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    tags.add(m[1].toLowerCase());
    for (const a of m[2].matchAll(/([a-zA-Z-]+)=/g)) attrs.add(a[1].toLowerCase());
  }
  return { tags, attrs };
}

const ALLOWED = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'br', 'a']);

describe('webview markdown: safe renderer for run notes', () => {
  it('renders headings, emphasis, code, lists and http(s) links', () => {
    const html = renderMarkdown('# Title\n\nSome **bold**, *em* and `code`.\n\n- one\n- [two](https://example.com/a?b=1&c=2)\n\n1. first\n2. second\n\n```\nx < y\n```');
    assert.match(html, /<h1>Title<\/h1>/);
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<em>em<\/em>/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /<ul><li>one<\/li><li><a href="https:\/\/example.com\/a\?b=1&amp;c=2">two<\/a><\/li><\/ul>/);
    assert.match(html, /<ol><li>first<\/li><li>second<\/li><\/ol>/);
    assert.match(html, /<pre><code>x &lt; y<\/code><\/pre>/);
  });

  it('lets nothing hostile through', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<svg/onload=alert(1)>',
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click](  javascript:alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[x](vbscript:msgbox)',
      '[x](file:///etc/passwd)',
      '[x](command:workbench.action.terminal.new)',
      '[x](https://ok.example/"onmouseover="alert(1))',
      '**<b onclick=alert(1)>bold</b>**',
      '`<script>`',
      '<a href="javascript:alert(1)">a</a>',
      '<iframe src="https://evil"></iframe>',
      '# <style>body{display:none}</style>',
      '- <img src=x onerror=alert(1)>',
      '```\n</code></pre><script>alert(1)</script>\n```',
      '[a](https://x.example/\u0000javascript:alert(1))',
      '<<script>script>alert(1)<</script>/script>',
    ].join('\n\n');
    const html = renderMarkdown(hostile);
    const { tags, attrs } = tagsOf(html);
    for (const t of tags) assert.ok(ALLOWED.has(t), `unexpected tag <${t}> in ${html}`);
    for (const a of attrs) assert.strictEqual(a, 'href');
    assert.ok(!/<(script|img|svg|iframe|style)/i.test(html), html);
    for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1], /^https?:\/\//);
    assert.ok(!/href="[^"]*(javascript|data:|vbscript|file:|command:)/i.test(html));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'shown as text');
  });

  it('safeHref accepts only absolute http(s) URLs without control characters or spaces', () => {
    assert.strictEqual(safeHref('https://example.com'), 'https://example.com/');
    for (const u of ['javascript:alert(1)', '//evil.example', '/relative', 'https://a b', 'http://x\n.y', 'mailto:a@b']) assert.strictEqual(safeHref(u), undefined, u);
  });
});

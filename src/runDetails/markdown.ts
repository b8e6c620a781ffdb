// A small, safe Markdown renderer for run notes (mlflow.note.content). Pure; no DOM.
// Everything is HTML-escaped; the only markup produced is: h1–h6, p, strong, em, code, pre,
// ul/ol/li, br and a[href] whose URL is http(s). No raw HTML passes through, no attributes other
// than href, no other URL schemes (javascript:, data:, vbscript:, file: … are shown as text).

import { escapeHtml } from '../webviews/escape';

/** The URL when it is an absolute http(s) URL without control characters, else undefined. */
export function safeHref(raw: string): string | undefined {
  const url = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(url)) return undefined;
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const INLINE = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^()\s]*)\)|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\*([^*\s][^*\n]*)\*|(?<![\w])_([^_\s][^_\n]*)_(?![\w])/g;

export function renderInline(s: string, depth = 0): string {
  if (depth > 4) return escapeHtml(s);
  let out = '';
  let last = 0;
  const re = new RegExp(INLINE.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    out += escapeHtml(s.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) out += `<code>${escapeHtml(m[1])}</code>`;
    else if (m[2] !== undefined) {
      const href = safeHref(m[3]);
      out += href ? `<a href="${escapeHtml(href)}">${renderInline(m[2], depth + 1)}</a>` : renderInline(m[2], depth + 1);
    } else if (m[4] !== undefined || m[5] !== undefined) out += `<strong>${renderInline(m[4] ?? m[5], depth + 1)}</strong>`;
    else out += `<em>${renderInline(m[6] ?? m[7], depth + 1)}</em>`;
  }
  return out + escapeHtml(s.slice(last));
}

/** Markdown → HTML that contains only the elements listed at the top of this file. */
export function renderMarkdown(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.map((l) => renderInline(l)).join('<br>')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${renderInline(i)}</li>`).join('')}</${list.tag}>`);
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) body.push(lines[i]);
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flushPara();
      flushList();
      out.push(`<h${h[1].length}>${renderInline(h[2])}</h${h[1].length}>`);
      continue;
    }
    const li = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (li) {
      flushPara();
      const tag = /\d/.test(li[1]) ? 'ol' : 'ul';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(li[2]);
      continue;
    }
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    flushList();
    para.push(line.trim());
  }
  flushPara();
  flushList();
  return out.join('\n');
}

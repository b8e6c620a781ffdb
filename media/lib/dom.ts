// Tiny DOM helpers: elements are built with textContent only (never innerHTML), so data from
// MLflow (run names, params, tags) can never become markup.
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
type Child = Node | string | number | undefined | null | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (k === 'class') el.className = String(v);
    else if (k in el && k !== 'list' && typeof v !== 'string') (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

export function clear(el: Element): void {
  // one DOM call: removing children one by one was a quarter of the runs table's scroll frame script
  el.replaceChildren();
}

/** The resolved value of a CSS custom property (a --vscode-* colour), with a fallback. */
export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A codicon-free icon button with a text label for screen readers. */
export function button(label: string, text: string, onClick: (e: Event) => void, extra: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn', 'aria-label': label, title: label, onclick: onClick, ...extra }, text);
}

/** Calls fn when VS Code switches theme (the body's vscode-light/dark/high-contrast class changes). */
export function onThemeChange(fn: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      fn();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

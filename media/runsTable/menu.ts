// A small context menu for the runs table (header and cell menus): role="menu" with menu items,
// opened at the pointer or under the focused cell, Up/Down/Home/End to move, Enter/Space to run an
// item, Escape or a click elsewhere to close (focus goes back where it was).
import { h } from '../lib/dom';

export interface MenuItem {
  label: string;
  /** Tooltip (also why a disabled item is disabled). */
  title?: string;
  disabled?: boolean;
  run?: () => void;
}

/** `undefined` entries are separators. */
export type MenuEntries = (MenuItem | undefined)[];

let open: { el: HTMLElement; close(): void } | undefined;

export function closeMenu(): void {
  open?.close();
}

export function showMenu(x: number, y: number, entries: MenuEntries, label: string): void {
  closeMenu();
  const back = document.activeElement as HTMLElement | null;
  const el = h('div', { class: 'ctx-menu', role: 'menu', 'aria-label': label, tabindex: -1 });
  const items: HTMLElement[] = [];
  for (const e of entries) {
    if (!e) {
      if (items.length) el.append(h('div', { class: 'ctx-sep', role: 'separator' }));
      continue;
    }
    const it = h('div', { class: 'ctx-item', role: 'menuitem', tabindex: -1, title: e.title, 'aria-disabled': e.disabled ? 'true' : undefined }, e.label);
    it.addEventListener('click', (ev) => {
      ev.stopPropagation();
      if (e.disabled) return;
      close();
      e.run?.();
    });
    items.push(it);
    el.append(it);
  }
  const onDown = (ev: MouseEvent) => {
    if (!el.contains(ev.target as Node)) close();
  };
  const close = () => {
    if (open?.el !== el) return;
    open = undefined;
    window.removeEventListener('mousedown', onDown, true);
    el.remove();
    back?.focus();
  };
  el.addEventListener('keydown', (ev) => {
    const i = items.indexOf(document.activeElement as HTMLElement);
    const to: Record<string, number> = { ArrowDown: (i + 1) % items.length, ArrowUp: (i - 1 + items.length) % items.length, Home: 0, End: items.length - 1 };
    if (ev.key in to) items[to[ev.key]]?.focus();
    else if (ev.key === 'Enter' || ev.key === ' ') items[i]?.click();
    else if (ev.key === 'Escape' || ev.key === 'Tab') close();
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  });
  document.body.append(el);
  el.style.left = `${Math.max(0, Math.min(x, window.innerWidth - el.offsetWidth - 4))}px`;
  el.style.top = `${Math.max(0, Math.min(y, window.innerHeight - el.offsetHeight - 4))}px`;
  window.addEventListener('mousedown', onDown, true);
  open = { el, close };
  (items.find((it) => it.getAttribute('aria-disabled') !== 'true') ?? el).focus();
}

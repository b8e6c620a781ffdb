'use strict';
// Playwright helpers for driving the VS Code workbench served by code-server.
// Selectors checked against code-server 4.139.1 (VS Code 1.139.1); adapted from
// ../shared/vscode/harness/lib/workbench.js.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { quickInputState, settleFocus, closeQuickInput, typeIntoQuickInput } = require('./quickInput');

const ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const shotsDir = () => process.env.SHOTS_DIR || path.join(ROOT, 'shots');

async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`no chromium at ${CHROMIUM}: run \`bash scripts/install-vscode.sh\` (apt-get install chromium) or set CHROMIUM`);
  }
  // Chromium's crash reporter writes to $XDG_CONFIG_HOME/chromium even with a custom
  // --user-data-dir; point it at a temp dir that is removed when the browser closes.
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-pw-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: xdg },
    // playwright-core gives each launch a fresh temporary --user-data-dir
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const cleanup = () => { try { fs.rmSync(xdg, { recursive: true, force: true }); } catch { /* best effort */ } };
  browser.on('disconnected', cleanup);
  process.once('exit', cleanup); // also when the process is stopped by a signal or crashes
  return browser;
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

class Workbench {
  constructor(page) { this.page = page; }

  static async open(browser, url, { width = 1400, height = 900, timeout = 60000 } = {}) {
    const page = await browser.newPage({ viewport: { width, height } });
    const wb = new Workbench(page);
    await page.goto(url);
    await wb.ready(timeout);
    return wb;
  }

  async ready(timeout = 60000) {
    await this.page.waitForSelector('.monaco-workbench .part.activitybar', { timeout });
  }

  // ---- activity bar / side bar ----------------------------------------------------------

  /** Activity bar icon by its title (viewsContainers.activitybar[].title). */
  activity(title) {
    return this.page.locator(`.part.activitybar a.action-label[aria-label="${title}"]`);
  }
  /** Open a view container by its activity-bar title; no-op if it is already showing. */
  async openView(title) {
    const heading = this.page.locator('.part.sidebar .composite.title .title-label h2', { hasText: title });
    if (await heading.isVisible().catch(() => false)) return;
    await this.activity(title).click();
    // the side bar title becomes "<container title>" or "<container title>: <view name>"
    await heading.waitFor();
  }
  /** A view's pane header inside the side bar (e.g. "Experiments"), to expand/collapse sections. */
  paneHeader(name) {
    return this.page.locator('.part.sidebar .pane-header', { has: this.page.locator('h3.title', { hasText: new RegExp(`^${escapeRe(name)}$`, 'i') }) });
  }
  /** Welcome text (viewsWelcome) shown in the side bar. */
  welcome(text) {
    return this.page.locator('.part.sidebar .welcome-view-content', { hasText: text });
  }

  /** Wait until the status bar no longer shows "Activating Extensions…" (passes at once if it never did). */
  async waitForActivation(timeout = 30000) {
    await this.page.waitForFunction(() => ![...document.querySelectorAll('.part.statusbar .statusbar-item')]
      .some(e => /Activating Extensions/i.test(e.textContent || '')), null, { timeout });
  }

  // ---- trees ----------------------------------------------------------------------------

  /** Tree row in the side bar by its exact label (aria-label is the tooltip if one is set). */
  treeRow(label) {
    const name = label instanceof RegExp ? label : new RegExp(`^${escapeRe(label)}$`);
    return this.page.locator('.part.sidebar .monaco-list-row[role="treeitem"]')
      .filter({ has: this.page.locator('.label-name', { hasText: name }) });
  }
  /** Expand a collapsed row (clicking an expanded one would collapse it). */
  async expand(label) {
    const row = this.treeRow(label).first();
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.click();
      await this.page.waitForFunction(el => el.getAttribute('aria-expanded') === 'true', await row.elementHandle());
    }
  }
  /** Right-clicks `target` and runs the context-menu entry `entry`. */
  async contextMenu(target, entry) {
    await target.click({ button: 'right' });
    await this.runMenuEntry(entry);
  }
  /** Runs an entry of the open context menu (VS Code menus act on mouse-up over a hovered item). */
  async runMenuEntry(entry) {
    const item = this.page.locator('.context-view .action-menu-item', { hasText: entry }).first();
    await item.waitFor();
    await item.hover();
    await this.page.waitForTimeout(150);
    await this.page.mouse.down();
    await this.page.mouse.up();
  }
  /** Rows currently rendered in the side bar (virtualised: only what is on screen). */
  async treeLabels() {
    return this.page.$$eval('.part.sidebar .monaco-list-row[role="treeitem"]', els => els.map(e => ({
      label: e.querySelector('.label-name')?.textContent,
      description: e.querySelector('.label-description')?.textContent || undefined,
      level: Number(e.getAttribute('aria-level')),
      expanded: e.getAttribute('aria-expanded'),
      selected: e.getAttribute('aria-selected') === 'true',
    })));
  }

  // ---- commands, quick input ------------------------------------------------------------

  /**
   * Run a command through the command palette by its title as F1 shows it ("MLflow: Refresh"), picking
   * the row with exactly that title if there is one. Before F1 the focus is settled (no hover, not in a
   * webview); the title is typed only once the palette has the focus, and Enter pressed only if it
   * still has it. When the palette lost the focus (see quickInput.js) or the command is not listed yet
   * (right after load the extension's commands may not be registered), it is closed and opened again
   * until `timeout`, each time logged.
   */
  async runCommand(title, { timeout = 30000 } = {}) {
    const deadline = Date.now() + timeout;
    for (let attempt = 1; ; attempt++) {
      const problem = await this.tryPaletteCommand(title);
      if (!problem) return;
      if (Date.now() > deadline) throw new Error(`could not run "${title}" from the command palette within ${timeout} ms: ${problem}`);
      console.log(`# palette, "${title}" (attempt ${attempt}): ${problem}; closing it and asking again`);
      await closeQuickInput(this.page);
      await this.page.waitForTimeout(500);
    }
  }
  /** One try of runCommand: undefined once Enter was pressed on the command's row, or what went wrong. */
  async tryPaletteCommand(title) {
    await settleFocus(this.page);
    await closeQuickInput(this.page);
    await this.page.keyboard.press('F1');
    const typed = await typeIntoQuickInput(this.page, '>' + title);
    if (typed) return typed;
    const rows = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title });
    const exactLabel = this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) });
    try {
      await rows.first().waitFor({ timeout: 2000 });
    } catch {
      return 'the command is not listed (yet)';
    }
    // Enter takes the active row, which lags behind the typed filter for a moment: wait for it to be the
    // command's (with exactly this title when one has it), else click the command's row
    const wanted = (await rows.filter({ has: exactLabel }).count()) > 0 ? rows.filter({ has: exactLabel }) : rows;
    const active = this.page.locator('.quick-input-widget .monaco-list-row.focused');
    const activeIsWanted = async () => (await active.filter(wanted === rows ? { hasText: title } : { has: exactLabel }).count()) > 0;
    for (let i = 0; i < 20 && !(await activeIsWanted()); i++) await this.page.waitForTimeout(100);
    if (!(await activeIsWanted())) {
      await wanted.first().click();
    } else {
      const state = await quickInputState(this.page);
      if (!state.ready || state.value !== '>' + title) return `the palette lost the focus before Enter (focus: ${state.focus})`;
      await this.page.keyboard.press('Enter');
    }
    // returns once the palette is gone or replaced by the command's own quick input, so that what is typed
    // next cannot land in the palette
    for (let i = 0; i < 50; i++) {
      const s = await quickInputState(this.page);
      if (!s.open || s.value !== '>' + title) break;
      await this.page.waitForTimeout(100);
    }
    return undefined;
  }
  /**
   * Switch the colour theme with Preferences: Color Theme (the theme's label as the picker lists it) and
   * wait for the workbench to carry `workbenchClass` (vs, vs-dark, hc-black, hc-light), then `settleMs`.
   */
  async setColorTheme(label, workbenchClass, { settleMs = 800 } = {}) {
    await this.runCommand('Preferences: Color Theme');
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'Dark Modern' }).first().waitFor({ timeout: 10000 });
    await this.page.locator('.quick-input-widget input').fill(label);
    await rows.filter({ hasText: label }).first().click();
    await this.page.waitForFunction(cls => document.querySelector('.monaco-workbench')?.classList.contains(cls), workbenchClass, { timeout: 10000 });
    await this.page.waitForTimeout(settleMs);
  }
  /** The open quick input (a showQuickPick / showInputBox from the extension). */
  quickInput() { return this.page.locator('.quick-input-widget'); }
  /** Type into the open quick input and press Enter; throws (saying where the focus went) if it lost the focus first. */
  async answerInput(text, o = {}) {
    const problem = await typeIntoQuickInput(this.page, text, o);
    if (problem) throw new Error(`could not answer the quick input with "${text}": ${problem}`);
    await this.page.keyboard.press('Enter');
  }
  /**
   * Run a command that opens a quick input (titled `title`) and type `text` into it, then press Enter.
   * When the workbench took the focus from that quick input before Enter, it is closed and the command
   * run again (up to `attempts` times, logged). What happens after Enter is the extension's: not retried.
   */
  async commandThenAnswer(command, text, { title, sequentially = false, attempts = 3 } = {}) {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(command);
      const problem = await typeIntoQuickInput(this.page, text, { title, sequentially });
      if (!problem) break;
      if (attempt >= attempts) throw new Error(`"${command}": ${problem} (${attempts} attempts)`);
      console.log(`# "${command}" (attempt ${attempt}): ${problem}; closing it and asking again`);
      await closeQuickInput(this.page);
    }
    await this.page.keyboard.press('Enter');
  }
  async pickItem(label) {
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().click();
  }

  /** Quick-open (Ctrl+P) a workspace file and wait for its tab. */
  async openFile(name) {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor();
  }
  /** The active editor tab. */
  activeTab() { return this.page.locator('.tabs-container .tab.active'); }

  // ---- webviews, terminal, code lens, notifications -------------------------------------

  /**
   * FrameLocator for a webview's content: outer iframe.webview.ready (its src carries
   * extensionId=<publisher.name>) > inner iframe#active-frame holding the extension's HTML.
   */
  webview(extensionId = 'mlflow-vscode.mlflow-vscode', nth = 0) {
    const outer = extensionId ? `iframe.webview.ready[src*="extensionId=${extensionId}"]` : 'iframe.webview.ready';
    return this.page.frameLocator(outer).nth(nth).frameLocator('#active-frame');
  }

  /** Text of the active integrated terminal, read from xterm's buffer (renderer-independent). */
  async terminalText() {
    return this.page.evaluate(() => {
      const w = document.querySelector('.terminal-wrapper.active') || document.querySelector('.terminal-wrapper');
      const x = w && w.xterm;
      if (!x) return null;
      const b = x.buffer.active, lines = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
      return lines.join('\n').replace(/\n+$/, '');
    });
  }
  async waitForTerminalText(re, timeout = 20000) {
    await this.page.waitForFunction(({ src, flags }) => {
      const w = document.querySelector('.terminal-wrapper.active'); const x = w && w.xterm;
      if (!x) return false;
      const b = x.buffer.active; let s = '';
      for (let i = 0; i < b.length; i++) s += b.getLine(i).translateToString(true) + '\n';
      return new RegExp(src, flags.includes('m') ? flags : flags + 'm').test(s);
    }, { src: re.source, flags: re.flags }, { timeout });
  }

  /** A code lens link in the active editor, by its title. */
  codeLens(title) {
    return this.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: title });
  }

  /** Notification toast whose message contains text. */
  notification(text) {
    return this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text });
  }
  async notificationTexts() {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  /** Status bar item by (part of) its text. */
  statusBarItem(text) {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** PNG of the page to shots/<name>.png (SHOTS_DIR overrides; an absolute name is used as is); returns the path. */
  async screenshot(name) {
    await this.page.waitForTimeout(300); // let fade-in animations (toasts, hovers) finish
    const file = path.resolve(shotsDir(), name.endsWith('.png') ? name : name + '.png'); // absolute names stay
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }
}

module.exports = { launchBrowser, Workbench, shotsDir, escapeRe, CHROMIUM };

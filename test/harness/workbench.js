'use strict';
// Playwright helpers for driving the VS Code workbench served by code-server.
// Selectors checked against code-server 4.139.1 (VS Code 1.139.1); adapted from
// ../shared/vscode/harness/lib/workbench.js.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

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
   * Run a command through the command palette by its title as F1 shows it ("MLflow: Refresh").
   * Retries until `timeout`: right after load the extension's commands may not be registered yet.
   */
  async runCommand(title, { timeout = 30000 } = {}) {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.waitFor();
      await input.fill('>' + title);
      try {
        await row.waitFor({ timeout: 2000 });
        break;
      } catch {
        await this.page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette within ${timeout} ms`);
        await this.page.waitForTimeout(500);
      }
    }
    await this.page.keyboard.press('Enter');
  }
  /** The open quick input (a showQuickPick / showInputBox from the extension). */
  quickInput() { return this.page.locator('.quick-input-widget'); }
  async answerInput(text) {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(text);
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

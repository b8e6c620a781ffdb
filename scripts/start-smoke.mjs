// `npm start -- --smoke`: the browser check of the started code-server. Opens the workbench in Debian
// chromium (playwright-core, the UI tests' harness), opens the MLflow view and waits until its
// Experiments tree lists every experiment of the demo store. Throws an Error that says what was seen.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { launchBrowser, Workbench, escapeRe } = require('../test/harness/workbench.js');

/**
 * @param {string} url            the workspace URL code-server serves
 * @param {string[]} experiments  names the Experiments view must list
 * @param {{ timeoutMs?: number, screenshot?: string }} [o]  screenshot: file name under shots/
 * @returns {Promise<{ rows: string[], screenshot: string }>}
 */
export async function checkExplorer(url, experiments, { timeoutMs = 120_000, screenshot = 'start-smoke' } = {}) {
  const browser = await launchBrowser();
  let wb;
  try {
    wb = await Workbench.open(browser, url, { timeout: timeoutMs });
    await wb.openView('MLflow');
    // the Experiments tree only: the Models view lists experiments too (their logged models)
    const tree = wb.page.getByRole('tree', { name: 'Experiments' });
    const deadline = Date.now() + timeoutMs;
    for (const name of experiments) {
      await tree.locator('.monaco-list-row[role="treeitem"]').filter({ has: wb.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) })
        .first().waitFor({ timeout: Math.max(1000, deadline - Date.now()) });
    }
    const rows = await tree.locator('.monaco-list-row[role="treeitem"] .label-name').allInnerTexts();
    return { rows, screenshot: await wb.screenshot(screenshot) };
  } catch (e) {
    let seen = '';
    if (wb) {
      const rows = await wb.treeLabels().catch(() => []);
      const welcome = await wb.page.locator('.part.sidebar .welcome-view-content').allInnerTexts().catch(() => []);
      const toasts = await wb.notificationTexts().catch(() => []);
      const shot = await wb.screenshot(`${screenshot}-FAILED`).catch(() => undefined);
      seen = `\n  side bar rows: ${rows.length ? rows.map((r) => r.label).join(', ') : '(none)'}` +
        (welcome.length ? `\n  welcome text: ${welcome.join(' | ').replace(/\s+/g, ' ')}` : '') +
        (toasts.length ? `\n  notifications: ${toasts.join(' | ')}` : '') +
        (shot ? `\n  screenshot: ${shot}` : '');
    }
    throw new Error(`the MLflow view did not list the demo's experiments (${experiments.join(', ')}): ${e.message.split('\n')[0]}${seen}`);
  } finally {
    await browser.close().catch(() => {});
  }
}

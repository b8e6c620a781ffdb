// UI: arranging the runs table's columns and quick filters, in the real workbench (code-server +
// Chromium) on the v3 file store MLflow 3 wrote: a header dragged onto another moves there (and does
// not sort), "Pin Column" from the header's context menu keeps the column at the left while the grid
// scrolls sideways, the keyboard opens the cell menu (Shift+F10), and a cell's "Only runs with …"
// puts MLflow's clause in the filter and shows just those runs. Screenshot of the pinned, filtered table.
//   node --test test/ui/runsTableColumns.test.mjs   (after npm run build && npm run package)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ui from '../harness/ui.js';
import { openTable, V3_FILE_STORE as STORE } from './support/runsTable.mjs';

const { useWorkbench, shotOnFail } = ui;
const ctx = useWorkbench({
  workspace: 'test/fixtures/workspace',
  settings: { 'mlflow.trackingUri': STORE, 'workbench.colorTheme': 'Default Dark Modern', 'mlflow.autoRefreshInterval': 0 },
});
const T = { timeout: 150000 };

const headerIds = (frame) => frame.locator('.hrow:not(.groups-row) .hcell[data-col]').evaluateAll((cells) => cells.map((c) => c.dataset.col));

test('runs table columns: drag to reorder, pin from the header menu, quick filter from a cell menu', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  const frame = await openTable(wb, 'iris-classification');
  const page = wb.page;

  // drag the User header onto the left half of "Created": it moves just before it, unsorted
  const user = frame.locator('.hcell[data-col="a:user"]');
  const created = frame.locator('.hcell[data-col="a:start"]');
  const from = await user.boundingBox();
  const to = await created.boundingBox();
  assert.ok(from && to);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 - 20, from.y + from.height / 2, { steps: 4 });
  await page.mouse.move(to.x + 8, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await frame.locator('.grid').evaluate((g) => (g.scrollLeft = 0));
  let ids = await headerIds(frame);
  assert.deepEqual(ids.slice(0, 4), ['a:status', 'a:name', 'a:user', 'a:start'], ids.join(' '));
  assert.equal(await user.getAttribute('aria-sort'), 'none', 'a drag is not a sort');
  const rowCell = frame.locator('.grid .row').first().locator('.cell').nth(2);
  assert.equal(await rowCell.getAttribute('data-col'), 'a:user', 'the rows follow the header');

  // pin the C parameter from its header's context menu: it joins the pinned columns at the left
  await frame.locator('.hcell[data-col="p:C"]').scrollIntoViewIfNeeded();
  await frame.locator('.hcell[data-col="p:C"]').click({ button: 'right' });
  await frame.locator('.ctx-menu [role="menuitem"]', { hasText: 'Pin Column' }).click();
  ids = await headerIds(frame);
  assert.deepEqual(ids.slice(0, 4), ['a:status', 'a:name', 'p:C', 'a:user'], ids.join(' '));
  const grid = frame.locator('.grid');
  const pinnedAt = async () => (await frame.locator('.hcell[data-col="p:C"]').boundingBox()).x;
  await grid.evaluate((g) => (g.scrollLeft = 0));
  const x0 = await pinnedAt();
  await grid.evaluate((g) => (g.scrollLeft = g.scrollWidth));
  await page.waitForTimeout(200);
  assert.ok(await grid.evaluate((g) => g.scrollLeft > 100), 'the grid scrolled sideways');
  assert.equal(await pinnedAt(), x0, 'the pinned column stays where it was');
  await grid.evaluate((g) => (g.scrollLeft = 0));

  // the keyboard opens the same cell menu on the active cell
  await frame.locator('.grid .row').first().locator('.name').click();
  await grid.press('Shift+F10');
  await frame.locator('.ctx-menu [role="menuitem"]', { hasText: 'Move Column Left' }).waitFor({ timeout: 5000 });
  await page.keyboard.press('Escape');
  await frame.locator('.ctx-menu').waitFor({ state: 'detached', timeout: 5000 });

  // quick filter: "Only runs with C = <this cell's value>"
  const cCells = frame.locator('.grid .row .cell[data-col="p:C"]');
  const texts = await cCells.allTextContents();
  const at = texts.findIndex((v) => v.trim() !== '');
  assert.ok(at >= 0, 'a run with a C');
  const cCell = cCells.nth(at);
  const value = texts[at].trim();
  await cCell.click({ button: 'right' });
  const only = frame.locator('.ctx-menu [role="menuitem"]', { hasText: `Only runs with C = ${value}` });
  await only.waitFor({ timeout: 5000 });
  await wb.screenshot('runs-table-cell-menu-dark');
  await only.click();
  await frame.locator('.count', { hasText: 'filtered' }).waitFor({ timeout: 30000 });
  assert.equal(await frame.locator('input.filter').inputValue(), `params.C = '${value}'`);
  const cs = await frame.locator('.grid .row .cell[data-col="p:C"]').allTextContents();
  assert.ok(cs.length >= 1 && cs.every((v) => v === value), cs.join(' '));
  await wb.screenshot('runs-table-pinned-filtered-dark');
}));

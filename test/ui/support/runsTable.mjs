// The runs table in the workbench, for the UI tests: the v3 file store MLflow 3 wrote, and opening an
// experiment's table from its inline action (waits for rows and the run count).
import path from 'node:path';
import { FIXTURES } from './fixtures.mjs';

export const V3_FILE_STORE = path.join(FIXTURES, 'stores', 'v3', 'mlruns');

export async function openTable(wb, experiment) {
  await wb.openView('MLflow');
  const row = wb.treeRow(experiment).first();
  await row.waitFor({ timeout: 60000 });
  await row.hover();
  await row.locator('.action-label[aria-label="Open Runs Table"]').click();
  const frame = wb.webview();
  await frame.locator('.grid .row').first().waitFor({ timeout: 60000 });
  await frame.locator('.count', { hasText: /runs?( |$)/ }).waitFor({ timeout: 30000 });
  return frame;
}

// Memory of a webview in the real workbench, through the Chrome DevTools Protocol:
//   jsHeap(...)       the V8 heap the webview's script runs in (Performance.getMetrics JSHeapUsedSize
//                     after HeapProfiler.collectGarbage), from the webview's own target when Chromium
//                     gave it a process of its own (an out-of-process iframe), else from the page's
//                     target, whose isolate then also holds the workbench (take the growth);
//   rendererPss(...)  PSS of the renderer processes (SystemInfo.getProcessInfo + /proc smaps_rollup;
//                     shared pages split fairly), in MiB;
//   rendererCpu(...)  CPU seconds used by the renderer processes;
//   domNodes(frame)   elements in the webview's document.
import fs from 'node:fs';

const MiB = 1024 * 1024;

/** The Playwright Frame holding the extension's HTML (the inner #active-frame of a webview). */
export function webviewFrame(page, extensionId = 'mlflow-vscode.mlflow-vscode') {
  const outer = page.frames().find((f) => f.url().includes(`extensionId=${extensionId}`));
  return outer?.childFrames().find((f) => f.name() === 'active-frame' || /fake\.html/.test(f.url())) ?? outer?.childFrames()[0];
}

/** A CDP session on the frame's own target when it is out of process, else on the page. */
export async function heapSession(page, frame) {
  const context = page.context();
  if (frame) {
    try {
      return { session: await context.newCDPSession(frame), own: true };
    } catch {
      // in the page's process: only the page has a target
    }
  }
  return { session: await context.newCDPSession(page), own: false };
}

/** JS heap used (MiB) after a full garbage collection, as the target's Performance domain reports it. */
export async function jsHeap(session) {
  await session.send('HeapProfiler.enable');
  await session.send('HeapProfiler.collectGarbage');
  await session.send('Performance.enable');
  const { metrics } = await session.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { used: m.JSHeapUsedSize / MiB, total: m.JSHeapTotalSize / MiB, nodes: m.Nodes, documents: m.Documents };
}

function pssMiB(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+)/m.exec(s)[1]) / 1024;
  } catch {
    return 0;
  }
}

/** PSS (MiB) of each renderer process of the browser, largest first. */
export async function rendererPss(browser) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').map((p) => ({ pid: p.id, pss: pssMiB(p.id) })).sort((a, b) => b.pss - a.pss);
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** CPU seconds the browser's renderer processes have used so far (to tell a busy page from a starved one). */
export async function rendererCpu(browser) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').reduce((s, p) => s + p.cpuTime, 0);
  } finally {
    await cdp.detach().catch(() => {});
  }
}

export async function domNodes(frame) {
  return frame.evaluate(() => document.getElementsByTagName('*').length);
}

/** 1-minute load average of the machine (the figure timings are to be read with). */
export function loadAverage() {
  return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

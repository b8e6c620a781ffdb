// Shared helpers of the extension-host suites: the extension's API, fixture stores, waiting.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MlflowExtensionApi } from '../../src/extension';
import type { Node } from '../../src/explorer/nodes';
import type { MessageRecord, Recording } from '../../src/webviews/inspector';

export const EXTENSION_ID = 'mlflow-vscode.mlflow-vscode';

export async function api(): Promise<MlflowExtensionApi> {
  const ext = vscode.extensions.getExtension<MlflowExtensionApi>(EXTENSION_ID);
  assert.ok(ext, 'extension not found');
  return ext.isActive ? ext.exports : await ext.activate();
}

let webviewRecording: Recording | undefined;

/** Records every webview message both ways while the calling suite runs (its own before/after hooks). */
export function recordWebviews(): void {
  before(async () => {
    webviewRecording = (await api()).services.webviewInspector.record();
  });
  after(() => {
    webviewRecording?.dispose();
    webviewRecording = undefined;
  });
}

/** The messages of one panel controller since the suite began recording, oldest first. */
export function webviewMessages(panel: object, dir?: MessageRecord['dir']): MessageRecord[] {
  assert.ok(webviewRecording, 'call recordWebviews() in the suite first');
  return webviewRecording.of(panel, dir);
}

/** Calls fn for every webview message recorded from now on. */
export function onWebviewMessage(fn: (r: MessageRecord) => void): vscode.Disposable {
  assert.ok(webviewRecording, 'call recordWebviews() in the suite first');
  return webviewRecording.onDidRecord(fn);
}

/**
 * Writes `<dir>/bin/mlflow`: runs the fake mlflow CLI (test/fixtures/fake-mlflow/mlflow), which appends
 * each call's argv and environment to `recordFile`. Returns the wrapper's path (for mlflow.cliPath).
 */
export function fakeMlflowCli(dir: string, recordFile: string): string {
  const fake = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'fixtures', 'fake-mlflow', 'mlflow');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const wrapper = path.join(dir, 'bin', 'mlflow');
  fs.writeFileSync(wrapper, `#!/bin/sh\nFAKE_MLFLOW_RECORD='${recordFile}' exec '${process.execPath}' '${fake}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}

/** Copies a fixture store to a temp folder (tests that write, or moved-store checks). */
export function copyToTemp(src: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-eh-'));
  const dest = path.join(root, path.basename(src));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Points the (first) workspace folder at `uri` and waits until the connection settles. */
export async function useTrackingUri(uri: string): Promise<MlflowExtensionApi> {
  const a = await api();
  await vscode.workspace.getConfiguration('mlflow').update('trackingUri', uri, vscode.ConfigurationTarget.Workspace);
  const conn = a.services.connections.all()[0];
  await conn.reconnect();
  await waitFor('connection to settle', () => (conn.state.name === 'connected' || conn.state.name === 'error' || conn.state.name === 'noStore' ? true : undefined));
  a.services.experiments.refresh();
  return a;
}

export function label(n: Node, a: MlflowExtensionApi): string {
  const l = a.services.experiments.getTreeItem(n).label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

export async function childByLabel(a: MlflowExtensionApi, parent: Node | undefined, text: string): Promise<Node> {
  const kids = await a.services.experiments.getChildren(parent);
  const found = kids.find((k) => label(k, a) === text);
  assert.ok(found, `no child "${text}" among: ${kids.map((k) => label(k, a)).join(', ')}`);
  return found;
}

/** Every file below dir (none when it cannot be read). */
export function filesUnder(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

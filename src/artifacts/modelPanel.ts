import * as vscode from 'vscode';
import { toTrackingError } from '../core/errors';
import type { Log } from '../log';
import type { ArtifactResolver } from './artifactFileSystem';
import { parseMlmodel, parseRequirements } from './mlmodel';
import type { ModelData, ModelFromWebview, ModelToWebview } from './artifactProtocol';
import { readHead } from './reader';
import { scriptWebviewHtml, scriptWebviewOptions } from './webviewHtml';

export const MODEL_PANEL_TYPE = 'mlflow.modelSummary';
const EXAMPLE_BYTES = 16 * 1024;

export interface ModelPanelTarget {
  /** The MLmodel file (any scheme VS Code can read; usually mlflow-artifact:). */
  uri: vscode.Uri;
  modelUri?: string;
  title: string;
}

/** Reads MLmodel and, next to it, requirements.txt and the (serving) input example. */
export async function loadModel(resolver: ArtifactResolver, t: ModelPanelTarget): Promise<ModelData> {
  const text = new TextDecoder().decode((await readHead(resolver, t.uri, 1024 * 1024)).bytes);
  const summary = parseMlmodel(text);
  const sibling = (name: string) => vscode.Uri.joinPath(t.uri, '..', name);
  const optional = async (name: string, max: number) => {
    try {
      return await readHead(resolver, sibling(name), max);
    } catch {
      return undefined; // not every model has it
    }
  };
  const data: ModelData = { title: t.title, modelUri: t.modelUri, summary };
  const req = await optional('requirements.txt', 64 * 1024);
  if (req) data.requirements = parseRequirements(new TextDecoder().decode(req.bytes));
  const examplePath = summary.inputExample?.servingInputPath ?? summary.inputExample?.path;
  if (examplePath) {
    const ex = await optional(examplePath, EXAMPLE_BYTES);
    if (ex) data.inputExample = { path: examplePath, text: prettyJson(new TextDecoder().decode(ex.bytes), ex.partial), truncated: ex.partial };
  }
  return data;
}

function prettyJson(text: string, partial: boolean): string {
  if (partial) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** One summary panel per MLmodel file; Serve / Predict hand the model URI to the model commands. */
export class ModelPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolver: ArtifactResolver,
    private readonly log: Log,
  ) {}

  show(t: ModelPanelTarget): vscode.WebviewPanel {
    const key = t.uri.toString();
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_PANEL_TYPE, t.title, vscode.ViewColumn.Active, scriptWebviewOptions(this.extensionUri));
    panel.webview.html = scriptWebviewHtml(panel.webview, this.extensionUri, 'artifactModel', t.title);
    this.panels.set(key, panel);
    const post = (m: ModelToWebview) => void panel.webview.postMessage(m);
    const sub = panel.webview.onDidReceiveMessage((m: ModelFromWebview) => this.onMessage(m, t, post));
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(key);
    });
    return panel;
  }

  private async onMessage(m: ModelFromWebview, t: ModelPanelTarget, post: (m: ModelToWebview) => void): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          post({ type: 'model', data: await loadModel(this.resolver, t) });
          return;
        case 'serve':
          if (t.modelUri) await vscode.commands.executeCommand('mlflow.serveModel', { modelUri: t.modelUri });
          return;
        case 'predict':
          if (t.modelUri) await vscode.commands.executeCommand('mlflow.predictModel', { modelUri: t.modelUri });
          return;
        case 'copyUri':
          if (t.modelUri) {
            await vscode.env.clipboard.writeText(t.modelUri);
            vscode.window.setStatusBarMessage(`$(copy) Copied ${t.modelUri}`, 3000);
          }
          return;
        case 'openSource':
          await vscode.window.showTextDocument(t.uri, { preview: true });
          return;
      }
    } catch (e) {
      const err = toTrackingError(e);
      this.log.error(`[artifacts] model panel: ${err.userMessage}`);
      if (m.type === 'ready') post({ type: 'error', message: err.userMessage });
      else void vscode.window.showErrorMessage(`MLflow: ${err.userMessage}`);
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
  }
}

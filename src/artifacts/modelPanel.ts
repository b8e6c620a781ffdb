import * as vscode from 'vscode';
import { toTrackingError } from '../core/errors';
import { webviewHtml, webviewOptions } from '../webviews/html';
import { unhandled } from '../webviews/messages';
import { PanelController, type PanelDeps } from '../webviews/panel';
import type { ArtifactResolver } from './artifactFileSystem';
import { parseMlmodel, parseRequirements } from './mlmodel';
import { parseModelMessage, type ModelData, type ModelFromWebview, type ModelToWebview } from './modelProtocol';
import { readHead } from './reader';

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

/** The summary of one MLmodel file; Serve / Predict hand the model URI to the model commands. */
class ModelPanel extends PanelController<ModelToWebview, ModelFromWebview> {
  constructor(
    panel: vscode.WebviewPanel,
    deps: PanelDeps,
    private readonly resolver: ArtifactResolver,
    private readonly t: ModelPanelTarget,
  ) {
    super(panel, deps, 'artifacts', parseModelMessage);
  }

  protected async handle(m: ModelFromWebview): Promise<void> {
    try {
      await this.carryOut(m);
    } catch (e) {
      const err = toTrackingError(e);
      this.log.error(`[artifacts] model panel: ${err.userMessage}`);
      if (m.type === 'ready') void this.post(this.errorMessage(err.userMessage));
      else void vscode.window.showErrorMessage(`MLflow: ${err.userMessage}`);
    }
  }

  private async carryOut(m: ModelFromWebview): Promise<void> {
    const modelUri = this.t.modelUri;
    switch (m.type) {
      case 'ready':
        await this.post({ type: 'model', data: await loadModel(this.resolver, this.t) });
        return;
      case 'serve':
        if (modelUri) await vscode.commands.executeCommand('mlflow.serveModel', { modelUri });
        return;
      case 'predict':
        if (modelUri) await vscode.commands.executeCommand('mlflow.predictModel', { modelUri });
        return;
      case 'copyUri':
        if (modelUri) {
          await vscode.env.clipboard.writeText(modelUri);
          vscode.window.setStatusBarMessage(`$(copy) Copied ${modelUri}`, 3000);
        }
        return;
      case 'openSource':
        await vscode.window.showTextDocument(this.t.uri, { preview: true });
        return;
      default:
        unhandled(m);
    }
  }

  protected errorMessage(message: string): ModelToWebview {
    return { type: 'error', message };
  }
}

/** One summary panel per MLmodel file. */
export class ModelPanels implements vscode.Disposable {
  private readonly panels = new Map<string, ModelPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolver: ArtifactResolver,
    private readonly deps: PanelDeps,
  ) {}

  show(t: ModelPanelTarget): vscode.WebviewPanel {
    const key = t.uri.toString();
    const open = this.panels.get(key);
    if (open) {
      open.reveal();
      return open.panel;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_PANEL_TYPE, t.title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'artifactModel', t.title, { rootId: 'root', sharedCss: false });
    const c = new ModelPanel(panel, this.deps, this.resolver, t);
    this.panels.set(key, c);
    c.onDidClose(() => this.panels.delete(key));
    return panel;
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
  }
}

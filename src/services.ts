import type * as vscode from 'vscode';
import type { Connections } from './connection/connections';
import type { CredentialStore } from './connection/credentials';
import type { Log } from './log';
import type { Prompter } from './core/prompter';
import type { ExperimentsProvider } from './explorer/experimentsProvider';
import type { ModelsProvider } from './explorer/modelsProvider';
import type { Node } from './explorer/nodes';
import type { ArtifactsLogged } from './upload/events';
import type { WebviewInspector } from './webviews/inspector';

/** The object graph built once in activate() and handed to every feature. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  /** Every question and message of the commands; tests answer through prompter.override(). */
  prompter: Prompter;
  credentials: CredentialStore;
  connections: Connections;
  experiments: ExperimentsProvider;
  experimentsView: vscode.TreeView<Node>;
  models: ModelsProvider;
  /** Fired after files were logged to a run from VS Code. */
  artifactsLogged: ArtifactsLogged;
  /** Webview traffic for the extension-host tests: records only while a test asks. */
  webviewInspector: WebviewInspector;
  /** sql-wasm.wasm shipped beside the bundle. */
  wasmPath: string;
}

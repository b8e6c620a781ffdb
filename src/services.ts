import type * as vscode from 'vscode';
import type { Connections } from './connection/connections';
import type { CredentialStore } from './connection/credentials';
import type { Log } from './log';
import type { ExperimentsProvider } from './explorer/experimentsProvider';
import type { ModelsProvider } from './explorer/modelsProvider';
import type { Node } from './explorer/nodes';

/** Files were logged to a run from VS Code (code lenses re-read that run's artifacts). */
export interface ArtifactsLogged {
  connKey: string;
  runId: string;
}

/** The object graph built once in activate() and handed to every feature. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  credentials: CredentialStore;
  connections: Connections;
  experiments: ExperimentsProvider;
  experimentsView: vscode.TreeView<Node>;
  models: ModelsProvider;
  /** Fired by "Log Artifact" after files were written to a run; disposed with the extension. */
  artifactsLogged: vscode.EventEmitter<ArtifactsLogged>;
  /** sql-wasm.wasm shipped beside the bundle. */
  wasmPath: string;
}

import type * as vscode from 'vscode';
import type { Connections } from './connection/connections';
import type { CredentialStore } from './connection/credentials';
import type { Log } from './log';
import type { ExperimentsProvider } from './explorer/experimentsProvider';
import type { ModelsProvider } from './explorer/modelsProvider';
import type { Node } from './explorer/nodes';

/** The object graph built once in activate() and handed to every feature. */
export interface Services {
  context: vscode.ExtensionContext;
  log: Log;
  credentials: CredentialStore;
  connections: Connections;
  experiments: ExperimentsProvider;
  experimentsView: vscode.TreeView<Node>;
  models: ModelsProvider;
  /** sql-wasm.wasm shipped beside the bundle. */
  wasmPath: string;
}

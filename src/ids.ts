export const Views = {
  experiments: 'mlflow.experiments',
  models: 'mlflow.models',
} as const;

/**
 * The only `mlflow.*` commands registered without a package.json contribution (so they are not in
 * the palette): each is the target of links the extension builds itself. Every other command must be
 * contributed; test/vscode/activation.test.ts checks both ways.
 */
export const InternalCommands = {
  /** Code lens and hover links: open or compare a logged artifact (for folders, asks which file). */
  openLoggedArtifact: 'mlflow.codeLens.openLoggedArtifact',
} as const;

/** Run a Python script as an MLflow run and follow it (src/training). */
export const TrainingCommands = {
  runScript: 'mlflow.runScript',
  runScriptWithArgs: 'mlflow.runScriptWithArgs',
  rerunLast: 'mlflow.rerunLastScript',
  focusPlot: 'mlflow.showScriptRunPlot',
} as const;

export const ContextKeys = {
  state: 'mlflow.state',
  showDeleted: 'mlflow.showDeleted',
  runFilterActive: 'mlflow.runFilterActive',
  /** A script started with Run Script is running. */
  scriptRunning: 'mlflow.scriptRunning',
  /** A script was run (Re-run Last Script is available). */
  scriptRan: 'mlflow.scriptRan',
} as const;

export type ConnectionStateName = 'noStore' | 'connecting' | 'connected' | 'error';

export const SecretKeys = {
  credentials: (uri: string) => `mlflow.credentials:${uri}`,
} as const;

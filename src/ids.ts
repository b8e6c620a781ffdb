// Every command, view and context-key id of the extension. test/unit/ids.test.ts checks them against
// package.json both ways; nothing else spells an `mlflow.*` command or view id.

/** Commands package.json contributes (palette, menus, keybindings). */
export const Commands = {
  runScript: 'mlflow.runScript',
  runScriptWithArgs: 'mlflow.runScriptWithArgs',
  rerunLastScript: 'mlflow.rerunLastScript',
  showScriptRunPlot: 'mlflow.showScriptRunPlot',
  setTrackingUri: 'mlflow.setTrackingUri',
  refresh: 'mlflow.refresh',
  showLog: 'mlflow.showLog',
  openSettings: 'mlflow.openSettings',
  retry: 'mlflow.retry',
  signIn: 'mlflow.signIn',
  forgetCredentials: 'mlflow.forgetCredentials',
  filterRuns: 'mlflow.filterRuns',
  clearRunFilter: 'mlflow.clearRunFilter',
  sortRuns: 'mlflow.sortRuns',
  showDeletedExperiments: 'mlflow.showDeletedExperiments',
  hideDeletedExperiments: 'mlflow.hideDeletedExperiments',
  revealRun: 'mlflow.revealRun',
  copyRunId: 'mlflow.copyRunId',
  copyExperimentId: 'mlflow.copyExperimentId',
  copyArtifactUri: 'mlflow.copyArtifactUri',
  copyModelUri: 'mlflow.copyModelUri',
  copyValue: 'mlflow.copyValue',
  openInBrowser: 'mlflow.openInBrowser',
  deleteRun: 'mlflow.deleteRun',
  restoreRun: 'mlflow.restoreRun',
  renameRun: 'mlflow.renameRun',
  setTag: 'mlflow.setTag',
  deleteTag: 'mlflow.deleteTag',
  editNote: 'mlflow.editNote',
  loadMoreRuns: 'mlflow.loadMoreRuns',
  copyText: 'mlflow.copyText',
  artifactsOpen: 'mlflow.artifacts.open',
  artifactsOpenAsText: 'mlflow.artifacts.openAsText',
  artifactsOpenAsTable: 'mlflow.artifacts.openAsTable',
  artifactsOpenPreview: 'mlflow.artifacts.openPreview',
  artifactsShowModel: 'mlflow.artifacts.showModel',
  artifactsSelectForCompare: 'mlflow.artifacts.selectForCompare',
  artifactsCompareWithSelected: 'mlflow.artifacts.compareWithSelected',
  artifactsCompareSelected: 'mlflow.artifacts.compareSelected',
  artifactsCompareWith: 'mlflow.artifacts.compareWith',
  artifactsDownload: 'mlflow.artifacts.download',
  modelsFilter: 'mlflow.models.filter',
  modelsClearFilter: 'mlflow.models.clearFilter',
  modelsCopyModelUri: 'mlflow.models.copyModelUri',
  modelsServe: 'mlflow.models.serve',
  modelsPredict: 'mlflow.models.predict',
  modelsRevealSourceRun: 'mlflow.models.revealSourceRun',
  logArtifact: 'mlflow.logArtifact',
  logToRun: 'mlflow.logToRun',
  openRunDetails: 'mlflow.openRunDetails',
  plotMetric: 'mlflow.plotMetric',
  compareRuns: 'mlflow.compareRuns',
  openRunsTable: 'mlflow.openRunsTable',
  serveModel: 'mlflow.serveModel',
  predictModel: 'mlflow.predictModel',
  buildDocker: 'mlflow.buildDocker',
  generateDockerfile: 'mlflow.generateDockerfile',
  gc: 'mlflow.gc',
  startUi: 'mlflow.startUi',
  sendTestRequest: 'mlflow.sendTestRequest',
  stopModelServer: 'mlflow.stopModelServer',

} as const;

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
  modelsFilterActive: 'mlflow.models.filterActive',
  modelServersRunning: 'mlflow.modelServersRunning',
  artifactsHasCompareSelection: 'mlflow.artifacts.hasCompareSelection',
  /** A script was run (Re-run Last Script is available). */
  scriptRan: 'mlflow.scriptRan',
} as const;

export type ConnectionStateName = 'noStore' | 'connecting' | 'connected' | 'error';

export const SecretKeys = {
  credentials: (uri: string) => `mlflow.credentials:${uri}`,
} as const;

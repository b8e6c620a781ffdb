import type * as vscode from 'vscode';

export interface LoggedArtifacts {
  connKey: string;
  runId: string;
}

/** Fired after files were logged to a run from VS Code (code lenses re-read that run's artifacts). */
export type ArtifactsLogged = vscode.EventEmitter<LoggedArtifacts>;

import * as vscode from 'vscode';

/** Fired after files were logged to a run from VS Code (code lenses re-read that run's artifacts). */
export const artifactsLogged = new vscode.EventEmitter<{ connKey: string; runId: string }>();
export const onDidLogArtifacts = artifactsLogged.event;

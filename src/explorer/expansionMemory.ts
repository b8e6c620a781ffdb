import type * as vscode from 'vscode';

const KEY = 'mlflow.expandedNodes';
/** Most recently expanded first; older ones are forgotten beyond this. */
export const MAX_REMEMBERED = 500;

/** Which tree nodes (by stable id) the user left expanded, kept in the workspace's state across reloads. */
export class ExpansionMemory {
  private ids: string[];

  constructor(private readonly state?: vscode.Memento) {
    const v = state?.get<unknown>(KEY);
    this.ids = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_REMEMBERED) : [];
  }

  has(id: string): boolean {
    return this.ids.includes(id);
  }

  set(id: string, expanded: boolean): void {
    const rest = this.ids.filter((x) => x !== id);
    this.ids = expanded ? [id, ...rest].slice(0, MAX_REMEMBERED) : rest;
    void this.state?.update(KEY, this.ids.length ? this.ids : undefined);
  }
}

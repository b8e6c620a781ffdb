import * as vscode from 'vscode';
import type { Connections } from './connections';
import { Commands } from '../ids';

/** "MLflow: <store>" with its state; a click switches the store. */
export class StoreStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlflow.store', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;

  constructor(private readonly connections: Connections) {
    this.item.name = 'MLflow Tracking Store';
    this.item.command = Commands.setTrackingUri;
    this.sub = connections.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const conn = this.connections.active();
    if (!conn) {
      this.item.hide();
      return;
    }
    const s = conn.state;
    const md = new vscode.MarkdownString(undefined, true);
    // What a screen reader says: plain text (appendText turns spaces into &nbsp; in the markdown tooltip).
    let spoken: string;
    switch (s.name) {
      case 'idle':
      case 'connecting':
        this.item.text = '$(sync~spin) MLflow';
        md.appendMarkdown('Connecting to ').appendText(s.name === 'connecting' ? s.resolved?.display ?? '…' : '…');
        spoken = `MLflow: connecting to ${s.name === 'connecting' ? s.resolved?.display ?? 'the tracking store' : 'the tracking store'}`;
        this.item.backgroundColor = undefined;
        break;
      case 'noStore':
        this.item.text = '$(circle-slash) MLflow: no store';
        md.appendText(s.reason);
        spoken = `MLflow: no tracking store. ${s.reason}`;
        this.item.backgroundColor = undefined;
        break;
      case 'connected':
        this.item.text = `$(beaker) MLflow: ${shortName(s.resolved.display)}`;
        md.appendMarkdown(`Connected to **${s.resolved.kind === 'rest' ? 'tracking server' : s.resolved.kind === 'file' ? 'file store' : 'SQLite store'}**  \n`).appendText(s.resolved.display);
        spoken = `MLflow: connected to ${s.resolved.display}`;
        this.item.backgroundColor = undefined;
        break;
      case 'error':
        this.item.text = `$(error) MLflow: ${shortName(s.resolved?.display ?? 'error')}`;
        md.appendText(s.error.userMessage);
        spoken = `MLflow: error. ${s.error.userMessage}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
    const signIn = s.name === 'error' && s.error.kind === 'auth' && s.resolved?.kind === 'rest';
    this.item.command = signIn ? Commands.signIn : Commands.setTrackingUri;
    md.appendMarkdown(signIn ? '\n\n*Click to sign in*' : '\n\n*Click to switch the tracking store*');
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `${spoken}. Click to switch the tracking store.`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}

function shortName(display: string): string {
  const s = display.replace(/^(file|sqlite):\/*/, '');
  if (/^https?:\/\//.test(display)) return display.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const parts = s.split(/[\\/]/).filter(Boolean);
  return parts.slice(-2).join('/') || display;
}

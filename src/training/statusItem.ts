// The status bar item of script runs: while a script runs, its run's name, elapsed time, latest step and
// primary metric (click: focus the live plot); afterwards "Re-run <script>" (click: run it again with the
// same arguments).
import * as vscode from 'vscode';
import { formatMetricValue } from '../core/format';
import { TrainingCommands } from '../ids';
import type { TrainingSession } from './session';

export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class TrainingStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlflow.training', vscode.StatusBarAlignment.Left, 49);
  private session?: TrainingSession;
  private sub?: vscode.Disposable;
  private ticker?: NodeJS.Timeout;
  private last?: { script: string; label: string };

  constructor() {
    this.item.name = 'MLflow Script Run';
  }

  /** Follow a session (replaces the one shown). */
  show(session: TrainingSession): void {
    this.sub?.dispose();
    this.session = session;
    this.sub = session.onDidChange(() => this.update());
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = setInterval(() => this.update(), 1000);
    this.update();
  }

  /** After a run: offer to run the last script again. */
  showRerun(script: string, argLine: string): void {
    this.last = { script, label: script.split(/[\\/]/).pop() ?? script };
    if (!this.session?.running) this.update();
    this.item.tooltip = `Run ${this.last.label}${argLine ? ` ${argLine}` : ''} again as an MLflow run`;
  }

  /** What the item says now (for tests). */
  get text(): string {
    return this.item.text;
  }

  get command(): string | undefined {
    return typeof this.item.command === 'string' ? this.item.command : this.item.command?.command;
  }

  private update(): void {
    const s = this.session;
    if (s?.running) {
      const p = s.progress;
      const parts = [p ? p.name : `${s.scriptName}: waiting for its MLflow run`, elapsedText(Date.now() - s.launch.launchedAt)];
      if (p?.step !== undefined) parts.push(`step ${p.step}`);
      if (p?.metric) parts.push(`${p.metric.key} ${formatMetricValue(p.metric.value)}`);
      this.item.text = `$(sync~spin) ${parts.join(' · ')}`;
      const md = new vscode.MarkdownString();
      md.appendText(`${s.scriptName} is running${p ? ` as run "${p.name}"` : ''}${p?.fromChild ? ` (latest values from "${p.fromChild}")` : ''}.`);
      if (s.storeNote) md.appendText(` The explorer is ${s.storeNote}.`);
      md.appendMarkdown(`\n\n*Click to show the live plot. Ctrl-C in the terminal "${s.task.slot}" stops the script.*`);
      this.item.tooltip = md;
      this.item.accessibilityInformation = { label: `MLflow: ${parts.join(', ')}. Click to show the live plot.`, role: 'button' };
      this.item.command = TrainingCommands.focusPlot;
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.last) {
      this.item.text = `$(debug-restart) Re-run ${this.last.label}`;
      this.item.accessibilityInformation = { label: `MLflow: run ${this.last.label} again`, role: 'button' };
      this.item.command = TrainingCommands.rerunLast;
      this.item.show();
    } else this.item.hide();
  }

  dispose(): void {
    this.sub?.dispose();
    if (this.ticker) clearInterval(this.ticker);
    this.item.dispose();
  }
}

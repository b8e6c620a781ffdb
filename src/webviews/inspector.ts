// What the extension-host tests see of webview traffic. Panels report every message to the one
// inspector of the object graph (Services.webviewInspector); it keeps nothing unless a test has
// asked for a recording, and forgets it when that recording is disposed. No `vscode` import.
import type { Message } from './messages';

export interface MessageRecord {
  /** The panel controller the message went to or came from. */
  panel: object;
  dir: 'toWebview' | 'fromWebview';
  type: string;
  at: number;
  /** The message itself (typed arrays are the ones that were posted). */
  msg: Message;
}

export class Recording {
  readonly records: MessageRecord[] = [];
  private readonly listeners = new Set<(r: MessageRecord) => void>();

  constructor(private readonly stop: (r: Recording) => void) {}

  /** The messages of one panel, oldest first; `dir` narrows them to one direction. */
  of(panel: object, dir?: MessageRecord['dir']): MessageRecord[] {
    return this.records.filter((r) => r.panel === panel && (!dir || r.dir === dir));
  }

  /** Calls fn for each message recorded from now on. */
  onDidRecord(fn: (r: MessageRecord) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }

  add(r: MessageRecord): void {
    this.records.push(r);
    this.listeners.forEach((fn) => fn(r));
  }

  dispose(): void {
    this.listeners.clear();
    this.stop(this);
  }
}

export class WebviewInspector {
  private readonly recordings = new Set<Recording>();

  /** Records every panel's messages both ways until the recording is disposed. */
  record(): Recording {
    const r = new Recording((x) => this.recordings.delete(x));
    this.recordings.add(r);
    return r;
  }

  /** Called by the panel base for each message; costs nothing while no test records. */
  report(panel: object, dir: MessageRecord['dir'], msg: Message): void {
    if (!this.recordings.size) return;
    const rec: MessageRecord = { panel, dir, type: msg.type, at: Date.now(), msg };
    this.recordings.forEach((r) => r.add(rec));
  }

  dispose(): void {
    this.recordings.clear();
  }
}

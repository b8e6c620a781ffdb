import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledByUser, registerCommand } from '../core/command';
import { formatBytes } from '../core/format';
import type { Services } from '../services';
import { TrackingError } from '../tracking/errors';
import type { ArtifactOwner, TrackingStore } from '../tracking/types';
import { describePlan, needsConfirmation, planDownload, type DownloadPlan, type PlannedFile } from './downloadPlan';
import { baseName, requireArtifact, type ArtifactRef } from './refs';
import { Commands } from '../ids';

export interface DownloadOptions {
  /** Local folder to download into (skips the folder picker). */
  dest?: string;
  /** Answer to "more than 50 MB?" and "replace existing?" without asking (tests). */
  assumeYes?: boolean;
}

export interface DownloadResult {
  files: string[];
  bytes: number;
  cancelled: boolean;
}

async function pickDestination(r: ArtifactRef): Promise<string> {
  const base = r.conn.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: base,
    openLabel: 'Download Here',
    title: `Download ${baseName(r.file.path) || 'artifacts'} into…`,
  });
  if (!picked?.[0]) throw new CancelledByUser();
  if (picked[0].scheme !== 'file') throw new TrackingError('unsupported', 'Downloads go to a folder on the machine the extension runs on.');
  return picked[0].fsPath;
}

async function copyFile(store: TrackingStore, owner: ArtifactOwner, f: PlannedFile, signal: AbortSignal, onBytes: (n: number) => void): Promise<void> {
  await fs.promises.mkdir(path.dirname(f.dest), { recursive: true });
  const part = `${f.dest}.part`;
  const out = fs.createWriteStream(part);
  try {
    for await (const chunk of await store.readArtifact(owner, f.path, { signal })) {
      if (signal.aborted) throw new CancelledByUser();
      if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
      onBytes(chunk.byteLength);
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    await fs.promises.rename(part, f.dest);
  } catch (e) {
    out.destroy();
    await fs.promises.rm(part, { force: true });
    throw signal.aborted ? new CancelledByUser() : e;
  }
}

/** Plans, confirms (over 50 MB, or replacing files) and copies with cancellable progress. */
export async function downloadArtifact(r: ArtifactRef, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const store = await r.conn.store();
  const dest = opts.dest ?? (await pickDestination(r));
  const plan: DownloadPlan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Listing ${baseName(r.file.path) || 'artifacts'}…`, cancellable: true },
    async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      try {
        return await planDownload((dir) => store.listArtifacts(r.owner, dir, { signal: ac.signal }), r.file, dest, ac.signal);
      } catch (e) {
        if (ac.signal.aborted) throw new CancelledByUser();
        throw e;
      }
    },
  );
  if (!plan.files.length) throw new TrackingError('notFound', `${baseName(r.file.path) || 'This folder'} holds no files.`);
  if (needsConfirmation(plan) && !opts.assumeYes) {
    const ok = await vscode.window.showWarningMessage(`Download ${describePlan(plan, formatBytes)}?`, { modal: true, detail: `Into ${dest}` }, 'Download');
    if (ok !== 'Download') throw new CancelledByUser();
  }
  const existing = plan.files.filter((f) => fs.existsSync(f.dest));
  if (existing.length && !opts.assumeYes) {
    const ok = await vscode.window.showWarningMessage(
      `${existing.length === 1 ? `${path.basename(existing[0].dest)} already exists` : `${existing.length} files already exist`} in ${dest}. Replace?`,
      { modal: true },
      'Replace',
    );
    if (ok !== 'Replace') throw new CancelledByUser();
  }
  const result: DownloadResult = { files: [], bytes: 0, cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Downloading ${baseName(r.file.path) || 'artifacts'}`, cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      const total = plan.totalBytes || plan.files.length;
      for (const d of plan.dirs) await fs.promises.mkdir(d, { recursive: true });
      for (const [i, f] of plan.files.entries()) {
        if (ac.signal.aborted) break;
        progress.report({ message: `${i + 1}/${plan.files.length} ${baseName(f.path)}` });
        try {
          await copyFile(store, r.owner, f, ac.signal, (n) => {
            result.bytes += n;
            if (plan.totalBytes) progress.report({ increment: (n / total) * 100 });
          });
        } catch (e) {
          if (e instanceof CancelledByUser) break;
          throw e;
        }
        if (!plan.totalBytes) progress.report({ increment: 100 / total });
        result.files.push(f.dest);
      }
      result.cancelled = ac.signal.aborted;
    },
  );
  return result;
}

export function registerDownloadCommands(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, Commands.artifactsDownload, async (n?: unknown, _all?: unknown, opts?: DownloadOptions) => {
      const r = requireArtifact(n);
      const res = await downloadArtifact(r, opts && typeof opts === 'object' && !Array.isArray(opts) ? opts : {});
      s.log.info(`[artifacts] downloaded ${res.files.length} file(s), ${res.bytes} bytes${res.cancelled ? ' (cancelled)' : ''}`);
      if (!opts?.assumeYes) {
        const where = res.files.length === 1 ? res.files[0] : path.dirname(res.files[0] ?? '');
        const msg = res.cancelled ? `Download cancelled after ${res.files.length} file(s).` : `Downloaded ${res.files.length} file(s), ${formatBytes(res.bytes)}.`;
        void vscode.window.showInformationMessage(msg, 'Reveal').then(async (pick) => {
          if (pick === 'Reveal' && where) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(where));
        });
      }
      return res;
    }),
  ];
}

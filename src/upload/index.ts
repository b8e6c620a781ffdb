// "Log Artifact…": workspace files and folders into a run's artifacts, from a run's context menu in the
// MLflow explorer (mlflow.logArtifact) or from a file or folder's context menu in the file explorer
// (mlflow.logToRun, with a run picker). Both commands also take a LogArtifactOptions object, which
// skips every prompt (tests, other commands).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledByUser, registerCommand } from '../core/command';
import { toTrackingError } from '../core/errors';
import type { Connection } from '../connection/connection';
import { redact } from '../log';
import { formatBytes, formatRelativeTime } from '../core/format';
import type { Services } from '../services';
import { TrackingError, isTrackingError } from '../tracking/errors';
import { filterClause, likePattern } from '../tracking/search/print';
import type { Run, TrackingStore } from '../tracking/types';
import { artifactUri } from '../artifacts/artifactFileSystem';
import { isNode, type Node } from '../explorer/nodes';
import { runDisplayName } from '../core/format';
import { describeClash, normalizeArtifactDir, parentDirs, planUpload, withoutExisting, type LocalSource, type PlannedFile, type UploadPlan } from './plan';
import { existingEntries, sendFiles, uploadTarget, walkFolder, type SendResult, type UploadTarget } from './target';
import { Commands } from '../ids';

export interface LogArtifactOptions {
  /** Connection key (workspace folder URI, or 'window'); default: the connection of the first path's folder. */
  connKey?: string;
  runId: string;
  /** Local files and folders (absolute paths or file: URIs). */
  paths: (string | vscode.Uri)[];
  /** Sub-folder of the run's artifact root ('' = root). Undefined: asked unless `prompt` is false. */
  artifactPath?: string;
  /** Folders: their contents directly under artifactPath (like mlflow.log_artifacts). Default: the folder keeps its name. */
  folderContents?: boolean;
  /** What to do with files that already exist in the run. Default 'ask'. */
  onExisting?: 'ask' | 'overwrite' | 'skip' | 'cancel';
  /** Show the result notification (default true for prompts, false with an options object). */
  notify?: boolean;
}

export interface LogArtifactResult {
  runId: string;
  connKey: string;
  /** Local path → artifact path, for every file written. */
  uploaded: { local: string; path: string }[];
  /** Artifact paths left alone (existing files the user chose to keep). */
  skipped: string[];
  cancelled: boolean;
}

/** What a call with an options object returns when nothing could be logged (the message is also shown). */
export interface LogArtifactFailure {
  error: string;
  kind: string;
}

function isOptions(x: unknown): x is LogArtifactOptions {
  return typeof x === 'object' && x !== null && typeof (x as LogArtifactOptions).runId === 'string' && Array.isArray((x as LogArtifactOptions).paths);
}

function toFsPath(p: string | vscode.Uri): string {
  if (typeof p !== 'string') return p.fsPath;
  return /^file:/i.test(p) ? vscode.Uri.parse(p).fsPath : p;
}

export function registerUpload(s: Services): vscode.Disposable[] {
  return [
    registerCommand(s, Commands.logArtifact, (arg?: Node | LogArtifactOptions) => (isOptions(arg) ? logWithOptions(s, arg) : logFromRunRow(s, arg))),
    registerCommand(s, Commands.logToRun, (arg?: vscode.Uri | LogArtifactOptions, all?: vscode.Uri[]) =>
      isOptions(arg) ? logWithOptions(s, arg) : logFromFileExplorer(s, arg, all),
    ),
  ];
}

/** mlflow.logArtifact on a run row: pick files and folders, then log them to that run. */
async function logFromRunRow(s: Services, arg: Node | undefined): Promise<LogArtifactResult> {
  if (!isNode(arg, 'run')) throw new TrackingError('invalidRequest', 'Select a run in the MLflow explorer first.');
  const folder = vscode.workspace.getWorkspaceFolder(arg.conn.folder?.uri ?? vscode.Uri.file('/'))?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    title: `Log to run ${runDisplayName(arg.run)}`,
    openLabel: 'Log Artifact',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: folder,
  });
  if (!picked?.length) throw new CancelledByUser();
  return logArtifacts(s, { connKey: arg.conn.key, runId: arg.run.info.runId, paths: picked }, true);
}

/** mlflow.logToRun on files and folders of the file explorer (or the active editor's file): pick a run, then log. */
async function logFromFileExplorer(s: Services, arg: vscode.Uri | undefined, all: vscode.Uri[] | undefined): Promise<LogArtifactResult> {
  let uris = all && all.length ? all : arg instanceof vscode.Uri ? [arg] : [];
  if (!uris.length) {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file') uris = [active];
  }
  uris = uris.filter((u) => u.scheme === 'file');
  if (!uris.length) throw new TrackingError('invalidRequest', 'Pick a file or folder in the Explorer (right-click → Log to MLflow Run…).');
  const conn = connectionFor(s, undefined, uris[0].fsPath);
  const picked = await pickRun(conn, uris);
  if (!picked) throw new CancelledByUser();
  return logArtifacts(s, { connKey: conn.key, runId: picked.info.runId, paths: uris }, true);
}

/** Options calls (other commands, tests) get the failure back instead of waiting on a notification. */
async function logWithOptions(s: Services, opts: LogArtifactOptions): Promise<LogArtifactResult | LogArtifactFailure> {
  try {
    return await logArtifacts(s, opts, false);
  } catch (e) {
    const err = toTrackingError(e);
    s.log.error(`[upload] ${redact(err.userMessage)}`);
    void vscode.window.showErrorMessage(`MLflow: ${err.userMessage}`);
    return { error: err.userMessage, kind: err.kind };
  }
}

function connectionFor(s: Services, connKey: string | undefined, firstPath: string | undefined): Connection {
  const { connections } = s;
  const conn =
    (connKey && connections.get(connKey)) ||
    (firstPath && connections.get(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(firstPath))?.uri.toString() ?? '')) ||
    connections.active();
  if (!conn) throw new TrackingError('notFound', 'No MLflow tracking store is connected.', { hint: 'Set a tracking URI first (MLflow: Set Tracking URI…).' });
  return conn;
}

/** Everything one upload works with once the run, its destination and the artifact path are known. */
interface UploadJob {
  conn: Connection;
  store: TrackingStore;
  run: Run;
  dest: UploadTarget;
  paths: string[];
  artifactPath: string;
  opts: LogArtifactOptions;
}

async function logArtifacts(s: Services, opts: LogArtifactOptions, interactive: boolean): Promise<LogArtifactResult> {
  const paths = opts.paths.map(toFsPath);
  if (!paths.length) throw new TrackingError('invalidRequest', 'Pick at least one file or folder to log.');
  const conn = connectionFor(s, opts.connKey, paths[0]);
  const store = await conn.store();
  const run = await runFor(store, opts.runId);
  const dest = uploadTarget(store, run); // refuses deleted runs and unwritable roots before any prompt
  let artifactPath = opts.artifactPath;
  if (artifactPath === undefined && interactive) artifactPath = await askArtifactPath(run, paths);
  const norm = normalizeArtifactDir(artifactPath);
  if ('error' in norm) throw new TrackingError('invalidRequest', norm.error);
  const job: UploadJob = { conn, store, run, dest, paths, artifactPath: norm.value, opts };

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Logging to run ${runDisplayName(run)}`, cancellable: true },
    async (progress, token) => {
      const ctl = new AbortController();
      const sub = token.onCancellationRequested(() => ctl.abort());
      try {
        return await planAndSend(s, job, interactive, progress, ctl.signal);
      } finally {
        sub.dispose();
      }
    },
  );
}

type Progress = vscode.Progress<{ message?: string; increment?: number }>;

async function planAndSend(s: Services, job: UploadJob, interactive: boolean, progress: Progress, signal: AbortSignal): Promise<LogArtifactResult> {
  const { conn, run, opts } = job;
  const planned = await planAgainstRun(job, progress, signal);
  const clashes = planned.clashes.filter((c) => c.kind === 'exists').map((c) => c.dest);
  const decision = clashes.length ? await decideExisting(opts.onExisting ?? 'ask', clashes, run) : 'overwrite';
  if (decision === 'cancel') return { runId: run.info.runId, connKey: conn.key, uploaded: [], skipped: clashes, cancelled: true };
  const plan = decision === 'skip' ? withoutExisting(planned) : planned;
  const skipped = decision === 'skip' ? clashes : [];
  const overwrite = new Set(decision === 'overwrite' ? clashes : []);
  const res = await sendWithProgress(job.dest, plan, overwrite, progress, signal);
  const result: LogArtifactResult = {
    runId: run.info.runId,
    connKey: conn.key,
    uploaded: res.done.map((f) => ({ local: f.local, path: f.dest })),
    skipped,
    cancelled: res.cancelled,
  };
  if (res.done.length) afterUpload(s, conn, run, plan, result, opts.notify ?? interactive);
  else if (res.cancelled && (opts.notify ?? interactive)) void vscode.window.showInformationMessage('MLflow: logging was cancelled; nothing was written.');
  return result;
}

/** The plan for the picked files against what the run already holds; throws when files would collide with each other or with folders. */
async function planAgainstRun(job: UploadJob, progress: Progress, signal: AbortSignal): Promise<UploadPlan> {
  progress.report({ message: 'reading the picked files…' });
  const sources = await readSources(job.paths, signal);
  const options = { artifactPath: job.artifactPath, folderContents: job.opts.folderContents };
  const proposed = planUpload(sources, options, new Map());
  progress.report({ message: 'checking what the run already holds…' });
  const existing = await existingEntries(job.store, job.dest.owner, parentDirs(proposed.files), signal);
  const plan = planUpload(sources, options, existing);
  const blocking = plan.clashes.filter((c) => c.kind !== 'exists');
  if (blocking.length) {
    throw new TrackingError('invalidRequest', `Nothing was logged: ${blocking.slice(0, 3).map(describeClash).join('; ')}${blocking.length > 3 ? ` (+${blocking.length - 3} more)` : ''}.`, {
      hint: 'Pick files with distinct names, or give another artifact path.',
    });
  }
  return plan;
}

async function sendWithProgress(dest: UploadTarget, plan: UploadPlan, overwrite: ReadonlySet<string>, progress: Progress, signal: AbortSignal): Promise<SendResult> {
  const total = plan.files.length;
  let reported = 0;
  const res = await sendFiles(dest, plan.files, {
    signal,
    overwrite,
    onFile: (i, f) => {
      const inc = i === 0 ? 0 : 100 / total;
      reported += inc;
      progress.report({ increment: inc, message: `${i + 1}/${total} ${f.dest} (${formatBytes(f.size)})` });
    },
  });
  progress.report({ increment: 100 - reported });
  return res;
}

async function runFor(store: TrackingStore, runId: string): Promise<Run> {
  try {
    return await store.getRun(runId);
  } catch (e) {
    if (isTrackingError(e, 'notFound')) throw new TrackingError('notFound', `No run ${runId} in ${store.uri}.`, { uri: store.uri });
    throw e;
  }
}

async function readSources(paths: string[], signal: AbortSignal): Promise<LocalSource[]> {
  const out: LocalSource[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(p);
    } catch {
      throw new TrackingError('notFound', `${p} does not exist.`);
    }
    if (st.isDirectory()) {
      const files = await walkFolder(p, signal);
      if (!files.length) throw new TrackingError('invalidRequest', `${path.basename(p)} holds no files; MLflow does not store empty folders.`);
      out.push({ fsPath: p, isDir: true, files });
    } else out.push({ fsPath: p, isDir: false, size: st.size });
  }
  return out;
}

async function askArtifactPath(run: Run, paths: string[]): Promise<string> {
  const what = paths.length === 1 ? path.basename(paths[0]) : `${paths.length} items`;
  const v = await vscode.window.showInputBox({
    title: `Log ${what} to run ${runDisplayName(run)}`,
    prompt: 'Artifact path: a folder inside the run (empty: the artifact root), like artifact_path of mlflow.log_artifact',
    placeHolder: 'e.g. plots/eval (optional)',
    validateInput: (x) => {
      const n = normalizeArtifactDir(x);
      return 'error' in n ? n.error : undefined;
    },
  });
  if (v === undefined) throw new CancelledByUser();
  return v;
}

async function decideExisting(mode: NonNullable<LogArtifactOptions['onExisting']>, dests: string[], run: Run): Promise<'overwrite' | 'skip' | 'cancel'> {
  if (mode !== 'ask') return mode;
  const shown = dests.slice(0, 5).join(', ') + (dests.length > 5 ? ` and ${dests.length - 5} more` : '');
  const pick = await vscode.window.showWarningMessage(
    `${dests.length === 1 ? `${shown} already exists` : `${dests.length} files already exist`} in run ${runDisplayName(run)}.`,
    { modal: true, detail: dests.length === 1 ? 'Replace it with the workspace file?' : `${shown}\n\nReplace them with the workspace files?` },
    'Overwrite',
    'Skip Existing',
  );
  return pick === 'Overwrite' ? 'overwrite' : pick === 'Skip Existing' ? 'skip' : 'cancel';
}

function afterUpload(s: Services, conn: Connection, run: Run, plan: UploadPlan, result: LogArtifactResult, notify: boolean): void {
  s.artifactsLogged.fire({ connKey: conn.key, runId: run.info.runId });
  s.experiments.refresh();
  s.log.info(`[upload] logged ${result.uploaded.length} file(s) to run ${run.info.runId}${result.cancelled ? ' (then cancelled)' : ''}`);
  if (!notify) return;
  const first: PlannedFile | undefined = plan.files.find((f) => result.uploaded.some((u) => u.path === f.dest));
  const msg = result.cancelled
    ? `MLflow: cancelled after ${result.uploaded.length} of ${plan.files.length} files; those are in run ${runDisplayName(run)}.`
    : `MLflow: logged ${result.uploaded.length === 1 ? result.uploaded[0].path : `${result.uploaded.length} files`} to run ${runDisplayName(run)}${result.skipped.length ? ` (${result.skipped.length} existing kept)` : ''}.`;
  void vscode.window.showInformationMessage(msg, ...(first ? ['Open'] : []), 'Reveal Run').then((pick) => {
    if (pick === 'Open' && first) void vscode.commands.executeCommand('vscode.open', artifactUri({ connKey: conn.key, ownerType: 'run', ownerId: run.info.runId, path: first.dest }));
    if (pick === 'Reveal Run') void vscode.commands.executeCommand(Commands.revealRun, run.info.runId);
  });
}

// ---------------------------------------------------------------------------------------------
// Run picker: recent runs of the connected store; typing filters them, searches run names in the
// store, and a pasted run ID is looked up.

interface RunItem extends vscode.QuickPickItem {
  run: Run;
}

function runItem(r: Run, expName: string | undefined): RunItem {
  const when = r.info.startTime ? formatRelativeTime(r.info.startTime) : '';
  return {
    label: `$(${r.info.status === 'RUNNING' ? 'sync' : 'circle-outline'}) ${runDisplayName(r)}`,
    description: [expName, r.info.status.toLowerCase(), when].filter(Boolean).join(' · '),
    detail: r.info.runId,
    run: r,
  };
}

async function pickRun(conn: Connection, uris: vscode.Uri[]): Promise<Run | undefined> {
  const store = await conn.store();
  const qp = vscode.window.createQuickPick<RunItem>();
  qp.title = `Log ${uris.length === 1 ? path.basename(uris[0].fsPath) : `${uris.length} items`} to MLflow Run`;
  qp.placeholder = 'Search runs by name, experiment or run ID';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.busy = true;
  qp.show();
  const names = new Map<string, string>();
  const byId = new Map<string, RunItem>();
  let expIds: string[] = [];
  const add = (runs: Run[]) => {
    for (const r of runs) {
      if (r.info.lifecycleStage === 'deleted' || byId.has(r.info.runId)) continue;
      byId.set(r.info.runId, runItem(r, names.get(r.info.experimentId)));
    }
    qp.items = [...byId.values()].sort((a, b) => (b.run.info.startTime ?? 0) - (a.run.info.startTime ?? 0));
  };
  const load = (async () => {
    const exps = (await store.searchExperiments({ maxResults: 1000, viewType: 'ACTIVE_ONLY' })).items;
    exps.forEach((e) => names.set(e.experimentId, e.name));
    expIds = exps.map((e) => e.experimentId);
    if (expIds.length) add((await store.searchRuns({ experimentIds: expIds, orderBy: ['attributes.start_time DESC'], maxResults: 200, runViewType: 'ACTIVE_ONLY' })).items);
  })()
    .catch((e) => {
      qp.placeholder = `Could not list runs: ${e instanceof Error ? e.message : String(e)}`;
    })
    .finally(() => (qp.busy = false));
  let timer: NodeJS.Timeout | undefined;
  qp.onDidChangeValue((v) => {
    if (timer) clearTimeout(timer);
    const q = v.trim();
    if (!q) return;
    const search = async () => {
      await load;
      qp.busy = true;
      try {
        if (/^[0-9a-f]{32}$/i.test(q)) add([await store.getRun(q.toLowerCase())]);
        else {
          const filter = filterClause('attributes', 'run_name', 'ILIKE', likePattern(q, 'contains'));
          if (expIds.length && filter) add((await store.searchRuns({ experimentIds: expIds, filter, maxResults: 100, runViewType: 'ACTIVE_ONLY' })).items);
        }
      } catch {
        // a search is a nicety: the loaded runs still filter
      } finally {
        qp.busy = false;
      }
    };
    timer = setTimeout(() => void search(), 300);
  });
  return new Promise<Run | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      if (sel) {
        resolve(sel.run);
        qp.hide();
      }
    });
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      resolve(undefined);
      qp.dispose();
    });
  });
}

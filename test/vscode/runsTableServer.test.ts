// The runs table in the real extension host against a replayed tracking server: the answers real
// MLflow 3.6 and 2.17 servers gave (on copies of test/fixtures/mlflow/stores/<ver>/server) to the very
// requests the checks of runsTableChecks.ts make, in transcripts/<ver>-runs-table. After each test,
// every run and metric request must have been answered from the recording.
//
// Recording them again (real servers, through test/support/recordingProxy.ts):
//   MLFLOW_E2E_PYTHON=…/venv3/bin/python:…/venv2/bin/python node test/support/record-runs-table.mjs
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { runsTableChecks } from './runsTableChecks';

/** `{"v3": url, "v2": url}` of real servers: record the transcripts instead of replaying them. */
const RECORD = process.env.MLFLOW_RECORD_RUNS_TABLE ? (JSON.parse(process.env.MLFLOW_RECORD_RUNS_TABLE) as Record<string, string>) : undefined;

interface Server {
  url: string;
  /** Requests nothing was recorded for (always none while recording). */
  unmatched(): { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}

async function serve(ver: 'v3' | 'v2'): Promise<Server> {
  const dir = path.join(MLFLOW_FIXTURES_DIR, 'transcripts', `${ver}-runs-table`);
  if (RECORD) {
    const { startRecordingProxy } = await import('../support/recordingProxy');
    fs.rmSync(dir, { recursive: true, force: true });
    const rec = await startRecordingProxy(RECORD[ver], dir);
    return { url: rec.url, unmatched: () => [], close: () => rec.close() };
  }
  const { startReplayServer } = await import('../support/replayServer');
  return startReplayServer([`${ver}-runs-table`]);
}

for (const [ver, mlflow] of [
  ['v3', 'MLflow 3.6'],
  ['v2', 'MLflow 2.17'],
] as const) {
  let server: Server | undefined;
  runsTableChecks({
    name: `a replayed ${mlflow} server`,
    start: async () => (server = await serve(ver)).url,
    check: () => {
      const missing = server?.unmatched().filter((r) => /runs\/search|metrics\//.test(r.path)) ?? [];
      assert.deepStrictEqual(missing.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`), [], 'every run and metric request was answered from the recording');
    },
    stop: async () => {
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
      await server?.close();
    },
  });
}

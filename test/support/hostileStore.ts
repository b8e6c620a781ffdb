// A file store whose every string is hostile: a copy of the real v3 file store (test/fixtures/mlflow) plus one
// experiment ("<img …>" name) with three runs laid out the way MLflow's FileStore writes them.
// Names, param and tag keys/values, metric keys, the note (markdown with raw HTML), artifact names,
// an .html artifact with scripts, a .csv with formula/HTML cells and an MLmodel with hostile fields.
// Every active payload tries to set window.__pwned / parent.__pwned, call alert(), navigate, or post
// a message to the host; a test asserts none of that happened and that the strings show as TEXT.
//
//   import { writeHostileStore, HOSTILE } from './hostileStore';
//   const { storeDir, experimentId, runIds } = writeHostileStore(tmpDir);
//   CLI (for the .mjs UI tests): node node_modules/tsx/dist/cli.mjs test/support/hostileStore.ts <dir>  → prints JSON
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storePath } from './fixtures';

const PWN = 'window.__pwned=1;try{parent.__pwned=1;top.__pwned=1}catch(e){}';

/** Strings that must only ever be displayed. `marker` is a plain substring that survives as text. */
export const HOSTILE = {
  experimentName: `<img src=x onerror="${PWN}alert(1)">exp`,
  runNames: [`<script>${PWN}alert('run')</script>run-a`, `"><svg onload=${PWN}alert(2)>run-b`, `</textarea><iframe src="javascript:${PWN}">run-c`],
  paramKey: `<b onmouseover=alert(3)>p</b>`,
  paramValue: `"><script>${PWN}</script><img src=x onerror=alert(4)>`,
  tagKey: `<img src=x onerror=alert(5)>tag`,
  tagValue: `javascript:${PWN}alert(6)//<a href="command:workbench.action.quit">quit</a>`,
  metricKey: `<img src=x onerror=alert(7)>loss`,
  metricKey2: `val"><svg onload=alert(8)>`,
  user: `<u onclick=alert(9)>mallory</u>`,
  artifactName: '<img src=x onerror=alert(1)>.txt',
  note: [
    '# Note <script>window.__pwned=1</script>',
    '',
    '<img src=x onerror="window.__pwned=1;alert(10)">',
    '',
    '[click me](javascript:window.__pwned=1) and [cmd](command:workbench.action.quit) and [data](data:text/html,<script>parent.__pwned=1</script>)',
    '',
    '<a href="command:workbench.action.closeWindow">close</a> <iframe src="javascript:parent.__pwned=1"></iframe>',
    '',
    '<svg onload="window.__pwned=1"></svg> </textarea>"><script>window.__pwned=1</script>',
    '',
    '<style>body{background:url(https://evil.example/x)} *{display:none!important}</style><div style="position:fixed;inset:0;background:red">CSS</div>',
    '',
    '**bold <em onmouseover=alert(11)>x</em>** `<code>` [ok](https://example.com/"onmouseover="alert(12))',
    '',
    '<meta http-equiv="refresh" content="0;url=https://evil.example"><form action="https://evil.example"><input name=q></form>',
  ].join('\n'),
  htmlArtifact: `<!doctype html><html><head><meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">
<script>${PWN}alert('html')</script></head><body onload="${PWN}">
<h1 id="hostile-html">Hostile HTML artifact</h1>
<img src=x onerror="${PWN}alert(13)"><svg onload="${PWN}"></svg>
<iframe src="javascript:${PWN}"></iframe><iframe srcdoc="<script>parent.parent.__pwned=1</script>"></iframe>
<a href="command:workbench.action.quit" id="cmd">command link</a>
<form action="javascript:${PWN}"><button id="go">go</button></form>
<object data="javascript:${PWN}"></object><embed src="javascript:${PWN}">
<script>acquireVsCodeApi && acquireVsCodeApi().postMessage({type:'serve'})</script>
</body></html>`,
  csv: `name,formula,html\n"<img src=x onerror=alert(14)>",=HYPERLINK("http://evil.example","x"),"<script>${PWN}</script>"\n+cmd|' /C calc'!A0,@SUM(1+1),"</td></tr><tr><td onclick=alert(15)>"\n-2+3,"=1+1","a""b"\n`,
  modelFlavor: `<img src=x onerror=alert(16)>flavor`,
  commit: 'a`**PWNED**`',
} as const;

/** Every plain string a viewer should show somewhere (for "displayed as text" checks). */
export const DISPLAYED = [HOSTILE.experimentName, ...HOSTILE.runNames, HOSTILE.paramKey, HOSTILE.paramValue, HOSTILE.tagKey, HOSTILE.tagValue, HOSTILE.metricKey];

export interface HostileStore {
  /** The mlruns folder (a copy of the v3 store plus the hostile experiment). */
  storeDir: string;
  experimentId: string;
  runIds: string[];
  /** Relative path (in the first run's artifacts) of the MLmodel of the hostile model. */
  modelDir: string;
}

const EXPERIMENT_ID = '666666666666666666';
const RUN_IDS = ['aaaa0000000000000000000000000001', 'aaaa0000000000000000000000000002', 'aaaa0000000000000000000000000003'];

/** A YAML scalar: JSON strings are valid YAML double-quoted scalars. */
const y = (s: string) => JSON.stringify(s);

function write(p: string, text: string | Buffer): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

/** Copies the real v3 file store to `<dir>/mlruns` and adds the hostile experiment. */
export function writeHostileStore(dir: string): HostileStore {
  const storeDir = path.join(dir, 'mlruns');
  fs.cpSync(storePath('v3', 'mlruns'), storeDir, { recursive: true });
  const exp = path.join(storeDir, EXPERIMENT_ID);
  const now = Date.now();
  write(
    path.join(exp, 'meta.yaml'),
    `artifact_location: ${y(`file://${exp}`)}\ncreation_time: ${now}\nexperiment_id: '${EXPERIMENT_ID}'\nlast_update_time: ${now}\nlifecycle_stage: active\nname: ${y(HOSTILE.experimentName)}\n`,
  );
  write(path.join(exp, 'tags', 'mlflow.note.content'), HOSTILE.note);
  RUN_IDS.forEach((id, i) => {
    const run = path.join(exp, id);
    const name = HOSTILE.runNames[i];
    const start = now - (3 - i) * 60_000;
    write(
      path.join(run, 'meta.yaml'),
      [
        `artifact_uri: ${y(`file://${run}/artifacts`)}`,
        `end_time: ${start + 30_000}`,
        `entry_point_name: ''`,
        `experiment_id: '${EXPERIMENT_ID}'`,
        `lifecycle_stage: active`,
        `run_id: ${id}`,
        `run_name: ${y(name)}`,
        `source_name: ''`,
        `source_type: 4`,
        `source_version: ''`,
        `start_time: ${start}`,
        `status: 3`,
        `tags: []`,
        `user_id: ${y(HOSTILE.user)}`,
        '',
      ].join('\n'),
    );
    write(path.join(run, 'params', HOSTILE.paramKey), HOSTILE.paramValue);
    write(path.join(run, 'params', 'lr'), String(0.1 * (i + 1)));
    write(path.join(run, 'tags', 'mlflow.runName'), name);
    write(path.join(run, 'tags', 'mlflow.user'), HOSTILE.user);
    write(path.join(run, 'tags', HOSTILE.tagKey), HOSTILE.tagValue);
    write(path.join(run, 'tags', 'mlflow.note.content'), HOSTILE.note);
    write(path.join(run, 'tags', 'mlflow.source.name'), `<script>${PWN}</script>train.py`);
    // i=0: breaks out of a markdown code span in 12 characters (the tooltip shows commit.slice(0, 12))
    write(path.join(run, 'tags', 'mlflow.source.git.commit'), i === 0 ? HOSTILE.commit : '"><img src=x onerror=alert(17)>');
    write(path.join(run, 'tags', 'mlflow.source.git.repoURL'), 'javascript:window.__pwned=1//github.com/x/y');
    const lines = (f: (s: number) => number) => Array.from({ length: 20 }, (_, s) => `${start + s * 1000} ${f(s)} ${s}`).join('\n') + '\n';
    write(path.join(run, 'metrics', HOSTILE.metricKey), lines((s) => 1 / (s + 1 + i)));
    write(path.join(run, 'metrics', HOSTILE.metricKey2), lines((s) => s * (i + 1)));
    const art = path.join(run, 'artifacts');
    write(path.join(art, HOSTILE.artifactName), 'hostile file name\n');
    write(path.join(art, 'report.html'), HOSTILE.htmlArtifact);
    write(path.join(art, 'cells.csv'), HOSTILE.csv);
    write(path.join(art, '"><script>alert(18)<', 'x.txt'), 'folder with a hostile name\n');
    if (i === 0) {
      write(
        path.join(art, 'model', 'MLmodel'),
        [
          `artifact_path: model`,
          `flavors:`,
          `  ${y(HOSTILE.modelFlavor)}:`,
          `    loader: ${y(`<script>${PWN}</script>`)}`,
          `  python_function:`,
          `    env: {conda: conda.yaml, virtualenv: python_env.yaml}`,
          `    loader_module: ${y(`"><img src=x onerror=${PWN}>`)}`,
          `    python_version: 3.11.0`,
          `mlflow_version: ${y('<b>3.6</b>')}`,
          `run_id: ${id}`,
          `signature:`,
          `  inputs: ${y(JSON.stringify([{ type: 'double', name: '<img src=x onerror=alert(19)>', required: true }]))}`,
          `  outputs: ${y(JSON.stringify([{ type: 'long', name: '</td><script>alert(20)</script>', required: true }]))}`,
          `utc_time_created: '2025-01-01 00:00:00.000000'`,
          `saved_input_example_info: {artifact_path: input_example.json, type: dataframe}`,
          '',
        ].join('\n'),
      );
      write(path.join(art, 'model', 'requirements.txt'), `mlflow\n<script>${PWN}</script>\n`);
      write(path.join(art, 'model', 'input_example.json'), JSON.stringify({ columns: ['<img src=x onerror=alert(21)>'], data: [[1]] }));
    }
  });
  return { storeDir, experimentId: EXPERIMENT_ID, runIds: [...RUN_IDS], modelDir: 'model' };
}

if (process.argv[1] && /hostileStore\.ts$/.test(process.argv[1]) && process.argv[2]) {
  console.log(JSON.stringify({ ...writeHostileStore(process.argv[2]), hostile: HOSTILE, displayed: DISPLAYED }));
}

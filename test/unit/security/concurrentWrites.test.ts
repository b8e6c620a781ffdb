// Two writers editing the same file-store run at once: two FileStore instances in one process, and two
// separate Node processes, setting tags, renaming and deleting/restoring the same run hundreds of times.
// Afterwards meta.yaml parses with every original key, values are ones a writer wrote, no temp file is
// left behind, and no tag file is half-written.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from '../../../src/tracking/file/fileStore';
import { parseYamlLoose } from '../../../src/tracking/file/metaYaml';
import { storePath } from '../../support/fixtures';

const SRC = storePath('v3', 'mlruns');
const EXP = '981334808011999333';
const RUN = '5fedf966d25941dca6aa2a0c001a0cc1';
const OPS = 500;

/** Tag values are long and self-checking so a torn write shows: "<writer>:<n>:" + n×'x' + ":end". */
const tagValue = (w: string, n: number) => `${w}:${n}:${'x'.repeat(200 + (n % 50) * 40)}:end`;
const validTag = (v: string) => {
  const m = /^(A|B):(\d+):(x*):end$/.exec(v);
  return !!m && m[3].length === 200 + (Number(m[2]) % 50) * 40;
};

// The worker: one writer doing OPS operations on the run (the same code for both processes).
const WORKER = `
const { FileStore } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/tracking/file/fileStore.ts'))});
const [root, runId, who, ops, mode] = process.argv.slice(2);
const tagValue = ${tagValue.toString()};
(async () => {
  const s = new FileStore(root);
  const counts = { ok: 0, refused: 0, names: [], deletes: 0, restores: 0 };
  for (let n = 0; n < Number(ops); n++) {
    try {
      if (mode === 'split') {
        if (who === 'A') await (n % 2 ? s.restoreRun(runId) : s.deleteRun(runId));
        else { const name = 'B-name-' + n; await s.renameRun(runId, name); counts.names.push(name); }
        counts.ok++;
        continue;
      }
      switch (n % 4) {
        case 0: await s.setRunTag(runId, 'shared', tagValue(who, n)); break;
        case 1: { const name = who + '-name-' + n; await s.renameRun(runId, name); counts.names.push(name); break; }
        case 2: if (who === 'A') { await s.deleteRun(runId); counts.deletes++; } else { await s.setRunTag(runId, 'own_' + who, tagValue(who, n)); } break;
        case 3: if (who === 'A') { await s.restoreRun(runId); counts.restores++; } else { await s.setRunTag(runId, 'shared', tagValue(who, n)); } break;
      }
      counts.ok++;
    } catch (e) {
      if (!/deleted|not active|lifecycle/i.test(String(e && e.message))) throw e;
      counts.refused++; // renaming or tagging a deleted run is refused, as in MLflow
    }
  }
  counts.last = counts.names[counts.names.length - 1];
  process.stdout.write(JSON.stringify(counts));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runDir(root: string): string {
  return path.join(root, EXP, RUN);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function checkRun(root: string, originalKeys: string[], written: { names: Set<string> }): Record<string, unknown> {
  const dir = runDir(root);
  const meta = parseYamlLoose(fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8'));
  for (const k of originalKeys) assert.ok(k in meta, `meta.yaml lost ${k}: ${JSON.stringify(meta)}`);
  assert.ok(written.names.has(String(meta.run_name)), `run_name ${String(meta.run_name)} is a written name`);
  assert.ok(['active', 'deleted'].includes(String(meta.lifecycle_stage)));
  const temps = walk(path.join(root, EXP)).filter((f) => /\.tmp$|\.lock$/.test(f) || path.basename(f).startsWith('.'));
  assert.deepEqual(temps, [], 'no temp files left behind');
  for (const t of ['shared', 'own_B']) {
    const p = path.join(dir, 'tags', t);
    if (fs.existsSync(p)) assert.ok(validTag(fs.readFileSync(p, 'utf8')), `tag ${t} is whole`);
  }
  const runName = fs.readFileSync(path.join(dir, 'tags', 'mlflow.runName'), 'utf8');
  assert.ok(written.names.has(runName), `mlflow.runName tag ${runName} is a written name`);
  return meta;
}

describe('security: two writers on the same file-store run', function () {
  this.timeout(120000);
  let tmp: string;
  let root: string;
  let originalKeys: string[];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-writers-'));
    root = path.join(tmp, 'mlruns');
    fs.cpSync(SRC, root, { recursive: true });
    originalKeys = Object.keys(parseYamlLoose(fs.readFileSync(path.join(runDir(root), 'meta.yaml'), 'utf8')));
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it(`two FileStore instances in one process, ${OPS} interleaved operations each`, async () => {
    const a = new FileStore(root);
    const b = new FileStore(root);
    const names = new Set<string>(['rf-20-5']);
    const one = async (s: FileStore, who: 'A' | 'B') => {
      for (let n = 0; n < OPS; n++) {
        try {
          if (n % 4 === 0) await s.setRunTag(RUN, 'shared', tagValue(who, n));
          else if (n % 4 === 1) {
            names.add(`${who}-name-${n}`);
            await s.renameRun(RUN, `${who}-name-${n}`);
          } else if (n % 4 === 2) await (who === 'A' ? s.deleteRun(RUN) : s.setRunTag(RUN, 'own_B', tagValue(who, n)));
          else await (who === 'A' ? s.restoreRun(RUN) : s.setRunTag(RUN, 'shared', tagValue(who, n)));
        } catch (e) {
          assert.match(String((e as Error).message), /deleted|not active|lifecycle/i);
        }
        if (n % 7 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all([one(a, 'A'), one(b, 'B')]);
    const meta = checkRun(root, originalKeys, { names });
    // both readers agree with the files
    const ra = await new FileStore(root).getRun(RUN);
    assert.equal(ra.info.runName, meta.run_name);
    assert.equal(ra.info.lifecycleStage, meta.lifecycle_stage);
  });

  it(`two Node processes, ${OPS} operations each, at the same time`, async () => {
    const script = path.join(tmp, 'worker.cjs');
    fs.writeFileSync(script, WORKER);
    const tsx = path.resolve(__dirname, '../../../node_modules/tsx/dist/cli.mjs');
    const start = (who: string, mode = 'mixed') =>
      new Promise<{ ok: number; refused: number; names: string[]; last?: string }>((resolve, reject) => {
        const p = spawn(process.execPath, [tsx, script, root, RUN, who, String(OPS), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer ${who} exited ${code}: ${err.slice(0, 2000)}`))));
      });
    const [a, b] = await Promise.all([start('A'), start('B')]);
    const names = new Set<string>(['rf-20-5', ...a.names, ...b.names]);
    const meta = checkRun(root, originalKeys, { names });
    console.log(`      A: ${a.ok} done, ${a.refused} refused (run deleted); B: ${b.ok} done, ${b.refused} refused; final ${String(meta.lifecycle_stage)} "${String(meta.run_name)}"`);
    // A's last operation was a restore, and nobody else writes lifecycle_stage, yet B's meta.yaml
    // rewrites (rename: read-modify-write of the whole file) may put back a stale 'deleted'.
    // That is a lost update (see the report), not corruption; the state is still one that was written.
    if (meta.lifecycle_stage !== 'active') console.log('      lost update: A restored the run last, a stale rewrite by B left it deleted');

    // Split roles make lost updates visible: A only deletes/restores (ending with a restore), B only renames.
    // Afterwards the run should be active and named B's last successful name. meta.yaml is rewritten
    // whole by updateRunMeta (read, edit, rename over): a write based on a stale read undoes the other's.
    let lost = 0;
    const rounds = 3;
    for (let r = 0; r < rounds; r++) {
      fs.rmSync(root, { recursive: true, force: true });
      fs.cpSync(SRC, root, { recursive: true });
      const [sa, sb] = await Promise.all([start('A', 'split'), start('B', 'split')]);
      const m = checkRun(root, originalKeys, { names: new Set(['rf-20-5', ...sb.names]) });
      const ok = m.lifecycle_stage === 'active' && (sb.last === undefined || m.run_name === sb.last);
      if (!ok) lost++;
      console.log(`      split round ${r + 1}: A ${sa.ok} deletes/restores; B ${sb.ok} renames, ${sb.refused} refused; final ${String(m.lifecycle_stage)} "${String(m.run_name)}" (B's last: ${sb.last})${ok ? '' : ' ← LOST UPDATE'}`);
    }
    console.log(`      lost updates in ${lost} of ${rounds} rounds (no corruption in any)`);
    // Before the lock in runWriter.updateRunMeta this failed about one round in three.
    assert.equal(lost, 0, 'no lost update of meta.yaml');
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIRM_DOWNLOAD_BYTES, describePlan, needsConfirmation, planDownload, safeDest } from '../../../src/artifacts/downloadPlan';
import { listLocalArtifacts } from '../../../src/tracking/localArtifacts';
import type { ArtifactFile } from '../../../src/tracking/types';
import { storePath, VERSIONS } from '../../support/fixtures';

const DEST = path.resolve('/tmp/dl');

describe('download planning', () => {
  it('a single file keeps its name', async () => {
    const plan = await planDownload(async () => [], { path: 'plots/training/loss_curve.png', isDir: false, fileSize: 10 }, DEST);
    assert.deepEqual(plan.files, [{ path: 'plots/training/loss_curve.png', dest: path.join(DEST, 'loss_curve.png'), size: 10 }]);
    assert.equal(plan.totalBytes, 10);
  });

  it('a folder keeps its layout below its own name, empty folders included', async () => {
    const tree: Record<string, ArtifactFile[]> = {
      model: [
        { path: 'model/MLmodel', isDir: false, fileSize: 100 },
        { path: 'model/sub', isDir: true },
        { path: 'model/empty', isDir: true },
      ],
      'model/sub': [{ path: 'model/sub/x.bin', isDir: false, fileSize: 60_000_000 }, { path: 'model/sub/zero', isDir: false }],
      'model/empty': [],
    };
    const plan = await planDownload(async (d) => tree[d] ?? [], { path: 'model', isDir: true }, DEST);
    assert.deepEqual(plan.files.map((f) => path.relative(DEST, f.dest)), ['model/MLmodel', 'model/sub/x.bin', 'model/sub/zero']);
    assert.deepEqual(plan.dirs.map((d) => path.relative(DEST, d)), ['model', 'model/sub', 'model/empty']);
    assert.equal(plan.totalBytes, 60_000_100);
    assert.equal(plan.unknownSizes, 1);
    assert.equal(needsConfirmation(plan), true, 'over 50 MB asks first');
    assert.equal(describePlan(plan, (n) => `${n} B`), '3 files, 60000100 B');
  });

  it('the root folder downloads as "artifacts"', async () => {
    const plan = await planDownload(async () => [{ path: 'a.txt', isDir: false, fileSize: 1 }], { path: '', isDir: true }, DEST);
    assert.equal(path.relative(DEST, plan.files[0].dest), 'artifacts/a.txt');
    assert.equal(needsConfirmation(plan), false);
    assert.equal(CONFIRM_DOWNLOAD_BYTES, 50 * 1024 * 1024);
  });

  it('refuses paths that would leave the destination', async () => {
    assert.throws(() => safeDest(DEST, ['..', 'etc']), /Refusing/);
    assert.throws(() => safeDest(DEST, ['a/../../b']), /Refusing/);
    await assert.rejects(planDownload(async () => [{ path: 'd/../../x', isDir: false }], { path: 'd', isDir: true }, DEST), /Refusing/);
  });

  it('stops when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(planDownload(async () => [], { path: 'd', isDir: true }, DEST, ac.signal), /cancelled/);
  });

  describe('on the real baseline-logreg artifacts', () => {
    for (const ver of VERSIONS) {
      it(`${ver}: every file of the run, nested and unicode names included, with the sizes on disk`, async () => {
        const summary = JSON.parse(fs.readFileSync(storePath(ver, 'summary-file.json'), 'utf8'));
        const run = summary.runs['baseline-logreg'];
        const root = storePath(ver, 'mlruns', run.experiment_id, run.run_id, 'artifacts');
        const plan = await planDownload((d) => listLocalArtifacts(root, d), { path: '', isDir: true }, DEST);
        const rels = plan.files.map((f) => f.path).sort();
        for (const p of ['confusion_matrix.png', 'data/nested/deeper/deepest/info.txt', 'empty.txt', 'reports/my report ✓.txt', 'plots/training/loss_curve.png']) assert.ok(rels.includes(p), p);
        if (ver === 'v2') assert.ok(rels.includes('model/MLmodel'));
        let bytes = 0;
        for (const f of plan.files) bytes += fs.statSync(path.join(root, ...f.path.split('/'))).size;
        assert.equal(plan.totalBytes, bytes);
        assert.equal(plan.unknownSizes, 0, 'every size is known: the empty file is listed with file_size 0, as MLflow\'s client says');
      });
    }
  });
});

// One sample of our side of a side-by-side case, in its own process (see sideBySide.ts): the cold
// call (store opened inside it) timed after every module is loaded, then `warm` calls on the same
// store object. Prints one JSON line (ProcessSample). sideBySide.ts runs it bundled by esbuild (as
// the extension ships), or through tsx:
//   node -r tsx/cjs test/bench/ourChild.ts '{"caseId":"file.first100","warm":2,"storeDir":"…"}'
import { CASES, digestOf } from './dataLayerCases';
import { readManifest } from './generateStore';
import type { ProcessSample } from './sideBySide';

interface Spec {
  caseId: string;
  warm: number;
  storeDir: string;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as Spec;
  const c = CASES.find((x) => x.id === spec.caseId);
  if (!c) throw new Error(`no case ${spec.caseId}`);
  const g = readManifest(spec.storeDir);
  if (!g) throw new Error(`no generated store in ${spec.storeDir}`);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const store = await c.open(g);
  const result = await c.ours(store, g);
  const cold = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const { n, digest } = digestOf(result);
  const warm: number[] = [];
  for (let i = 0; i < spec.warm; i++) {
    const w0 = process.hrtime.bigint();
    await c.ours(store, g);
    warm.push(Number(process.hrtime.bigint() - w0) / 1e9);
  }
  store.dispose();
  const out: ProcessSample = { cold, warm, coldCpu: (cpu.user + cpu.system) / 1e6, n, digest };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);

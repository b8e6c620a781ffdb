// Benchmark: scanPython over a realistic 5,000-line training script.
// Prints one JSON line and exits non-zero if the median is over the limit.
import { performance } from 'node:perf_hooks';
import { scanPython } from '../../src/codelens/scanner';
import { trainingScript } from '../unit/codelens/pythonSample';

const LIMIT_MS = 10;
const RUNS = 200;
const WARMUP = 30;

const text = trainingScript(5000);
let found = 0;
for (let i = 0; i < WARMUP; i++) found = scanPython(text).length;
const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  scanPython(text);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const round = (x: number): number => Math.round(x * 1000) / 1000;
const medianMs = round(q(0.5));
const result = {
  bench: 'scanner-5000-lines',
  medianMs,
  p95Ms: round(q(0.95)),
  limitMs: LIMIT_MS,
  runs: RUNS,
  chars: text.length,
  calls: found,
};
console.log(JSON.stringify(result));
if (found === 0 || medianMs > LIMIT_MS) process.exitCode = 1;

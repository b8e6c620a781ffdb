#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs every test/bench/*.bench.ts (or those whose name contains NAME) with
// tsx in its own process, collects the JSON lines each prints, shows a table and writes
// .bench/results.json. Exit status 1 when a measurement missed its target (pass: false) or a bench
// crashed.
//
// A bench prints one JSON object per line: { bench, id, label, seconds?, cold?, mlflow?, ratio?, mb?,
// target?, pass?, note? }. Anything else it prints goes to stderr untouched.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'test', 'bench');
const outDir = path.join(root, '.bench');

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no test/bench/*.bench.ts${filters.length ? ` matching ${filters.join(', ')}` : ''}\n`);
  process.exit(1);
}

function runBench(file) {
  return new Promise((resolve) => {
    const lines = [];
    const child = spawn(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', path.join(benchDir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let buf = '';
    const take = (line) => {
      const t = line.trim();
      if (!t) return;
      try {
        const o = JSON.parse(t);
        if (o && typeof o === 'object' && !Array.isArray(o)) {
          normalize(o);
          lines.push(o);
          process.stderr.write(`  ${summary(o)}\n`);
          return;
        }
      } catch {
        // not a result line
      }
      process.stderr.write(line + '\n');
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.on('close', (code, signal) => {
      if (buf) take(buf);
      resolve({ file, code: code ?? (signal ? 128 : 1), results: lines });
    });
  });
}

const KNOWN = new Set(['bench', 'id', 'label', 'seconds', 'cold', 'samples', 'mlflow', 'ratio', 'mb', 'target', 'pass', 'note', 'oursCold', 'oursWarm', 'mlflowCold', 'mlflowWarm', 'warmRatio', 'oursCpu', 'mlflowCpu', 'source']);

/** Other result shapes ({ medianMs, limitMs, … }) mapped onto the table's columns. */
function normalize(o) {
  if (o.seconds === undefined && typeof o.medianMs === 'number') o.seconds = o.medianMs / 1000;
  if (o.target === undefined && typeof o.limitMs === 'number') {
    o.target = `≤${o.limitMs} ms`;
    if (o.pass === undefined && typeof o.medianMs === 'number') o.pass = o.medianMs <= o.limitMs;
  }
  if (o.label === undefined) {
    const extra = Object.entries(o)
      .filter(([k]) => !KNOWN.has(k) && k !== 'medianMs' && k !== 'limitMs')
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(' ');
    o.label = [o.id, extra].filter(Boolean).join(' ') || o.bench || '';
  }
}

function fmtSeconds(s) {
  if (s === undefined) return '';
  return s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms` : `${s.toFixed(2)} s`;
}

function summary(o) {
  const parts = [o.label ?? o.id];
  if (o.seconds !== undefined) parts.push(fmtSeconds(o.seconds));
  if (o.ratio !== undefined) parts.push(`${o.ratio}×`);
  if (o.mb !== undefined) parts.push(`${o.mb} MB`);
  if (o.pass !== undefined) parts.push(o.pass ? 'PASS' : 'FAIL');
  return parts.join(' · ');
}

function table(rows) {
  const head = ['bench', 'measurement', 'cold', 'median', 'MLflow 3', 'ratio', 'memory', 'target', 'result'];
  const body = rows.map((o) => [
    o.bench ?? '',
    o.label ?? o.id ?? '',
    fmtSeconds(o.cold),
    fmtSeconds(o.seconds),
    fmtSeconds(o.mlflow),
    o.ratio !== undefined ? `${o.ratio}×` : '',
    o.mb !== undefined ? `${o.mb} MB` : '',
    o.target ?? '',
    o.pass === undefined ? (o.note && o.target ? 'n/a' : '') : o.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.min(i === 1 ? 70 : 40, Math.max(h.length, ...body.map((r) => String(r[i]).length))));
  const cut = (s, w) => (s.length > w ? s.slice(0, w - 1) + '…' : s);
  const line = (r) => '| ' + r.map((c, i) => cut(String(c), widths[i]).padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

/**
 * The side-by-side rows (lines with oursCold, from benches that time MLflow's client in the same run)
 * as a Markdown table, with the lines that say which MLflow and what load (id 'sideBySide').
 */
function sideBySideReport(rows) {
  const heads = rows.filter((o) => o.id === 'sideBySide');
  const body = rows.filter((o) => o.oursCold !== undefined);
  if (body.length === 0) return '';
  const x = (v) => (v === undefined ? '' : `${v}×`);
  const cells = body.map((o) => [
    o.label ?? o.id,
    fmtSeconds(o.oursCold),
    fmtSeconds(o.oursWarm),
    fmtSeconds(o.mlflowCold),
    fmtSeconds(o.mlflowWarm),
    x(o.ratio),
    x(o.warmRatio),
    o.target ?? '',
    o.pass === undefined ? '' : o.pass ? '✓' : '✗',
  ]);
  const head = ['case', 'ours cold', 'ours warm', 'MLflow cold', 'MLflow warm', 'ratio cold', 'ratio warm', 'target (cold)', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  const out = [];
  for (const h of heads) {
    out.push(`${h.label}`);
    if (h.load) out.push(`Load: ${h.load}.`);
  }
  out.push('', line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line), '');
  const notes = body.filter((o) => o.note).map((o) => `- ${o.id}: ${o.note}`);
  const cpu = body.filter((o) => o.oursCpu !== undefined && o.mlflowCpu !== undefined).map((o) => `${o.id} ${fmtSeconds(o.oursCpu)} vs ${fmtSeconds(o.mlflowCpu)} (${(o.mlflowCpu / o.oursCpu).toFixed(1)}×)`);
  if (cpu.length) out.push(`CPU time of the cold call (median, ours vs MLflow): ${cpu.join('; ')}.`);
  if (notes.length) out.push('', ...notes);
  return out.join('\n') + '\n';
}

const started = new Date();
const all = [];
let crashed = 0;
for (const file of files) {
  process.stderr.write(`\n▶ ${file}\n`);
  const r = await runBench(file);
  all.push(...r.results.map((o) => ({ bench: file.replace(/\.bench\.ts$/, ''), ...o })));
  if (r.code !== 0 && !r.results.some((o) => o.pass === false)) {
    crashed++;
    all.push({ bench: file.replace(/\.bench\.ts$/, ''), id: 'exit', label: `exited with status ${r.code}`, pass: false });
  }
}

const failed = all.filter((o) => o.pass === false);
const report = sideBySideReport(all);
process.stdout.write('\n' + table(all.filter((o) => o.oursCold === undefined && o.id !== 'sideBySide')) + '\n\n');
if (report) process.stdout.write(report + '\n');
process.stdout.write(
  failed.length
    ? `${failed.length} target(s) missed: ${failed.map((o) => o.id ?? o.bench).join(', ')}\n`
    : all.some((o) => o.pass === true)
      ? `all ${all.filter((o) => o.pass === true).length} targets met\n`
      : 'no targets judged\n',
);

fs.mkdirSync(outDir, { recursive: true });
const out = {
  started: started.toISOString(),
  finished: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  files,
  results: all,
  failed: failed.length,
};
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(out, null, 2) + '\n');
if (report) {
  fs.writeFileSync(path.join(outDir, 'report.md'), `# npm run bench: side by side with MLflow's client\n\n${started.toISOString()}, Node ${process.version}\n\n${report}`);
  process.stdout.write(`report: ${path.relative(root, path.join(outDir, 'report.md'))}\n`);
}
process.stdout.write(`results: ${path.relative(root, path.join(outDir, 'results.json'))}\n`);
process.exit(failed.length || crashed ? 1 : 0);

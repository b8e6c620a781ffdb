// What every bench shares for reporting: its JSON result lines (the shape scripts/bench.mjs reads:
// { bench, id, label, seconds?, target?, pass?, note?, … }), the count of missed targets that sets its
// exit status, medians, and the machine's load for a note.

import * as os from 'node:os';

export interface BenchReport {
  /** Prints one result line, `bench` first; a line with pass: false counts as a missed target. */
  emit(line: object): void;
  /** How many lines so far said pass: false. */
  readonly missed: number;
  /** Runs the bench and exits: 1 when a target was missed, 2 (stack on stderr) when it threw. */
  run(main: () => Promise<void>): void;
}

export function benchReport(bench: string): BenchReport {
  let missed = 0;
  return {
    emit(line) {
      if ((line as { pass?: unknown }).pass === false) missed++;
      process.stdout.write(JSON.stringify({ bench, ...line }) + '\n');
    },
    get missed() {
      return missed;
    },
    run(main) {
      main().then(
        () => process.exit(missed ? 1 : 0),
        (e: unknown) => {
          process.stderr.write(`${bench} bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
          process.exit(2);
        },
      );
    },
  };
}

/** The middle value (the mean of the two middle ones for an even count; NaN for none). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The 1, 5 and 15 minute load averages, e.g. `1.02 0.87 0.65` (zeros where the OS has none). */
export function loadAverages(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** For a result's note: the 1-minute load average and the cores it shares, since wall-clock figures follow them. */
export function loadNote(): string {
  return `load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`;
}

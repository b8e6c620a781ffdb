// The argv printer the shell-quoting tests run: each invocation appends "\u0001<argc>\0" and then
// every argument followed by \0 to $ARGV_OUT; readArgvRecords gives them back, one argv each.
import * as fs from 'node:fs';

export const ARGV_PRINTER_SH = '#!/bin/sh\n{ printf \'\\001%d\\000\' "$#"; for a in "$@"; do printf \'%s\\000\' "$a"; done; } >> "$ARGV_OUT"\n';

export function readArgvRecords(file: string): string[][] {
  if (!fs.existsSync(file)) return [];
  const raw = fs.readFileSync(file, 'utf8');
  const recs: string[][] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] !== '\u0001') throw new Error(`argv record header expected at ${i} of ${file}`);
    const end = raw.indexOf('\0', i);
    const argc = Number(raw.slice(i + 1, end));
    i = end + 1;
    const rec: string[] = [];
    for (let k = 0; k < argc; k++) {
      const e = raw.indexOf('\0', i);
      rec.push(raw.slice(i, e));
      i = e + 1;
    }
    recs.push(rec);
  }
  return recs;
}

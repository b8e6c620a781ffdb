// Pure: the "arguments" line a user types for a script, split into an argv the way a POSIX shell would
// split it, but with no expansion at all ($VAR, globs, ~ and backticks stay as typed). The argv goes to the
// process as an array (ProcessExecution), so nothing typed here is ever interpreted by a shell.

export type ParsedArgs = { ok: true; args: string[] } | { ok: false; error: string };

/**
 * Words separated by blanks; '…' keeps everything literally; "…" keeps everything except that \" \\ \$ \`
 * and \<newline> are escapes; outside quotes a backslash makes the next character literal.
 */
export function parseArgLine(line: string): ParsedArgs {
  const args: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) args.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { ok: false, error: `The quote ' at position ${i + 1} is not closed.` };
      cur += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= line.length) return { ok: false, error: `The quote " at position ${i + 1} is not closed.` };
        const d = line[j];
        if (d === '"') break;
        if (d === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1])) {
          if (line[j + 1] !== '\n') cur += line[j + 1];
          j += 2;
          continue;
        }
        cur += d;
        j++;
      }
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, error: 'The line ends with a lone backslash.' };
      if (line[i + 1] !== '\n') cur += line[i + 1];
      i += 2;
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord) args.push(cur);
  if (args.some((a) => a.includes('\0'))) return { ok: false, error: 'An argument cannot contain a NUL character.' };
  return { ok: true, args };
}

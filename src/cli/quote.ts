// Turning an argv into one command line for a given shell, so that pasting it (or sending it to a VS Code
// terminal) runs exactly that argv: no variable, command, history, glob, tilde or brace expansion, no
// command separators, redirections or comments, empty strings and leading dashes preserved.
//
// What each shell gets:
//   bash, zsh  'single quotes' ('\'' for a quote); control characters (newline, tab, ESC…) as $'\xHH' pieces
//              so the line stays one line and nothing reaches the line editor. Safe words stay bare.
//   sh         (dash, ash, ksh, anything POSIX) 'single quotes'; newline and tab literally inside the quotes
//              (POSIX has no $'…' before 2024); other control characters are refused.
//   fish       'single quotes' with \\ and \' escaped; control characters as unquoted \xHH escapes.
//   pwsh       & 'single quotes' (' and the typographic quotes ‘ ’ ‚ ‛ doubled). Correct for PowerShell 7.3+
//              (native argument passing "Standard"/"Windows", the default). Windows PowerShell 5.1 and pwsh
//              ≤ 7.2 mangle embedded " and drop empty arguments: pass { pwshLegacy: true } to refuse those.
//   cmd        Arguments are quoted for the Microsoft C runtime (CommandLineToArgvW rules: "…", \" and doubled
//              backslashes before quotes), then every cmd metacharacter (including ") is escaped with ^ so
//              cmd never enters quote mode. Refused, because cmd cannot pass them safely: % (variable
//              expansion cannot be escaped on an interactive line), ! (delayed expansion when enabled),
//              newlines/carriage returns (end the command), other control characters. The executable (first
//              argument) is put in plain double quotes, so it may not contain " either.
// Every shell: NUL characters and lone UTF-16 surrogates cannot be in an argv and are refused.

export type ShellKind = 'bash' | 'zsh' | 'fish' | 'pwsh' | 'cmd' | 'sh';

export interface QuoteOptions {
  /** Windows PowerShell 5.1 / pwsh ≤ 7.2: refuse arguments those versions would mangle. */
  pwshLegacy?: boolean;
}

export class QuoteError extends Error {
  override readonly name = 'QuoteError';
  constructor(
    message: string,
    readonly shell: ShellKind,
    readonly argIndex: number,
  ) {
    super(message);
  }
}

// Words that need no quotes at all (and never start a special construct) in each shell.
// '=' never first (zsh expands '=cmd') and never in the program word (it would be a variable assignment).
const SAFE_POSIX = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+:,./=-]*$/;
const SAFE_POSIX_PROGRAM = /^[A-Za-z0-9_@%+:,./-]+$/;
// fish: no % (process expansion in old versions); '=' not in the program word (fish 3.1+ 'VAR=x cmd').
const SAFE_FISH = /^[A-Za-z0-9_@+:,./=-]+$/;
const SAFE_FISH_PROGRAM = /^[A-Za-z0-9_@+:,./-]+$/;
// pwsh: only barewords starting with a letter (digits could be read as numbers like 1kb or 0x10; a leading
// '-' as a parameter, and '-a.b' is split by older versions).
const SAFE_PWSH = /^[A-Za-z][A-Za-z0-9_.-]*$/;
// cmd: the program word may not hold cmd's separators ,;= or a leading @ (echo off).
const SAFE_CMD = /^[A-Za-z0-9_@+:,./=\\-]+$/;
const SAFE_CMD_PROGRAM = /^[A-Za-z0-9_+:./\\-]+$/;

const CONTROL = /[\u0000-\u001f\u007f]/;

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function hex2(c: string): string {
  return c.charCodeAt(0).toString(16).padStart(2, '0');
}

function quotePosixWord(arg: string, first: boolean): string {
  if ((first ? SAFE_POSIX_PROGRAM : SAFE_POSIX).test(arg)) return arg;
  if (arg === '') return "''";
  // Split into runs of ordinary text (single-quoted) and control characters ($'\xHH').
  let out = '';
  let text = '';
  const flush = (): void => {
    if (text !== '') out += `'${text.replace(/'/g, "'\\''")}'`;
    text = '';
  };
  for (const ch of arg) {
    if (CONTROL.test(ch)) {
      flush();
      out += `$'\\x${hex2(ch)}'`;
    } else text += ch;
  }
  flush();
  return out;
}

function quoteShWord(arg: string, i: number, first: boolean): string {
  if ((first ? SAFE_POSIX_PROGRAM : SAFE_POSIX).test(arg)) return arg;
  const bad = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(arg);
  if (bad) {
    throw new QuoteError(
      `Argument ${i + 1} contains the control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}, which a POSIX sh command line cannot carry safely.`,
      'sh',
      i,
    );
  }
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

function quoteFishWord(arg: string, first: boolean): string {
  if ((first ? SAFE_FISH_PROGRAM : SAFE_FISH).test(arg)) return arg;
  if (arg === '') return "''";
  let out = '';
  let text = '';
  const flush = (): void => {
    if (text !== '') out += `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    text = '';
  };
  for (const ch of arg) {
    if (CONTROL.test(ch)) {
      flush();
      out += `\\x${hex2(ch)}`;
    } else text += ch;
  }
  flush();
  return out;
}

function quotePwshWord(arg: string, i: number, opts: QuoteOptions): string {
  if (opts.pwshLegacy) {
    if (arg === '') throw new QuoteError(`Argument ${i + 1} is empty; Windows PowerShell 5.1 and PowerShell 7.2 or older drop empty arguments.`, 'pwsh', i);
    if (arg.includes('"')) throw new QuoteError(`Argument ${i + 1} contains a double quote, which Windows PowerShell 5.1 and PowerShell 7.2 or older do not pass on intact.`, 'pwsh', i);
  }
  if (arg !== '' && SAFE_PWSH.test(arg)) return arg;
  return `'${arg.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

/** Quotes one argument the way the Microsoft C runtime splits a command line (CommandLineToArgvW). */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  out += '\\'.repeat(backslashes * 2) + '"';
  return out;
}

function quoteCmdWord(arg: string, i: number): string {
  const refuse = (why: string): never => {
    throw new QuoteError(`Argument ${i + 1} ${why}; cmd.exe cannot pass it safely. Run the command as a task, or from PowerShell.`, 'cmd', i);
  };
  if (arg.includes('%')) refuse('contains %, which cmd.exe expands as a variable');
  if (arg.includes('!')) refuse('contains !, which cmd.exe expands when delayed expansion is on');
  if (/[\r\n]/.test(arg)) refuse('contains a line break');
  if (CONTROL.test(arg.replace(/\t/g, ''))) refuse('contains a control character');
  if (i === 0) {
    if (arg.includes('"')) refuse('(the program) contains a double quote');
    if (arg === '') refuse('(the program) is empty');
    return SAFE_CMD_PROGRAM.test(arg) ? arg : `"${arg}"`;
  }
  if (arg !== '' && SAFE_CMD.test(arg)) return arg;
  // cmd metacharacters, escaped with ^ (including ", so that cmd never switches to quoted mode).
  return quoteWindowsArg(arg).replace(/[\^&|<>()"]/g, (c) => `^${c}`);
}

/**
 * One command line that runs exactly `args` (args[0] is the program) when given to `shell`.
 * Throws QuoteError for arguments the shell cannot carry safely (see the header of this file).
 */
export function quoteForShell(args: readonly string[], shell: ShellKind, opts: QuoteOptions = {}): string {
  if (args.length === 0) throw new QuoteError('Nothing to run.', shell, 0);
  const words = args.map((arg, i) => {
    if (typeof arg !== 'string') throw new QuoteError(`Argument ${i + 1} is not text.`, shell, i);
    if (arg.includes('\u0000')) throw new QuoteError(`Argument ${i + 1} contains a NUL character, which no program can receive.`, shell, i);
    if (hasLoneSurrogate(arg)) throw new QuoteError(`Argument ${i + 1} contains an invalid Unicode character (lone surrogate).`, shell, i);
    switch (shell) {
      case 'bash':
      case 'zsh':
        return quotePosixWord(arg, i === 0);
      case 'sh':
        return quoteShWord(arg, i, i === 0);
      case 'fish':
        return quoteFishWord(arg, i === 0);
      case 'pwsh':
        return quotePwshWord(arg, i, opts);
      case 'cmd':
        return quoteCmdWord(arg, i);
    }
    throw new QuoteError(`Unknown shell "${String(shell)}".`, shell, i);
  });
  const line = words.join(' ');
  return shell === 'pwsh' ? `& ${line}` : line;
}

/** Like quoteForShell, but returns the error message instead of throwing. */
export function tryQuoteForShell(args: readonly string[], shell: ShellKind, opts: QuoteOptions = {}): { line: string } | { error: string } {
  try {
    return { line: quoteForShell(args, shell, opts) };
  } catch (e) {
    if (e instanceof QuoteError) return { error: e.message };
    throw e;
  }
}

/**
 * The shell family of a terminal's shell executable (VS Code's `terminal.integrated.defaultProfile`'s path,
 * `vscode.env.shell`). undefined for shells we do not quote for (csh/tcsh, nushell, xonsh, elvish…): run the
 * command as a task instead.
 */
export function detectShellKind(shellPath: string): ShellKind | undefined {
  if (!shellPath) return undefined;
  const base = shellPath.trim().replace(/^["']|["']$/g, '').split(/[\\/]/).pop() ?? '';
  const name = base.toLowerCase().replace(/\.(exe|com|bat|cmd)$/, '');
  if (name === 'bash' || name === 'rbash' || name === 'git-bash' || name === 'wsl-bash') return 'bash';
  if (name === 'zsh') return 'zsh';
  if (name === 'fish') return 'fish';
  if (name === 'pwsh' || name === 'powershell' || name === 'pwsh-preview') return 'pwsh';
  if (name === 'cmd') return 'cmd';
  if (['sh', 'dash', 'ash', 'ksh', 'ksh93', 'mksh', 'pdksh', 'oksh', 'busybox', 'yash', 'posh'].includes(name)) return 'sh';
  return undefined;
}

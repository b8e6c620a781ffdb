import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { QuoteError, type ShellKind, detectShellKind, quoteForShell, quoteWindowsArg, tryQuoteForShell } from '../../../src/cli/quote';
import { ARGV_PRINTER_SH, readArgvRecords } from './argvRecords';
import { requirePrerequisite } from '../../support/prerequisite';

// Strings that break naive quoting. Commands that would create CANARY (in the shell's cwd) if ever executed.
const HOSTILE: string[] = [
  'plain',
  'with space',
  '  leading and trailing  ',
  "it's",
  "'",
  "''",
  "'\\''",
  "\\'",
  '"',
  'say "hi"',
  '"quoted"',
  '$HOME',
  '${PATH}',
  '$(touch CANARY)',
  '`touch CANARY`',
  '; touch CANARY',
  '&& touch CANARY',
  '& touch CANARY &',
  '| touch CANARY',
  '|| touch CANARY',
  '> CANARY',
  '>> CANARY',
  '< /etc/passwd',
  '2>&1',
  '(touch CANARY)',
  '{ touch CANARY; }',
  '{a,b}',
  '*',
  '*.ts',
  '?',
  '[ab]',
  '~',
  '~root',
  'a=~/x',
  '!',
  '!!',
  '!$',
  '!-1',
  '^a^b',
  '\\',
  'a\\b\\',
  'C:\\Program Files\\x\\',
  'trailing backslash\\',
  'line1\nline2',
  '\n',
  'tab\there',
  '\r',
  'esc \u001b[31mred',
  'bell\u0007',
  'ünïcødé ✓ 🚀',
  'e\u0301 combining',
  'rtl \u202e override',
  'zero\u200bwidth',
  'line\u2028sep',
  '‘smart’ “quotes”',
  '',
  '-',
  '--',
  '-rf',
  '--model-uri=x',
  '-e',
  '=cmd',
  'a=b',
  'KEY=VALUE with space',
  '#not a comment',
  'x #y',
  '%self',
  '%PATH%',
  '@args',
  '--%',
  '\\$x',
  '$\'x\'',
  'fish\\x41',
  '\\n',
  'end\\',
];

const HAS_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

interface RealShell {
  kind: ShellKind;
  exe: string;
  interactiveArgs: string[];
  cArgs: string[];
}

const REAL_SHELLS: RealShell[] = [
  { kind: 'bash', exe: 'bash', cArgs: ['--norc', '--noprofile', '-c'], interactiveArgs: ['--norc', '--noprofile', '-i'] },
  { kind: 'sh', exe: 'dash', cArgs: ['-c'], interactiveArgs: ['-i'] },
  { kind: 'sh', exe: 'sh', cArgs: ['-c'], interactiveArgs: ['-i'] },
  { kind: 'zsh', exe: 'zsh', cArgs: ['-f', '-c'], interactiveArgs: ['-f', '-i'] },
  { kind: 'fish', exe: 'fish', cArgs: ['--no-config', '-c'], interactiveArgs: ['--no-config', '-i'] },
];

describe('quoteForShell in real shells', function () {
  this.timeout(60000);
  let dir: string;
  let printer: string;
  let out: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-quote-'));
    // The printer itself lives at a hostile path, so the program word is tested too.
    const bin = path.join(dir, "bin dir 'q' $x & ; (p)");
    fs.mkdirSync(bin);
    printer = path.join(bin, 'argv printer');
    out = path.join(dir, 'argv.out');
    // Records: one "\u0001<argc>\0" header, then each argument followed by \0.
    fs.writeFileSync(printer, ARGV_PRINTER_SH, { mode: 0o755 });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readRecords = (): string[][] => readArgvRecords(out);

  function run(sh: RealShell, script: string, interactive: boolean): { stderr: string } {
    fs.rmSync(out, { force: true });
    const env = { ...process.env, ARGV_OUT: out, HISTFILE: '/dev/null', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', x: 'EXPANDED', HOME: dir };
    if (!interactive) {
      const r = spawnSync(sh.exe, [...sh.cArgs, script], { cwd: dir, env, encoding: 'utf8', timeout: 30000 });
      return { stderr: r.stderr };
    }
    // Interactive: the line arrives on stdin as if typed/pasted (history expansion on in bash/zsh).
    const input = path.join(dir, 'stdin.txt');
    fs.writeFileSync(input, script + '\nexit\n');
    const fd = fs.openSync(input, 'r');
    try {
      const r = spawnSync(sh.exe, sh.interactiveArgs, { cwd: dir, env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 30000 });
      return { stderr: r.stderr };
    } finally {
      fs.closeSync(fd);
    }
  }

  for (const sh of REAL_SHELLS) {
    const missing = which(sh.exe) === undefined ? `${sh.exe} is not installed (apt-get install ${sh.exe})` : undefined;
    const cases = () => HOSTILE.filter((h) => sh.kind !== 'sh' || !HAS_CONTROL.test(h));
    for (const interactive of [false, true]) {
      const mode = interactive ? 'interactive (stdin)' : '-c';
      it(`${sh.exe} ${mode}: every hostile argument arrives intact, one per command line`, function () {
        requirePrerequisite(this, missing);
        const argvs = cases().map((h) => [printer, 'BEGIN', h, 'END']);
        const script = argvs.map((a) => quoteForShell(a, sh.kind)).join('\n');
        const { stderr } = run(sh, script, interactive);
        const got = readRecords();
        assert.equal(got.length, argvs.length, `expected ${argvs.length} runs, got ${got.length}; stderr: ${stderr.slice(0, 2000)}`);
        got.forEach((rec, i) => assert.deepEqual(rec, argvs[i].slice(1), `case ${JSON.stringify(argvs[i][2])}`));
        assert.ok(!fs.existsSync(path.join(dir, 'CANARY')), 'an injected command ran');
      });
      it(`${sh.exe} ${mode}: all hostile arguments in one command`, function () {
        requirePrerequisite(this, missing);
        const argv = [printer, ...cases()];
        const { stderr } = run(sh, quoteForShell(argv, sh.kind), interactive);
        const got = readRecords();
        assert.equal(got.length, 1, stderr.slice(0, 2000));
        assert.deepEqual(got[0], argv.slice(1));
        assert.ok(!fs.existsSync(path.join(dir, 'CANARY')), 'an injected command ran');
      });
    }
    it(`${sh.exe}: a real mlflow-like command line (python -m mlflow … with an --env value)`, function () {
      requirePrerequisite(this, missing);
      const argv = [printer, '-m', 'mlflow', 'models', 'predict', '--model-uri', 'runs:/abc/my model', '--env', 'A=$(touch CANARY)', '--input-path=-weird.csv'];
      run(sh, quoteForShell(argv, sh.kind), false);
      assert.deepEqual(readRecords()[0], argv.slice(1));
      assert.ok(!fs.existsSync(path.join(dir, 'CANARY')));
    });
  }

  it('sh refuses control characters other than newline and tab', () => {
    assert.throws(() => quoteForShell(['x', 'esc \u001b[31m'], 'sh'), QuoteError);
    assert.doesNotThrow(() => quoteForShell(['x', 'a\nb\tc'], 'sh'));
  });
});

describe('quoteForShell: exact output', () => {
  it('leaves safe words bare and quotes the rest (bash/zsh/sh)', () => {
    assert.equal(quoteForShell(['mlflow', 'models', 'serve', '--model-uri', 'runs:/abc/model', '--port', '5000'], 'bash'), 'mlflow models serve --model-uri runs:/abc/model --port 5000');
    assert.equal(quoteForShell(['/usr/bin/python3', '-m', 'mlflow', 'x y', "it's", ''], 'bash'), "/usr/bin/python3 -m mlflow 'x y' 'it'\\''s' ''");
    assert.equal(quoteForShell(['a', 'x\ny'], 'bash'), "a 'x'$'\\x0a''y'");
    assert.equal(quoteForShell(['a', 'x\ny'], 'zsh'), "a 'x'$'\\x0a''y'");
    assert.equal(quoteForShell(['a', 'x\ny'], 'sh'), "a 'x\ny'");
    assert.equal(quoteForShell(['a', '=cmd', 'k=v'], 'zsh'), "a '=cmd' k=v");
    assert.equal(quoteForShell(['A=1', 'x'], 'bash'), "'A=1' x", 'a program word with = would be an assignment');
    assert.equal(quoteForShell(['a', '~', '*', '!'], 'bash'), "a '~' '*' '!'");
  });

  it('fish escapes backslashes and quotes inside single quotes', () => {
    assert.equal(quoteForShell(['a', "it's", 'a\\b', '%self', 'x\ty'], 'fish'), "a 'it\\'s' 'a\\\\b' '%self' 'x'\\x09'y'");
    assert.equal(quoteForShell(['A=1'], 'fish'), "'A=1'");
  });

  it('pwsh: call operator, single quotes, doubled typographic quotes', () => {
    assert.equal(
      quoteForShell(['C:\\Program Files\\Python\\python.exe', '-m', 'mlflow', 'models', 'serve', '--port', '5000', "it's", '‘x’', '', '$env:PATH', '--%'], 'pwsh'),
      "& 'C:\\Program Files\\Python\\python.exe' '-m' mlflow models serve '--port' '5000' 'it''s' '‘‘x’’' '' '$env:PATH' '--%'",
    );
    assert.equal(quoteForShell(['mlflow', '1kb', '0x10', 'a b'], 'pwsh'), "& mlflow '1kb' '0x10' 'a b'");
    assert.equal(quoteForShell(['x', 'a\nb'], 'pwsh'), "& x 'a\nb'");
  });

  it('pwsh legacy mode refuses what Windows PowerShell 5.1 would mangle', () => {
    assert.throws(() => quoteForShell(['x', ''], 'pwsh', { pwshLegacy: true }), /empty/);
    assert.throws(() => quoteForShell(['x', 'say "hi"'], 'pwsh', { pwshLegacy: true }), /double quote/);
    assert.doesNotThrow(() => quoteForShell(['x', "it's"], 'pwsh', { pwshLegacy: true }));
  });

  it('cmd: C-runtime quoting with every metacharacter caret-escaped', () => {
    assert.equal(quoteForShell(['C:\\Python311\\python.exe', '-m', 'mlflow', 'models', 'serve', '--model-uri', 'runs:/abc/model'], 'cmd'), 'C:\\Python311\\python.exe -m mlflow models serve --model-uri runs:/abc/model');
    assert.equal(quoteForShell(['C:\\Program Files\\Py\\python.exe', 'a b'], 'cmd'), '"C:\\Program Files\\Py\\python.exe" ^"a b^"');
    assert.equal(quoteForShell(['x', 'a&b|c>d<e^f(g)'], 'cmd'), 'x a^&b^|c^>d^<e^^f^(g^)');
    assert.equal(quoteForShell(['x', 'say "hi" & go'], 'cmd'), 'x ^"say \\^"hi\\^" ^& go^"');
    assert.equal(quoteForShell(['x', ''], 'cmd'), 'x ^"^"');
    assert.equal(quoteForShell(['x', 'C:\\dir with space\\'], 'cmd'), 'x ^"C:\\dir with space\\\\^"');
  });

  it('cmd refuses %, !, line breaks and control characters with a clear message', () => {
    assert.throws(() => quoteForShell(['x', '%PATH%'], 'cmd'), /contains %/);
    assert.throws(() => quoteForShell(['x', 'hi!'], 'cmd'), /contains !/);
    assert.throws(() => quoteForShell(['x', 'a\nb'], 'cmd'), /line break/);
    assert.throws(() => quoteForShell(['x', 'a\u001bb'], 'cmd'), /control character/);
    assert.throws(() => quoteForShell(['C:\\a"b\\x.exe'], 'cmd'), /double quote/);
    const r = tryQuoteForShell(['x', '50%'], 'cmd');
    assert.ok('error' in r && /cmd\.exe cannot pass it safely/.test(r.error));
  });

  it('every shell refuses NUL and lone surrogates', () => {
    for (const sh of ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd'] as const) {
      assert.throws(() => quoteForShell(['x', 'a\u0000b'], sh), /NUL/);
      assert.throws(() => quoteForShell(['x', 'a\ud800b'], sh), /surrogate/);
      assert.throws(() => quoteForShell([], sh), QuoteError);
    }
  });
});

// ---- simulated Windows parsing (no cmd.exe / pwsh here) ------------------------------------------------------

/** cmd.exe phase 2 (carets, quote state) → the command line the program receives; flags unescaped operators. */
function cmdPhase2(line: string): { line: string; operator: boolean } {
  let out = '';
  let inQuote = false;
  let operator = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      inQuote = !inQuote;
      out += c;
    } else if (!inQuote && c === '^') {
      i++;
      if (i < line.length) out += line[i];
    } else {
      if (!inQuote && '&|<>'.includes(c)) operator = true;
      out += c;
    }
  }
  return { line: out, operator };
}

/** The Microsoft C runtime's argv split (the program word with simple quote handling, then CommandLineToArgvW rules). */
function crtSplit(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  // program name: quotes only group, no escapes
  let prog = '';
  let q = false;
  while (i < line.length && (q || !/\s/.test(line[i]))) {
    if (line[i] === '"') q = !q;
    else prog += line[i];
    i++;
  }
  args.push(prog);
  for (;;) {
    while (i < line.length && /[ \t]/.test(line[i])) i++;
    if (i >= line.length) break;
    let arg = '';
    let inQ = false;
    while (i < line.length && (inQ || !/[ \t]/.test(line[i]))) {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        arg += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) arg += '"';
        else inQ = !inQ;
        i++;
      } else {
        arg += '\\'.repeat(n);
        if (i < line.length && (inQ || !/[ \t]/.test(line[i]))) arg += line[i++];
      }
    }
    args.push(arg);
  }
  return args;
}

/** pwsh: `& 'prog' 'a' bare …` → argv (single quotes, typographic single quotes, '' escapes). */
function pwshSplit(line: string): string[] {
  assert.ok(line.startsWith('& '));
  const Q = "'\u2018\u2019\u201a\u201b";
  const out: string[] = [];
  let i = 2;
  while (i < line.length) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    let word = '';
    if (Q.includes(line[i])) {
      i++;
      for (;;) {
        assert.ok(i < line.length, 'unterminated quote');
        if (Q.includes(line[i])) {
          if (i + 1 < line.length && Q.includes(line[i + 1])) {
            word += line[i];
            i += 2;
            continue;
          }
          i++;
          break;
        }
        word += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== ' ') word += line[i++];
      assert.match(word, /^[A-Za-z][A-Za-z0-9_.-]*$/, 'bare pwsh word must be a plain bareword');
    }
    out.push(word);
  }
  return out;
}

describe('quoteForShell for Windows shells (simulated parsers)', () => {
  const windowsSafe = HOSTILE.filter((h) => !/[%!\r\n\u0000-\u001f]/.test(h));

  it('cmd: every argument without %, ! or control characters round-trips and no operator stays unescaped', () => {
    for (const h of windowsSafe) {
      const argv = ['C:\\Program Files\\Python311\\python.exe', 'BEGIN', h, 'END'];
      const { line, operator } = cmdPhase2(quoteForShell(argv, 'cmd'));
      assert.equal(operator, false, `unescaped operator for ${JSON.stringify(h)}`);
      assert.deepEqual(crtSplit(line), argv, JSON.stringify(h));
    }
  });

  it('cmd: quoteWindowsArg alone round-trips through the C runtime rules', () => {
    for (const h of windowsSafe) assert.deepEqual(crtSplit(`p ${quoteWindowsArg(h)}`), ['p', h]);
  });

  it('pwsh: every argument round-trips', () => {
    for (const h of HOSTILE.filter((x) => !x.includes('\u0000'))) {
      const argv = ['C:\\Program Files\\PowerShell\\7\\pwsh.exe', h, '-x'];
      assert.deepEqual(pwshSplit(quoteForShell(argv, 'pwsh')), argv, JSON.stringify(h));
    }
  });
});

describe('detectShellKind', () => {
  const cases: [string, ShellKind | undefined][] = [
    ['/bin/bash', 'bash'],
    ['/usr/local/bin/zsh', 'zsh'],
    ['/opt/homebrew/bin/fish', 'fish'],
    ['/bin/sh', 'sh'],
    ['/usr/bin/dash', 'sh'],
    ['/bin/ksh93', 'sh'],
    ['C:\\Program Files\\Git\\bin\\bash.exe', 'bash'],
    ['C:\\Windows\\System32\\cmd.exe', 'cmd'],
    ['C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'pwsh'],
    ['C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'pwsh'],
    ['/usr/bin/pwsh', 'pwsh'],
    ['"C:\\Program Files\\Git\\bin\\bash.exe"', 'bash'],
    ['/bin/tcsh', undefined],
    ['/usr/bin/nu', undefined],
    ['C:\\Windows\\System32\\wsl.exe', undefined],
    ['', undefined],
  ];
  for (const [p, kind] of cases) it(`${p || '(empty)'} → ${kind}`, () => assert.equal(detectShellKind(p), kind));
});

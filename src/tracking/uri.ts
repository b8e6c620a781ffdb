// Which tracking store a workspace means: the mlflow.trackingUri setting, MLFLOW_TRACKING_URI (process
// environment, then the workspace .env), else the store MLflow 3.7 would pick in the workspace folder.
// Pure: every file-system access goes through the functions the caller passes (no vscode, no fs here).

import * as os from 'node:os';
import * as path from 'node:path';
import { TrackingError } from './errors';

export type UriSource = 'setting' | 'env' | 'dotenv' | 'detected';

export interface ResolvedUri {
  kind: 'file' | 'sqlite' | 'rest';
  /** Normalized, without credentials: `file:///abs/mlruns`, `sqlite:////abs/mlflow.db`, `https://host/prefix`. */
  uri: string;
  /** Absolute local path of the mlruns folder or the SQLite file (file/sqlite). */
  path?: string;
  /** The server's base URL without a trailing slash and without credentials (rest). */
  url?: string;
  /** user:password found in an http(s) URL; the VS Code layer moves them to SecretStorage. */
  credentials?: { username: string; password: string };
  source: UriSource;
  /** Short human form for the UI (workspace-relative path, or the URL without credentials). */
  display: string;
}

export interface ResolveInput {
  /** The mlflow.trackingUri setting ('' = unset). */
  setting?: string;
  /** The process environment. */
  env?: Record<string, string | undefined>;
  /** Contents of the workspace folder's .env file. */
  dotenv?: string;
  /** Absolute path of the workspace folder; relative paths are resolved against it. */
  workspaceFolder?: string;
  exists: (p: string) => boolean;
  /** Names in a directory ([] when unreadable). Without it, detection only looks for mlruns/0/meta.yaml. */
  listDir?: (p: string) => string[];
  /** For `~` (defaults to os.homedir()). */
  homeDir?: string;
}

const ENV_VAR = 'MLFLOW_TRACKING_URI';

/**
 * The store to connect to, or undefined when nothing is configured and the workspace folder holds no
 * store (the UI then shows its welcome content). Throws TrackingError ('unsupported' or 'invalidRequest')
 * for a URI the extension cannot read, with a message saying what to do instead.
 */
export function resolveTrackingUri(input: ResolveInput): ResolvedUri | undefined {
  const setting = input.setting?.trim();
  if (setting) return parseTrackingUri(setting, input, 'setting');
  const fromEnv = input.env?.[ENV_VAR]?.trim();
  if (fromEnv) return parseTrackingUri(fromEnv, input, 'env');
  if (input.dotenv !== undefined) {
    const fromDotenv = parseDotenv(input.dotenv, input.env)[ENV_VAR]?.trim();
    if (fromDotenv) return parseTrackingUri(fromDotenv, input, 'dotenv');
  }
  if (!input.workspaceFolder) return undefined;
  return detectDefaultStore(input.workspaceFolder, input);
}

/**
 * resolveTrackingUri for a folder on this machine: its `.env` and the local file system read through `fs`
 * (passed in, so this module stays free of direct file access), with `raw`, the text it came from (setting,
 * variable, .env line) as a script would pass it to set_tracking_uri. Throws as resolveTrackingUri does.
 */
export function resolveLocalTrackingUri(
  fs: typeof import('node:fs'),
  input: { setting?: string; env: Record<string, string | undefined>; workspaceFolder?: string },
): { resolved: ResolvedUri; raw: string } | undefined {
  let dotenv: string | undefined;
  if (input.workspaceFolder) {
    try {
      dotenv = fs.readFileSync(pathApi(input.workspaceFolder).join(input.workspaceFolder, '.env'), 'utf8');
    } catch {
      dotenv = undefined;
    }
  }
  const r = resolveTrackingUri({ ...input, dotenv, ...nodeLocalFs(fs) });
  if (!r) return undefined;
  const raw =
    r.source === 'setting' ? input.setting?.trim() : r.source === 'env' ? input.env[ENV_VAR] : r.source === 'dotenv' && dotenv ? parseDotenv(dotenv, input.env)[ENV_VAR] : r.uri;
  return { resolved: r, raw: raw ?? r.uri };
}

/**
 * MLflow 3.7's default (PR #18497): `./mlruns` when it holds at least one all-digit sub-directory with a
 * meta.yaml, else `./mlflow.db` (MLflow would create it; we only take it when it exists).
 */
export function detectDefaultStore(folder: string, fns: Pick<ResolveInput, 'exists' | 'listDir'>): ResolvedUri | undefined {
  const P = pathApi(folder);
  const mlruns = P.join(folder, 'mlruns');
  if (isFileStoreDir(mlruns, fns)) return localResult('file', mlruns, 'detected', folder);
  const db = P.join(folder, 'mlflow.db');
  if (fns.exists(db)) return localResult('sqlite', db, 'detected', folder);
  return undefined;
}

/** True when `dir` holds at least one all-digit sub-directory with a meta.yaml (MLflow 3.7's test). */
export function isFileStoreDir(dir: string, fns: Pick<ResolveInput, 'exists' | 'listDir'>): boolean {
  const P = pathApi(dir);
  if (!fns.exists(dir)) return false;
  if (!fns.listDir) return fns.exists(P.join(dir, '0', 'meta.yaml'));
  let names: string[];
  try {
    names = fns.listDir(dir);
  } catch {
    return false;
  }
  return names.some((n) => /^\d+$/.test(n) && fns.exists(P.join(dir, n, 'meta.yaml')));
}

/** Parses one tracking URI as MLflow would, resolving relative paths against the workspace folder. */
export function parseTrackingUri(raw: string, input: Omit<ResolveInput, 'exists'> & { exists?: ResolveInput['exists'] }, source: UriSource): ResolvedUri {
  const text = raw.trim();
  if (text === '') throw invalid('The tracking URI is empty.', text);

  // Windows paths (C:\x, C:/x, \\server\share) before scheme parsing: `C:` is not a URI scheme.
  if (/^[A-Za-z]:([\\/]|$)/.test(text) || text.startsWith('\\\\')) return localPath(text, input, source);

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  if (!schemeMatch) {
    if (text === 'databricks' || text === 'databricks-uc' || text === 'uc') return unsupportedScheme(text, text);
    return localPath(text, input, source);
  }
  const scheme = schemeMatch[1].toLowerCase();
  const rest = text.slice(schemeMatch[0].length);

  if (scheme === 'file') return fileUri(text, rest, input, source);
  if (scheme === 'http' || scheme === 'https') return httpUri(text, source);
  if (/^sqlite(\+|$)/.test(scheme)) return sqliteUri(text, rest, input, source);
  return unsupportedScheme(scheme, text);
}

// ---------------------------------------------------------------------------------------------
// URI forms

function fileUri(text: string, rest: string, input: Omit<ResolveInput, 'exists'>, source: UriSource): ResolvedUri {
  let p: string;
  const noQuery = rest.replace(/[?#].*$/s, '');
  if (noQuery.startsWith('//')) {
    // file://host/path: authority then absolute path.
    const afterSlashes = noQuery.slice(2);
    const slash = afterSlashes.indexOf('/');
    const host = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    const tail = slash < 0 ? '' : afterSlashes.slice(slash);
    if (host !== '' && host.toLowerCase() !== 'localhost') {
      // A network share: \\host\share on Windows; elsewhere it has to be mounted first.
      if (process.platform === 'win32' || isWinPath(input.workspaceFolder ?? '')) {
        p = '\\\\' + host + decode(tail, text).replace(/\//g, '\\');
      } else {
        throw invalid(
          `The tracking URI ${text} names a file on another host (${host}). Mount the share and use a local path or file:/// URI instead.`,
          text,
        );
      }
    } else {
      p = decode(tail, text);
      if (p === '') throw invalid(`The tracking URI ${text} has no path.`, text);
    }
  } else {
    // file:/abs or file:relative
    p = decode(noQuery, text);
    if (p === '') throw invalid(`The tracking URI ${text} has no path.`, text);
  }
  // file:///C:/x → /C:/x → C:/x
  if (/^\/[A-Za-z]:([\\/]|$)/.test(p)) p = p.slice(1);
  return localPath(p, input, source, 'file');
}

function sqliteUri(text: string, rest: string, input: Omit<ResolveInput, 'exists'>, source: UriSource): ResolvedUri {
  // SQLAlchemy: sqlite:///relative.db (3 slashes), sqlite:////abs.db (4), sqlite:///C:/abs.db; sqlite:// = in memory.
  if (!rest.startsWith('//')) {
    throw invalid(`The tracking URI ${text} is not a valid SQLite URI. Use sqlite:///relative/path.db or sqlite:////absolute/path.db.`, text);
  }
  let p = rest.slice(2).replace(/\?.*$/s, '');
  if (p === '' || p === '/' || p === '/:memory:') {
    throw new TrackingError('unsupported', `The tracking URI ${text} is an in-memory SQLite database, which holds no runs to show.`, {
      uri: text,
      hint: 'Point the extension at the database file, e.g. sqlite:///mlflow.db.',
    });
  }
  if (!p.startsWith('/')) {
    // sqlite://host/db: SQLite has no host.
    throw invalid(`The tracking URI ${text} is not a valid SQLite URI. Use sqlite:///relative/path.db or sqlite:////absolute/path.db.`, text);
  }
  p = decode(p.slice(1), text);
  return localPath(p, input, source, 'sqlite');
}

function httpUri(text: string, source: UriSource): ResolvedUri {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid(`The tracking URI ${redactUrl(text)} is not a valid URL.`, redactUrl(text));
  }
  if (!u.hostname) throw invalid(`The tracking URI ${redactUrl(text)} has no host name.`, redactUrl(text));
  let credentials: ResolvedUri['credentials'];
  if (u.username || u.password) {
    credentials = { username: safeDecode(u.username), password: safeDecode(u.password) };
    u.username = '';
    u.password = '';
  }
  u.hash = '';
  let s = u.toString();
  // MLflow appends /api/2.0/... to the URI with its trailing slash stripped.
  if (u.search === '') s = s.replace(/\/+$/, '');
  else s = s.replace(/\/+(\?)/, '$1');
  const r: ResolvedUri = { kind: 'rest', uri: s, url: s, source, display: s };
  if (credentials) r.credentials = credentials;
  return r;
}

function localPath(
  p: string,
  input: Omit<ResolveInput, 'exists'>,
  source: UriSource,
  forced?: 'file' | 'sqlite',
): ResolvedUri {
  const folder = input.workspaceFolder;
  const P = isWinPath(p) || (!isPosixAbs(p) && isWinPath(folder ?? '')) ? path.win32 : path.posix;
  let expanded = p;
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = P.join(input.homeDir ?? os.homedir(), expanded.slice(1));
  }
  let abs: string;
  if (P.isAbsolute(expanded)) {
    // On Windows `\\x` is absolute but has no drive: take the workspace folder's.
    abs = folder && P === path.win32 && /^[\\/](?![\\/])/.test(expanded) ? P.resolve(folder, expanded) : P.normalize(expanded);
  } else {
    if (!folder) {
      throw invalid(
        `The tracking URI ${p} is a relative path, but no workspace folder is open to resolve it against. Use an absolute path or open the folder that holds the store.`,
        p,
      );
    }
    abs = P.resolve(folder, expanded);
  }
  if (abs.length > 1) abs = abs.replace(/[\\/]+$/, '');
  if (P === path.win32 && /^[A-Za-z]:$/.test(abs)) abs += '\\';
  const kind = forced ?? (/\.(db|sqlite|sqlite3)$/i.test(abs) ? 'sqlite' : 'file');
  return localResult(kind, abs, source, folder);
}

function localResult(kind: 'file' | 'sqlite', abs: string, source: UriSource, folder: string | undefined): ResolvedUri {
  const win = isWinPath(abs);
  const slashed = win ? abs.replace(/\\/g, '/') : abs;
  let uri: string;
  if (kind === 'file') {
    if (slashed.startsWith('//')) uri = 'file:' + encodePath(slashed);
    else uri = 'file://' + (win ? '/' : '') + encodePath(slashed);
  } else {
    uri = 'sqlite:///' + slashed;
  }
  return { kind, uri, path: abs, source, display: displayPath(abs, folder) };
}

function displayPath(abs: string, folder: string | undefined): string {
  if (folder) {
    const P = isWinPath(abs) ? path.win32 : path.posix;
    const rel = P.relative(folder, abs);
    if (rel && !rel.startsWith('..') && !P.isAbsolute(rel)) return rel.replace(/\\/g, '/');
  }
  return abs;
}

// ---------------------------------------------------------------------------------------------
// Schemes the extension cannot read directly

function unsupportedScheme(scheme: string, text: string): never {
  const shown = redactUrl(text);
  if (scheme === 'databricks') {
    throw new TrackingError(
      'unsupported',
      `The tracking URI ${shown} points at Databricks, which this extension cannot connect to (it needs Databricks authentication).`,
      {
        uri: shown,
        hint: 'Use a self-hosted tracking server: set mlflow.trackingUri to its http(s):// address (e.g. http://127.0.0.1:5000 after `mlflow server`).',
      },
    );
  }
  if (scheme === 'databricks-uc' || scheme === 'uc') {
    throw new TrackingError(
      'unsupported',
      `The tracking URI ${shown} is a Unity Catalog model registry URI, not a tracking URI; the extension needs a tracking store.`,
      {
        uri: shown,
        hint: 'Set mlflow.trackingUri to a tracking server\'s http(s):// address (e.g. http://127.0.0.1:5000), an mlruns folder or sqlite:///mlflow.db.',
      },
    );
  }
  const db = /^(postgresql|postgres|mysql|mssql)/.exec(scheme)?.[1];
  if (db) {
    const name = db === 'mssql' ? 'SQL Server' : db === 'mysql' ? 'MySQL' : 'PostgreSQL';
    throw new TrackingError(
      'unsupported',
      `The tracking URI ${shown} is a ${name} database, which the extension cannot open directly: it needs a tracking server URL.`,
      {
        uri: shown,
        hint: `Run "mlflow server --backend-store-uri ${shown}" and set mlflow.trackingUri to its http://… address (http://127.0.0.1:5000 by default).`,
      },
    );
  }
  if (['s3', 's3a', 'gs', 'wasbs', 'abfss', 'hdfs', 'dbfs', 'ftp', 'sftp', 'mlflow-artifacts', 'runs', 'models'].includes(scheme)) {
    throw new TrackingError('unsupported', `The tracking URI ${shown} is an artifact or model location, not a tracking store.`, {
      uri: shown,
      hint: 'Set mlflow.trackingUri to a tracking server\'s http(s):// address, an mlruns folder or sqlite:///mlflow.db.',
    });
  }
  throw new TrackingError('unsupported', `The tracking URI scheme '${scheme}:' (in ${shown}) is not supported.`, {
    uri: shown,
    hint: 'The extension reads tracking servers (http:// or https://), mlruns folders (a path or file:///…) and SQLite stores (sqlite:///mlflow.db); for anything else run `mlflow server` and use its http:// address.',
  });
}

// ---------------------------------------------------------------------------------------------
// .env

/**
 * A small dotenv parser (python-dotenv flavoured): `KEY=value`, optional `export `, `#` comments (whole
 * line, or after whitespace in an unquoted value), 'single' (literal) and "double" quotes (escapes
 * \n \t \r \" \\, may span lines), ${VAR} / ${VAR:-default} expansion in unquoted and double-quoted values
 * (earlier keys of the file, then `env`). Later duplicates win. Malformed lines are skipped.
 */
export function parseDotenv(text: string, env: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lookup = (name: string): string | undefined => (Object.prototype.hasOwnProperty.call(out, name) ? out[name] : env[name]);
  const expand = (v: string): string =>
    v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
      const got = lookup(name);
      return got !== undefined && got !== '' ? got : (def ?? '');
    });
  let i = 0;
  const n = src.length;
  while (i < n) {
    // one logical line
    let lineEnd = src.indexOf('\n', i);
    if (lineEnd < 0) lineEnd = n;
    const line = src.slice(i, lineEnd);
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(line);
    if (!m || /^\s*#/.test(line)) {
      i = lineEnd + 1;
      continue;
    }
    const key = m[1];
    let j = i + m[0].length;
    const q = src[j];
    if (q === '"' || q === "'") {
      j++;
      let val = '';
      let closed = false;
      while (j < n) {
        const c = src[j];
        if (c === q) {
          closed = true;
          j++;
          break;
        }
        if (c === '\\' && j + 1 < n) {
          const d = src[j + 1];
          if (q === '"') {
            const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '\u0000' };
            if (d in map) {
              val += map[d];
              j += 2;
              continue;
            }
          } else if (d === "'" || d === '\\') {
            val += d;
            j += 2;
            continue;
          }
        }
        val += c;
        j++;
      }
      let end = src.indexOf('\n', j);
      if (end < 0) end = n;
      if (closed) {
        out[key] = q === '"' ? expand(val).replace(/\u0000/g, '$') : val;
        i = end + 1;
        continue;
      }
      // An unclosed quote: read the line as an unquoted value.
    }
    let val = line.slice(m[0].length);
    const hash = /(^|\s)#/.exec(val);
    if (hash) val = val.slice(0, hash.index);
    out[key] = expand(val.trim());
    i = lineEnd + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Local store discovery for the "Set Tracking URI" picker

export interface LocalFs {
  exists(p: string): boolean;
  /** Entry names ([] when unreadable). */
  listDir(p: string): string[];
  isDir(p: string): boolean;
  /** The first `bytes` bytes of a file (undefined when unreadable). */
  readHead?(p: string, bytes: number): Uint8Array | undefined;
}

export interface LocalStoreCandidate {
  kind: 'file' | 'sqlite';
  path: string;
  /** Tracking URI to put in the setting: a path relative to the workspace folder when inside it. */
  uri: string;
  /** Normalized absolute URI. */
  absoluteUri: string;
  display: string;
  /** Why it is a candidate ('mlruns folder with 3 experiments', 'MLflow SQLite database'). */
  detail: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '.tox', '.nox', '__pycache__', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.idea', '.vscode', 'site-packages', '.cache', '.ipynb_checkpoints']);
const MAX_ENTRIES_PER_DIR = 2000;

/**
 * Stores in `folder` and up to `depth` levels below it: mlruns-layout folders (an all-digit sub-folder
 * with a meta.yaml) and SQLite files with an MLflow schema (named mlflow.db, or a SQLite header whose
 * schema page mentions MLflow's tables). Sorted: the folder's own default store first, then by path.
 */
export function detectLocalStores(folder: string, fsFns: LocalFs, opts: { depth?: number } = {}): LocalStoreCandidate[] {
  const depth = opts.depth ?? 2;
  const P = pathApi(folder);
  const found: LocalStoreCandidate[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, level: number) => {
    let names: string[];
    try {
      names = fsFns.listDir(dir);
    } catch {
      return;
    }
    if (names.length > MAX_ENTRIES_PER_DIR) names = names.slice(0, MAX_ENTRIES_PER_DIR);
    names = [...names].sort();
    for (const name of names) {
      const p = P.join(dir, name);
      let isDir: boolean;
      try {
        isDir = fsFns.isDir(p);
      } catch {
        continue;
      }
      if (isDir) {
        if (SKIP_DIRS.has(name)) continue;
        if (/^\d+$/.test(name) || name === '.trash') continue; // inside a store
        const experiments = countExperiments(p, fsFns, P);
        if (experiments > 0) {
          if (!seen.has(p)) {
            seen.add(p);
            found.push(candidate('file', p, folder, `mlruns folder, ${experiments} experiment${experiments === 1 ? '' : 's'}`));
          }
          continue; // do not descend into a store
        }
        if (name.startsWith('.') && name !== '.mlflow') continue;
        if (level < depth) walk(p, level + 1);
      } else if (/\.(db|sqlite|sqlite3)$/i.test(name)) {
        const sig = sqliteSignature(p, name, fsFns);
        if (sig && !seen.has(p)) {
          seen.add(p);
          found.push(candidate('sqlite', p, folder, sig));
        }
      }
    }
  };
  walk(folder, 0);
  const rank = (c: LocalStoreCandidate) => {
    const rel = P.relative(folder, c.path);
    return rel === 'mlruns' ? 0 : rel === 'mlflow.db' ? 1 : 2;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** A LocalFs over node:fs (passed in, so this module stays free of direct file access). */
export function nodeLocalFs(fs: typeof import('node:fs')): LocalFs {
  return {
    exists: (p) => fs.existsSync(p),
    listDir: (p) => {
      try {
        return fs.readdirSync(p);
      } catch {
        return [];
      }
    },
    isDir: (p) => {
      try {
        return fs.statSync(p).isDirectory();
      } catch {
        return false;
      }
    },
    readHead: (p, bytes) => {
      let fd: number | undefined;
      try {
        fd = fs.openSync(p, 'r');
        const buf = Buffer.alloc(bytes);
        const n = fs.readSync(fd, buf, 0, bytes, 0);
        return buf.subarray(0, n);
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },
  };
}

function countExperiments(dir: string, fsFns: LocalFs, P: path.PlatformPath): number {
  let names: string[];
  try {
    names = fsFns.listDir(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) if (/^\d+$/.test(name) && fsFns.exists(P.join(dir, name, 'meta.yaml'))) n++;
  return n;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

function sqliteSignature(p: string, name: string, fsFns: LocalFs): string | undefined {
  if (!fsFns.readHead) return name === 'mlflow.db' ? 'MLflow SQLite database' : undefined;
  // sqlite_master's pages sit near the start (MLflow's migrations create every table before any
  // data), but not on page 1 once the schema outgrows it: 1 MB covers them (about 80 KB in practice).
  const head = fsFns.readHead(p, 1024 * 1024);
  if (!head || head.length < 100) return undefined;
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('latin1');
  if (!text.startsWith(SQLITE_MAGIC)) return undefined;
  if (text.includes('alembic_version') && /CREATE TABLE "?experiments"?/.test(text) && /CREATE TABLE "?(runs|latest_metrics)"?/.test(text)) {
    return 'MLflow SQLite database';
  }
  if (name === 'mlflow.db') return 'SQLite database (mlflow.db)';
  return undefined;
}

function candidate(kind: 'file' | 'sqlite', abs: string, folder: string, detail: string): LocalStoreCandidate {
  const r = localResult(kind, abs, 'detected', folder);
  const P = pathApi(folder);
  const rel = P.relative(folder, abs).replace(/\\/g, '/');
  const inside = rel !== '' && !rel.startsWith('..') && !P.isAbsolute(rel);
  const uri = inside ? (kind === 'sqlite' ? `sqlite:///${rel}` : rel) : r.uri;
  return { kind, path: abs, uri, absoluteUri: r.uri, display: r.display, detail };
}

// ---------------------------------------------------------------------------------------------
// helpers

function isWinPath(p: string): boolean {
  return /^[A-Za-z]:([\\/]|$)/.test(p) || p.startsWith('\\\\');
}

function isPosixAbs(p: string): boolean {
  return p.startsWith('/') && !p.startsWith('//');
}

function pathApi(p: string): path.PlatformPath {
  return isWinPath(p) ? path.win32 : path.posix;
}

function encodePath(p: string): string {
  return p
    .split('/')
    .map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg).replace(/%2B/g, '+').replace(/%40/g, '@').replace(/%3A/gi, ':').replace(/%2C/g, ',').replace(/%3D/g, '=')))
    .join('/');
}

function decode(s: string, whole: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalid(`The tracking URI ${whole} contains an invalid %-escape.`, whole);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The URI with any user:password@ removed, for messages. */
export function redactUrl(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}

function invalid(message: string, uri: string): TrackingError {
  return new TrackingError('invalidRequest', message, {
    uri: redactUrl(uri),
    hint: 'Set mlflow.trackingUri to an http(s):// server address, an mlruns folder or sqlite:///mlflow.db.',
  });
}

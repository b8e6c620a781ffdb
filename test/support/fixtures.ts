// The real-MLflow fixtures the tests carry (test/fixtures/mlflow; its README says which MLflow wrote what).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The project folder: the nearest folder above this file with our package.json (also when bundled into out/). */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  for (;;) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'mlflow-vscode') return dir;
    } catch {
      // keep looking
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(__dirname, '..', '..');
    dir = up;
  }
})();
export const MLFLOW_FIXTURES_DIR = path.join(PROJECT_ROOT, 'test', 'fixtures', 'mlflow');

export type Ver = 'v2' | 'v3';
export const VERSIONS: Ver[] = ['v2', 'v3'];

export function storePath(ver: Ver, ...rest: string[]): string {
  return path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, ...rest);
}

export interface Transcript {
  method: string;
  path: string;
  query: Record<string, string | string[]> | null;
  body: unknown;
  request_headers?: Record<string, string>;
  full_url?: string;
  status: number;
  response_headers?: Record<string, string>;
  response_body: unknown;
  note?: string;
  file: string;
}

/** dir: 'v3', 'v3-filestore', 'v2-auth', … */
export function transcripts(dir: string): Transcript[] {
  const d = path.join(MLFLOW_FIXTURES_DIR, 'transcripts', dir);
  return fs
    .readdirSync(d)
    .filter((f) => /^\d{3}-.*\.json$/.test(f))
    .sort()
    .map((f) => ({ ...(JSON.parse(fs.readFileSync(path.join(d, f), 'utf8')) as Omit<Transcript, 'file'>), file: f }));
}

export function transcript(dir: string, name: string): Transcript {
  const t = transcripts(dir).find((x) => x.file === name || x.file.slice(4) === name || x.file.replace(/\.json$/, '').slice(4) === name);
  if (!t) throw new Error(`no transcript ${name} in ${dir}`);
  return t;
}

/** The prefix real stores were rewritten to; it stands for stores/<ver>/ in the fixtures. */
export const FIXTURE_PREFIX = (ver: Ver) => `/srv/mlflow-fixtures/${ver}/`;

/**
 * Copies stores/<ver>/<sub> to a fresh temp folder (for tests that write, or that need the absolute
 * paths inside the store to exist). With rewrite, text files that mention /srv/mlflow-fixtures/<ver>/
 * are rewritten to point at the copy's parent (so `<tmp>/<sub>` is where `<prefix><sub>` pointed).
 */
export function copyStore(ver: Ver, sub: string, opts: { rewrite?: boolean } = {}): { root: string; dir: string; cleanup(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `mlflow-${ver}-`));
  const dir = path.join(root, sub);
  fs.cpSync(storePath(ver, sub), dir, { recursive: true });
  if (opts.rewrite) {
    const prefix = FIXTURE_PREFIX(ver);
    const walk = (p: string) => {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) {
        const f = path.join(p, e.name);
        if (e.isDirectory()) walk(f);
        else if (e.name === 'meta.yaml' || e.name === 'MLmodel') {
          const s = fs.readFileSync(f, 'utf8');
          if (s.includes(prefix)) fs.writeFileSync(f, s.split(prefix).join(root + '/'));
        }
      }
    };
    walk(dir);
  }
  return { root, dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

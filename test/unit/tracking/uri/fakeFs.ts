// An in-memory file tree for the URI tests: paths of files (and, implied, their parent folders).
import * as path from 'node:path';
import type { LocalFs } from '../../../../src/tracking/uri';

export function fakeFs(files: string[], opts: { win?: boolean; heads?: Record<string, string> } = {}): LocalFs & { calls: number } {
  const P = opts.win ? path.win32 : path.posix;
  // A path ending in / is an (empty) folder.
  const emptyDirs = files.filter((f) => /[\\/]$/.test(f)).map((f) => P.normalize(f).replace(/[\\/]+$/, ''));
  const fileSet = new Set(files.filter((f) => !/[\\/]$/.test(f)).map((f) => P.normalize(f)));
  const dirs = new Map<string, Set<string>>();
  for (const d of emptyDirs) if (!dirs.has(d)) dirs.set(d, new Set());
  for (const f of [...fileSet, ...emptyDirs]) {
    let child = f;
    let dir = P.dirname(f);
    while (dir !== child) {
      if (!dirs.has(dir)) dirs.set(dir, new Set());
      dirs.get(dir)!.add(P.basename(child));
      child = dir;
      dir = P.dirname(dir);
    }
  }
  const fns = {
    calls: 0,
    exists: (p: string) => {
      fns.calls++;
      const n = P.normalize(p);
      return fileSet.has(n) || dirs.has(n);
    },
    listDir: (p: string) => {
      fns.calls++;
      return [...(dirs.get(P.normalize(p)) ?? [])];
    },
    isDir: (p: string) => dirs.has(P.normalize(p)),
    readHead: (p: string, bytes: number) => {
      const h = opts.heads?.[P.normalize(p)];
      return h === undefined ? (fileSet.has(P.normalize(p)) ? new Uint8Array(0) : undefined) : Buffer.from(h, 'latin1').subarray(0, bytes);
    },
  };
  return fns;
}

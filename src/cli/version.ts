// MLflow version numbers as the CLI reports them ("mlflow, version 3.6.1.dev0").

export type MlflowMajor = 'v2' | 'v3';

export interface MlflowVersion {
  /** As printed, e.g. "3.6.1.dev0". */
  raw: string;
  major: number;
  minor: number;
  patch: number;
  /** Anything after major.minor.patch: "dev0", "rc1", "post1"… (without the leading separator). */
  pre?: string;
}

const VERSION_RE = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[.+-]?([0-9A-Za-z][0-9A-Za-z.+-]*))?$/;

/** "3.6.1.dev0" → {3,6,1,'dev0'}; undefined when it is not a version number. */
export function parseVersionString(text: string): MlflowVersion | undefined {
  const raw = text.trim();
  const m = VERSION_RE.exec(raw);
  if (!m) return undefined;
  return {
    raw,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    ...(m[4] ? { pre: m[4] } : {}),
  };
}

/**
 * Orders by major.minor.patch only. A pre-release ("3.5.0rc1", "3.6.1.dev0") counts as its release:
 * MLflow's dev builds already carry the features of the version they are named after, and the
 * options this module gates on appeared in the first pre-release of their version.
 */
const versionText = (v: MlflowVersion | string): string => (typeof v === 'string' ? v : v.raw);

export function compareVersions(a: MlflowVersion | string, b: MlflowVersion | string): number {
  const va = typeof a === 'string' ? parseVersionString(a) : a;
  const vb = typeof b === 'string' ? parseVersionString(b) : b;
  if (!va || !vb) throw new Error(`Not a version number: ${versionText(!va ? a : b)}`);
  return va.major - vb.major || va.minor - vb.minor || va.patch - vb.patch;
}

export function majorOf(v: MlflowVersion): MlflowMajor {
  return v.major <= 2 ? 'v2' : 'v3';
}

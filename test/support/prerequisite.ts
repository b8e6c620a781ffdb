// A test that needs something this machine lacks (a shell, openssl, a way to drop root) says what and
// how to get it, and is skipped; under CI=true it fails instead: CI installs every prerequisite, so a
// skip there would hide a test that did not run.
export const ON_CI = /^(1|true)$/i.test(process.env.CI ?? '');

/** No-op when `missing` is undefined; otherwise skips `ctx`'s test (or hook's tests), or throws on CI. */
export function requirePrerequisite(ctx: Mocha.Context, missing: string | undefined): void {
  if (!missing) return;
  if (ON_CI) throw new Error(`missing prerequisite (CI=true runs every test): ${missing}`);
  const runnable = ctx.currentTest ?? ctx.test;
  if (runnable) runnable.title += ` (skipped: ${missing})`;
  ctx.skip();
}

// The runs table in the real extension host, with the real webview, on copies of the stores MLflow
// 3.6 and 2.17 wrote (file and SQLite): the checks of runsTableChecks.ts, once per store.
import { runsTableChecks } from './runsTableChecks';
import { FIXTURE_STORE_KINDS, fixtureStoreCopy } from './runsTableHelpers';

for (const kind of FIXTURE_STORE_KINDS) {
  for (const ver of ['v3', 'v2'] as const) {
    runsTableChecks({ name: `a copy of the ${ver} ${kind}`, start: async () => fixtureStoreCopy(ver, kind) });
  }
}

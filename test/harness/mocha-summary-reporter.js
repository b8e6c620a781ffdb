'use strict';
// Mocha reporter = the spec reporter on the console + exact counts written as JSON to
// $MOCHA_SUMMARY_FILE (used by scripts/test.mjs):  mocha --reporter test/harness/mocha-summary-reporter.js
const fs = require('fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failed = [];
    runner.on(EVENT_TEST_FAIL, (test, err) => failed.push({ title: test.fullTitle(), error: String((err && err.message) || err) }));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.MOCHA_SUMMARY_FILE;
      if (!file) return;
      const s = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passes: s.passes, failures: s.failures, pending: s.pending, tests: s.tests, duration: s.duration, failed }, null, 2));
    });
  }
}

module.exports = SummaryReporter;

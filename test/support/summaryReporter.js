// Mocha's spec reporter plus the closing line CI reads: `tests: N passed, N failed`.
// Under `npm test` (scripts/test.js) the counts go to CASHKEY_TEST_SUMMARY_FILE instead, and the runner
// prints one line with the counts of every suite.
const fs = require("node:fs");
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures } = runner.stats;
      const summaryFile = process.env.CASHKEY_TEST_SUMMARY_FILE;
      if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify({ passed: passes, failed: failures }));
      else process.stdout.write(`tests: ${passes} passed, ${failures} failed\n`);
    });
  }
}

module.exports = SummaryReporter;

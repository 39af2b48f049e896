/**
 * Ends every run with the totals alone on one line, `tests: N passed, N failed`:
 * the line CI reads (jest's own summary is for people).
 */
class TotalsReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = TotalsReporter;

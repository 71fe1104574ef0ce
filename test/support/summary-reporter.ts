/**
 * Prints one plain closing line ("N passed, N failed, N skipped") that CI can read, preceded
 * by every skipped test and why, so a skip is never silent. A test file that fails before
 * its tests run (an import error) counts as one failure.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    for (const mod of testModules) {
      const file = mod.relativeModuleId;
      if (mod.errors().length > 0) failed++;
      for (const test of mod.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failed++;
        else skipped.push(`  skipped: ${file} > ${test.fullName}${result.state === 'skipped' && result.note ? ` (${result.note})` : ''}`);
      }
    }
    if (skipped.length) console.log(`\n${skipped.join('\n')}`);
    console.log(`\n${passed} passed, ${failed} failed, ${skipped.length} skipped`);
  }
}

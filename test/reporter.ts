// Mocha's spec reporter, plus a JSON file of the counts for test/run-all.ts's summary line.
// The file path comes from STORYTELLER_RESULTS_FILE (set by the runner; it reaches the
// extension host too, since code-server passes its environment on).
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

export interface Counts {
  passed: number;
  failed: number;
  pending: number;
}

export class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.STORYTELLER_RESULTS_FILE;
      const stats = runner.stats;
      if (!file || !stats) return;
      const counts: Counts = { passed: stats.passes, failed: stats.failures, pending: stats.pending };
      writeFileSync(file, JSON.stringify(counts));
    });
  }
}

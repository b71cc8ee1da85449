// The day's usage totals a story service keeps: in memory, in a file shared with other windows
// (each request added to what is on disk, under a lock), or handed to the caller to keep.
import type { StoryServiceOptions } from '../storyApi';
import type { Cost, Usage } from '../protocol/wire';
import { EMPTY_LEDGER, daySummary, parseLedger, recordUsage } from './usage';
import type { DaySummary, UsageLedgerState } from './usage';
import { UsageLedgerFile } from './usageFile';

export class UsageTotals {
  private ledger: UsageLedgerState;
  private readonly file: UsageLedgerFile | undefined;

  constructor(
    private readonly options: StoryServiceOptions['usage'],
    private readonly log: (line: string) => void,
  ) {
    const initial = options?.initial;
    this.ledger = initial === undefined ? EMPTY_LEDGER : parseLedger(initial);
    this.file = options?.file ? new UsageLedgerFile(options.file, { seed: () => initial }) : undefined;
  }

  today(at: Date): DaySummary {
    return daySummary(this.ledger, at);
  }

  /** Re-reads the shared totals (other windows add to them too). */
  async refresh(): Promise<void> {
    if (!this.file) return;
    try {
      this.ledger = await this.file.read();
    } catch (e) {
      this.log(`Could not read the usage totals: ${(e as Error).message}`);
    }
  }

  async record(usage: Usage, cost: Cost | null): Promise<void> {
    const at = new Date();
    this.ledger = recordUsage(this.ledger, usage, cost, at);
    if (this.file) {
      try {
        this.ledger = await this.file.update((state) => recordUsage(state, usage, cost, at));
      } catch (e) {
        this.log(`Could not save the usage totals: ${(e as Error).message}`);
      }
      return;
    }
    const save = this.options?.save;
    if (save) {
      Promise.resolve()
        .then(() => save(this.ledger))
        .catch((e: unknown) => this.log(`Could not save the usage totals: ${(e as Error).message}`));
    }
  }
}

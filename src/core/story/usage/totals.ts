// The day's usage totals a story service keeps: in memory, in a file shared with other windows
// (each request added to what is on disk, under a lock), or handed to the caller to keep.
import type { StoryServiceOptions } from '../storyApi';
import type { Cost, Usage } from '../protocol/wire';
import { EMPTY_LEDGER, daySummary, parseLedger, recordUsage } from './usage';
import type { DaySummary, UsageLedgerState, UsageOrigin } from './usage';
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

  /** `origin`: a story project's generation, also counted under its project. */
  async record(usage: Usage, cost: Cost | null, origin?: UsageOrigin): Promise<void> {
    const at = new Date();
    this.ledger = recordUsage(this.ledger, usage, cost, at, origin);
    if (this.file) {
      try {
        this.ledger = await this.file.update((state) => recordUsage(state, usage, cost, at, origin));
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

/** ` (continue, project "Tides", chapter "chapters/01.md")` for the log; the writer's names quoted as JSON. */
export function formatOrigin(origin: UsageOrigin | undefined): string {
  if (!origin) return '';
  return ` (${origin.command}, project ${JSON.stringify(origin.project)}, chapter ${JSON.stringify(origin.chapter)})`;
}

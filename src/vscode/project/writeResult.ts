// What a project command that writes ended with (the command returns it; tests read it).
import type { RequestOutcome } from '../../core/story/storyApi';

export interface WriteResult {
  readonly status: RequestOutcome['status'] | 'refused';
  /** The text that went into the chapter (a summary: the summary written). */
  readonly text: string;
  readonly code?: string;
  /** The sentence the user was shown when it did not go as asked. */
  readonly message?: string;
  readonly usageLabel?: string;
}

// Budget mode: what the story gateway says is left of the user's day (GET /usage), for the panel
// and the status bar; asked again while a stopped story's reservation is still being settled.
import * as vscode from 'vscode';
import type { TokenBudget } from '../../core/story/protocol/wire';
import type { GatewayUsage } from '../../core/story/generation/gateway';
import type { StoryService } from '../../core/story/service';
import type { ContentSafetyPolicy } from '../../../infra/src/gateway/safety';
import { Disposable } from '../lifecycle';

/** How often, and how many times, a reservation still held is asked about again. */
const SETTLE_POLL_MS = 1500;
const SETTLE_POLLS = 3;

export interface BudgetTarget {
  /** Shows the budget (null: direct mode, no budget). */
  show(budget: TokenBudget | null): void;
  /** False once the service was replaced or the panel closed: its answer is then dropped. */
  wants(service: StoryService): boolean;
  /** A story is being written: its reservation is real, not one left to settle. */
  busy(): boolean;
  /** The content policy the gateway applies to every story (#27), when it says. */
  policy(policy: ContentSafetyPolicy): void;
}

export class BudgetWatcher extends Disposable {
  private current: TokenBudget | undefined;
  private gatewayPolicy: ContentSafetyPolicy | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<TokenBudget | undefined>());
  /** The budget changed (the status bar's tooltip shows it). */
  readonly onDidChange = this.changed.event;

  /** The budget as last known; undefined in direct mode or before the gateway said. */
  get budget(): TokenBudget | undefined {
    return this.current;
  }

  /** The policy the gateway last reported (it, not the settings, decides the guardrail); undefined in direct mode. */
  get policy(): ContentSafetyPolicy | undefined {
    return this.gatewayPolicy;
  }

  /**
   * Asks the gateway and shows the answer. `reuse`: a reading made moments ago (the model list's,
   * on a panel's load) is good enough; after a story, the budget changed, so it asks anew.
   */
  async refresh(service: StoryService, target: BudgetTarget, reuse = false, polls = SETTLE_POLLS): Promise<void> {
    this.stop();
    if (!service.budgetMode) {
      this.gatewayPolicy = undefined;
      this.set(undefined);
      target.show(null);
      return;
    }
    const usage = await service.budget(reuse);
    // Unknown (the gateway could not say): the panel keeps what it showed.
    if (!usage || !target.wants(service)) return;
    const budget = toTokenBudget(usage);
    this.set(budget);
    target.show(budget);
    // A gateway deployed before the policy was in /usage says nothing: the settings' stays.
    if (usage.contentSafety && usage.contentSafety !== this.gatewayPolicy) {
      this.gatewayPolicy = usage.contentSafety;
      target.policy(usage.contentSafety);
    }
    // A stopped story settles a moment after the stop: until then its whole reservation counts.
    if (usage.tokensReserved > 0 && !target.busy() && polls > 0)
      this.timer = setTimeout(() => void this.refresh(service, target, false, polls - 1), SETTLE_POLL_MS);
  }

  /** Forgets the budget: direct mode, or another user. */
  clear(): void {
    this.stop();
    this.gatewayPolicy = undefined;
    this.set(undefined);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private set(budget: TokenBudget | undefined): void {
    if (budget === this.current) return;
    this.current = budget;
    this.changed.fire(budget);
  }
}

function toTokenBudget(u: GatewayUsage): TokenBudget {
  return {
    dailyTokens: u.dailyTokens,
    tokensLeft: Math.min(u.tokensLeft, u.dailyTokens),
    resetsAt: Date.parse(u.resetsAt),
  };
}

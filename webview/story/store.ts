// The one place the panel's state changes: each change applies its effects, then every part
// re-renders from the new state (each part skips what did not change).
import type { Effect, Update } from './events';
import type { PanelState } from './state';

export class Store {
  private current: PanelState;
  private applyEffects: (effects: readonly Effect[]) => void = () => undefined;
  private readonly views: ((s: PanelState) => void)[] = [];

  constructor(initial: PanelState) {
    this.current = initial;
  }

  get state(): PanelState {
    return this.current;
  }

  /** Wires what carries out effects (main.ts) and the parts that render. */
  connect(applyEffects: (effects: readonly Effect[]) => void, ...views: ((s: PanelState) => void)[]): void {
    this.applyEffects = applyEffects;
    this.views.push(...views);
  }

  commit(update: Update): void {
    const changed = update.state !== this.current;
    this.current = update.state;
    if (update.effects.length > 0) this.applyEffects(update.effects);
    // A delta changes no state: nothing to re-render while a story streams.
    if (changed) this.render();
  }

  patch(changes: Partial<PanelState>): void {
    this.commit({ state: { ...this.current, ...changes }, effects: [] });
  }

  render(): void {
    for (const view of this.views) view(this.current);
  }
}

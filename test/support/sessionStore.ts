// The SessionStore the tests share: SecretStorage in memory, one key, with change events as
// VS Code fires them (also for this window's own writes, and to every "window" sharing it).
import type { SessionStore } from '../../src/core/auth/session';

export class MemoryStore implements SessionStore {
  private readonly listeners = new Set<() => void>();

  /** Set directly to plant a stored session without a change event, as one left by an earlier run. */
  constructor(public value?: string) {}

  async read() {
    return this.value;
  }
  async write(value: string) {
    this.value = value;
    this.fire();
  }
  async delete() {
    this.value = undefined;
    this.fire();
  }
  mark: string | undefined;
  async signedOutMark() {
    return this.mark;
  }
  async markSignedOut(mark: string) {
    this.mark = mark;
  }
  onDidChange(listener: () => void) {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  private fire() {
    for (const l of this.listeners) queueMicrotask(l);
  }
}

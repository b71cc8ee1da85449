import type * as vscode from 'vscode';

const PENDING_MS = 30 * 60_000;

/**
 * The password of a sign-up (or unconfirmed sign-in) waiting for its code, in memory only and
 * for a while, so that a code entered later still signs in without asking for it again.
 */
export class PendingPassword implements vscode.Disposable {
  private pending: { email: string; password: string; timer: NodeJS.Timeout } | undefined;

  remember(email: string, password: string): void {
    this.forget();
    this.pending = { email, password, timer: setTimeout(() => this.forget(), PENDING_MS) };
  }

  /** The password kept for this address, if any. */
  passwordFor(email: string): string | undefined {
    return this.pending?.email === email ? this.pending.password : undefined;
  }

  /** Fills in the email of a sign-up waiting for its code. */
  emailValue(): { value?: string } {
    return this.pending ? { value: this.pending.email } : {};
  }

  forget(): void {
    clearTimeout(this.pending?.timer);
    this.pending = undefined;
  }

  dispose(): void {
    this.forget();
  }
}

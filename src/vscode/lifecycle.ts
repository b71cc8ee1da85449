// One way to own disposables, after vscode-pull-request-github's lifecycle.ts: a class that
// registers what it creates is disposed once, in reverse order, and never leaks a late arrival.
import type * as vscode from 'vscode';

/** Disposes each, last first, and empties the array; one that throws does not stop the rest. */
export function disposeAll(disposables: vscode.Disposable[]): void {
  const errors: unknown[] = [];
  while (disposables.length > 0) {
    try {
      disposables.pop()!.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed to dispose.');
}

export function toDisposable(dispose: () => void): vscode.Disposable {
  return { dispose };
}

/** A base for anything that owns listeners, emitters, timers or items. */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.disposables);
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Owns `value` from now on; registered after dispose(), it is disposed at once. */
  protected _register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }
}

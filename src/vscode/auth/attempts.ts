import * as vscode from 'vscode';
import { AuthError, toAuthError } from '../../core/auth/errors';
import type { Log } from '../log';
import { MAX_ATTEMPTS } from '../messages';

/**
 * Counts wrong answers to one question that Cognito checks: each of the first few comes back as
 * the box's message, with the tries left; the last one, or any other failure, ends the flow.
 */
export class Attempts<T> {
  private wrong = 0;
  result: [T] | undefined;
  failure: AuthError | undefined;

  constructor(
    private readonly log: Log,
    private readonly what: string,
    private readonly isWrong: (e: AuthError) => boolean,
    private readonly tooMany: string,
    private readonly tooManyAction: AuthError['action'],
  ) {}

  reset(): void {
    this.wrong = 0;
  }

  accept(
    check: (value: string, answers: Readonly<Record<string, string>>) => Promise<T>,
  ): (value: string, answers: Readonly<Record<string, string>>) => Promise<string | undefined> {
    return async (value, answers) => {
      try {
        this.result = [await check(value, answers)];
        return undefined;
      } catch (e) {
        const error = toAuthError(e);
        this.log.warn(`${this.what} failed: ${error.code}`);
        if (this.isWrong(error)) {
          this.wrong++;
          const left = MAX_ATTEMPTS - this.wrong;
          if (left > 0)
            return left === 1
              ? vscode.l10n.t('{0} (1 try left.)', error.message)
              : vscode.l10n.t('{0} ({1} tries left.)', error.message, left);
          this.failure = new AuthError(this.tooMany, error.code, 'user', this.tooManyAction);
        } else {
          this.failure = error;
        }
        return undefined;
      }
    };
  }
}

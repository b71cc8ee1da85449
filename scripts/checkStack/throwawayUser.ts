// A throwaway user for the sign-in checks: admin-created with a random password (no email sent),
// its password set permanent, and deleted at the end, on failure and on Ctrl-C (cli.ts runs the
// Cleanup on SIGINT).
import { randomBytes } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { describeError, fail, pass } from './report';
import type { CheckResult } from './report';

/** Work to undo, run once, whichever of the end, a failure or Ctrl-C comes first. */
export class Cleanup {
  private tasks: (() => Promise<CheckResult>)[] = [];
  private running: Promise<CheckResult[]> | undefined;

  add(task: () => Promise<CheckResult>): void {
    this.tasks.push(task);
  }

  run(): Promise<CheckResult[]> {
    return (this.running ??= (async () => {
      const results: CheckResult[] = [];
      for (const task of this.tasks.reverse()) results.push(await task());
      this.tasks = [];
      return results;
    })());
  }
}

export interface ThrowawayUser {
  readonly email: string;
  readonly password: string;
}

/** A password any Cognito policy accepts: 24 random characters plus one of each class. */
function randomPassword(): string {
  return `${randomBytes(18).toString('base64url')}aA1!`;
}

export const throwawayEmail = (domain: string): string =>
  `storyteller-check-${randomBytes(6).toString('hex')}@${domain}`;

export async function createThrowawayUser(
  idp: CognitoIdentityProviderClient,
  userPoolId: string,
  domain: string,
  cleanup: Cleanup,
): Promise<{ user?: ThrowawayUser; result: CheckResult }> {
  const title = 'Throwaway user';
  const user = { email: throwawayEmail(domain), password: randomPassword() };
  try {
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: randomPassword(),
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  } catch (e) {
    const trigger = (e as { name?: string }).name === 'UserLambdaValidationException';
    return {
      result: fail(
        'user.create',
        title,
        describeError(e),
        trigger
          ? 'The pre sign-up trigger refused the address: pass --email-domain with a domain of AllowedEmailDomains.'
          : 'Give your credentials cognito-idp:AdminCreateUser on the pool, or check UserPoolId.',
      ),
    };
  }
  cleanup.add(() => deleteThrowawayUser(idp, userPoolId, user.email));
  try {
    await idp.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        Password: user.password,
        Permanent: true,
      }),
    );
  } catch (e) {
    const fix = 'Give your credentials cognito-idp:AdminSetUserPassword on the pool.';
    return { result: fail('user.create', title, describeError(e), fix) };
  }
  return { user, result: pass('user.create', title, `${user.email} created (deleted at the end)`) };
}

async function deleteThrowawayUser(
  idp: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<CheckResult> {
  const title = 'Throwaway user deleted';
  try {
    await idp.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
    return pass('user.delete', title, email);
  } catch (e) {
    return fail(
      'user.delete',
      title,
      describeError(e),
      `Delete ${email} yourself: Cognito console → User pools → your pool → Users.`,
    );
  }
}

// The hosted pages are a client of the same user pool: they call its operations (validated as
// the API validates them), with the SECRET_HASH the hosted UI can compute because it holds the
// client's secret, so policy, triggers, codes and the outbox are the API's own.
import { secretHash } from '../cognito-idp/userPool';
import type { ClientConfig } from '../config';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import { validate } from '../validate';

export async function callPool<Req, Res, Deps>(
  op: JsonOperation<Req, Res, Deps>,
  input: Record<string, unknown>,
  deps: Deps,
): Promise<Res> {
  const valid = validate(input, op.input, 'InvalidParameterException');
  return (await op.handle(valid as Req, deps, undefined)) as Res;
}

export function hashFor(client: ClientConfig, username: string): { SecretHash?: string } {
  return client.secret ? { SecretHash: secretHash(client.secret, username, client.id) } : {};
}

/** The user-facing sentence of a pool error (its message), or rethrows anything else. */
export function messageOf(err: unknown): string {
  if (err instanceof AwsError) return err.message;
  throw err;
}

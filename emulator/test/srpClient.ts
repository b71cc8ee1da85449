// The client side of SRP comes from amazon-cognito-identity-js (AWS's own Cognito client library),
// an implementation independent of the emulator's. Only its math is used; the calls go through
// the AWS SDK v3 client like everything else in the suite.
import * as cognitoJs from 'amazon-cognito-identity-js';
import { createHmac } from 'node:crypto';

interface BigIntegerLike {
  toString(radix: number): string;
}
interface AuthenticationHelperInstance {
  getLargeAValue(cb: (err: unknown, a: BigIntegerLike) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: BigIntegerLike,
    salt: BigIntegerLike,
    cb: (err: unknown, key: Uint8Array) => void,
  ): void;
}
interface Library {
  AuthenticationHelper: new (poolName: string) => AuthenticationHelperInstance;
  DateHelper: new () => { getNowString(): string };
}
// The library exports these helpers at run time but leaves them out of its typings.
const lib = cognitoJs as unknown as Library;
// Its BigInteger is the same jsbn class the helper uses internally.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default as new (
  hex: string,
  radix: number,
) => BigIntegerLike;

export class SrpClient {
  private readonly helper: AuthenticationHelperInstance;

  constructor(private readonly userPoolId: string) {
    this.helper = new lib.AuthenticationHelper(userPoolId.split('_')[1] ?? '');
  }

  srpA(): Promise<string> {
    return new Promise((resolve, reject) =>
      this.helper.getLargeAValue((err, a) => (err ? reject(err as Error) : resolve(a.toString(16)))),
    );
  }

  /** The PASSWORD_VERIFIER challenge responses, given the server's challenge parameters. */
  async respond(
    params: Record<string, string>,
    password: string,
    timestamp = new lib.DateHelper().getNowString(),
  ): Promise<Record<string, string>> {
    const userId = params.USER_ID_FOR_SRP ?? '';
    const key = await new Promise<Uint8Array>((resolve, reject) =>
      this.helper.getPasswordAuthenticationKey(
        userId,
        password,
        new BigInteger(params.SRP_B ?? '', 16),
        new BigInteger(params.SALT ?? '', 16),
        (err, k) => (err ? reject(err as Error) : resolve(k)),
      ),
    );
    const message = Buffer.concat([
      Buffer.from(this.userPoolId.split('_')[1] ?? ''),
      Buffer.from(userId),
      Buffer.from(params.SECRET_BLOCK ?? '', 'base64'),
      Buffer.from(timestamp),
    ]);
    return {
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK ?? '',
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: createHmac('sha256', Buffer.from(key)).update(message).digest('base64'),
    };
  }
}

// What an emulated operation is: its name, how it is authenticated, its documented input
// constraints, and a handler typed with the request and response types of the matching
// @aws-sdk/client-* package. The router (router.ts) does the rest: parsing, faults, counters,
// authentication, validation and the protocol's error shape.
import { AwsError } from './errors';
import type { EmuRequest, Reply } from './http';
import type { Shape } from './validate';

/**
 * How a caller proves who they are, as AWS decides per operation:
 * - `none`: public (SignUp, InitiateAuth, GetId…);
 * - `sigv4`: a SigV4 signature with a key the identity pool issued (Bedrock);
 * - `sigv4Any`: any SigV4 Authorization header or presigned signature, with any key (Cognito
 *   Admin* calls: locally, whoever runs the emulator is the administrator);
 * - `accessToken`: the user pool's access token in `AccessToken`;
 * - `accessTokenOrSession`: that, or an MFA_SETUP `Session` (AssociateSoftwareToken…).
 */
export type AuthKind = 'none' | 'sigv4' | 'sigv4Any' | 'accessToken' | 'accessTokenOrSession';

/** An SDK type as it travels in JSON: dates are epoch seconds, blobs base64. */
export type Wire<T> = T extends Date
  ? number
  : T extends Uint8Array
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** An awsJson1_1 operation (Cognito): JSON in, JSON out. */
export interface JsonOperation<Req, Res, Deps, Caller = undefined> {
  name: string;
  auth: AuthKind;
  input: Shape;
  handle(input: Req, deps: Deps, caller: Caller): Promise<Wire<Res>> | Wire<Res>;
}

/** A REST operation (Bedrock, a function URL): it reads the request and writes the reply itself, as it may stream. */
export interface RestOperation<Deps, Caller> {
  name: string;
  auth: AuthKind;
  /** The SigV4 signing name a `sigv4` caller must scope to; Bedrock's when absent. */
  signingName?: string;
  /** `ANY`: every method (a function URL passes them all to its function). */
  method: 'GET' | 'POST' | 'ANY';
  /** Matches the decoded path; the groups are the path's labels. */
  path: RegExp;
  handle(req: EmuRequest, reply: Reply, deps: Deps, caller: Caller, labels: string[]): Promise<void>;
}

/** Where a required member is missing or empty: AWS's "must not be null". */
export function required<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/**
 * Any operation of a service whose shared state is `Deps`, as the router's table holds them.
 * (Methods are checked bivariantly, so each typed operation fits; the router passes the input
 * it validated against `input`, and the caller its `auth` produced.)
 */
export interface ServiceJsonOperation<Deps> {
  name: string;
  auth: AuthKind;
  input: Shape;
  handle(input: never, deps: Deps, caller: never): unknown;
}

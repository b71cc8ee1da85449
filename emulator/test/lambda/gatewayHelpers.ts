// Helpers for the story gateway suite: a signed-in user with identity-pool credentials, requests
// to the gateway's function URL signed with SigV4 (service lambda) by the SDK's own signer, and a
// reader of the event stream it answers with.
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
// The SDK's own SHA-256 (node:crypto), as the extension's gateway client signs with it.
import { Sha256 } from '@smithy/core/checksum';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { SignatureV4 } from '@smithy/signature-v4';
import * as v from 'valibot';
import { ERROR_TYPE_HEADER, GATEWAY_PATHS, ID_TOKEN_HEADER, UsageResponse } from '../../../infra/src/gateway/contract';
import type { RunningEmulator } from '../../src/emulator';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, idpClient, newSignedInUser } from '../helpers';

export interface GatewayUser {
  email: string;
  sub: string;
  idToken: string;
  credentials: AwsCredentialIdentity;
}

export async function gatewayUser(emu: RunningEmulator): Promise<GatewayUser> {
  const { email, sub, tokens } = await newSignedInUser(emu);
  const idToken = tokens.IdToken as string;
  const credentials = await fromCognitoIdentityPool({
    identityPoolId: emu.identityPoolId,
    logins: { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: idToken },
    clientConfig: { region: emu.region, endpoint: emu.endpoints.cognitoIdentity },
  })();
  return { email, sub, idToken, credentials };
}

export interface CallOptions {
  idToken?: string | null;
  credentials?: AwsCredentialIdentity;
  signal?: AbortSignal;
  service?: string;
}

/** The emulator's clock minus ours, learnt from its Date header as the SDK learns AWS's. */
const clockOffsets = new WeakMap<RunningEmulator, number>();

/**
 * A request to the gateway, signed as the extension signs it. Like the SDK, a signature refused
 * for its time is signed again once at the server's time (the clock-skew tests move it).
 */
export async function callGateway(
  emu: RunningEmulator,
  user: GatewayUser,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Response> {
  const res = await signedCall(emu, user, method, path, body, options);
  if (res.status !== 403 || res.headers.get(ERROR_TYPE_HEADER) !== 'InvalidSignatureException') return res;
  const text = await res.text();
  if (!/Signature expired|not yet current/.test(text))
    return new Response(text, { status: res.status, headers: res.headers });
  clockOffsets.set(emu, Date.parse(res.headers.get('date') ?? '') - Date.now());
  return signedCall(emu, user, method, path, body, options);
}

async function signedCall(
  emu: RunningEmulator,
  user: GatewayUser,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<Response> {
  const url = new URL(path.replace(/^\//, ''), emu.storyGatewayUrl ?? 'http://invalid/');
  const text = body === undefined ? undefined : JSON.stringify(body);
  const idToken = options.idToken === undefined ? user.idToken : options.idToken;
  const signer = new SignatureV4({
    service: options.service ?? 'lambda',
    region: emu.region,
    credentials: options.credentials ?? user.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        ...(text === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idToken === null ? {} : { [ID_TOKEN_HEADER]: idToken }),
      },
      ...(text === undefined ? {} : { body: text }),
    },
    { signingDate: new Date(Date.now() + (clockOffsets.get(emu) ?? 0)) },
  );
  return fetch(url, {
    method,
    headers: signed.headers,
    ...(text === undefined ? {} : { body: text }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export function storyRequest(maxTokens: number, prompt = 'Tell a story about a brave otter named Ada.') {
  return {
    modelId: 'amazon.nova-lite-v1:0',
    messages: [{ role: 'user', content: [{ text: prompt }] }],
    inferenceConfig: { maxTokens },
  };
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

export interface Frame {
  messageType: string;
  type: string;
  payload: Record<string, unknown>;
}

/** Reads the event-stream frames of a response until it ends (or is cut: `cut` is then true). */
export async function readFrames(
  res: Response,
  onFrame?: (f: Frame) => void,
): Promise<{ frames: Frame[]; cut: boolean }> {
  const frames: Frame[] = [];
  let buffer = Buffer.alloc(0);
  let cut = false;
  const reader = res.body?.getReader();
  try {
    for (;;) {
      const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
      if (done) break;
      buffer = Buffer.concat([buffer, Buffer.from(value)]);
      while (buffer.length >= 4 && buffer.length >= buffer.readUInt32BE(0)) {
        const length = buffer.readUInt32BE(0);
        const message = codec.decode(new Uint8Array(buffer.subarray(0, length)));
        buffer = buffer.subarray(length);
        const header = (name: string): string => String(message.headers[name]?.value ?? '');
        const frame = {
          messageType: header(':message-type'),
          type: header(':event-type') || header(':exception-type'),
          payload: JSON.parse(Buffer.from(message.body).toString('utf8')) as Record<string, unknown>,
        };
        frames.push(frame);
        onFrame?.(frame);
      }
    }
  } catch {
    cut = true;
  }
  return { frames, cut: cut || buffer.length > 0 };
}

export const storyText = (frames: Frame[]): string =>
  frames
    .filter((f) => f.type === 'contentBlockDelta')
    .map((f) => (f.payload['delta'] as { text?: string }).text ?? '')
    .join('');

export const usageOf = (
  frames: Frame[],
): { inputTokens: number; outputTokens: number; totalTokens: number } | undefined =>
  frames.find((f) => f.type === 'metadata')?.payload['usage'] as never;

/** The same user signed in again (new ID token, new credentials), e.g. after the clock moved. */
export async function signInAgain(emu: RunningEmulator, user: GatewayUser): Promise<GatewayUser> {
  const auth = await idpClient(emu).send(
    new InitiateAuthCommand({
      ClientId: emu.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: user.email, PASSWORD },
    }),
  );
  const idToken = auth.AuthenticationResult?.IdToken as string;
  const credentials = await fromCognitoIdentityPool({
    identityPoolId: emu.identityPoolId,
    logins: { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: idToken },
    clientConfig: { region: emu.region, endpoint: emu.endpoints.cognitoIdentity },
  })();
  return { ...user, idToken, credentials };
}

/** GET /usage, checked against the gateway's contract (a body that strays from it fails the test). */
export async function usage(emu: RunningEmulator, user: GatewayUser): Promise<UsageResponse> {
  const res = await callGateway(emu, user, 'GET', `/${GATEWAY_PATHS.usage}`);
  if (res.status !== 200) throw new Error(`GET /usage: ${res.status} ${await res.text()}`);
  return v.parse(UsageResponse, await res.json());
}

/** Polls /usage until `done` holds (settling happens after the client has its last byte). */
export async function usageWhen(
  emu: RunningEmulator,
  user: GatewayUser,
  done: (u: UsageResponse) => boolean,
  timeoutMs = 10_000,
): Promise<UsageResponse> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const u = await usage(emu, user);
    if (done(u) || Date.now() > until) return u;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function admin(emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${emu.endpoints.cognitoIdp}/_emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

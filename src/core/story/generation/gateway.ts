// Budget mode (#16): stories go through the stack's story gateway, a Lambda function URL (AWS_IAM,
// RESPONSE_STREAM) in front of Bedrock, instead of straight to Bedrock. The gateway takes the
// Converse request and answers with Bedrock's own event stream, so the same BedrockRuntimeClient
// decodes both modes (events, exception frames, refusals): only the path (POST /converse-stream,
// the model in the body), the signing service (`lambda`) and the user's ID token header differ,
// set here by client configuration and one middleware. GET /usage is signed the same way.
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type {
  BedrockRuntimeClientConfig,
  ServiceInputTypes,
  ServiceOutputTypes,
} from '@aws-sdk/client-bedrock-runtime';
// The SDK's own SHA-256 (node:crypto), which the Bedrock client already bundles.
import { Sha256 } from '@smithy/core/checksum';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AbsoluteLocation,
  AwsCredentialIdentityProvider,
  BuildHandlerOptions,
  BuildMiddleware,
  HttpRequest,
} from '@smithy/types';
import * as v from 'valibot';
import {
  ERROR_TYPE_HEADER,
  GATEWAY_PATHS,
  ID_TOKEN_HEADER,
  UsageResponse,
} from '../../../../infra/src/gateway/contract';
import { gatewayUrl } from './gatewayUrl';

export interface GatewayOptions {
  /** `storyteller.storyGatewayUrl` (the stack's StoryGatewayUrl output). */
  readonly url: string;
  readonly region: string;
  /** The identity pool's credentials, the same provider Bedrock gets in direct mode. */
  readonly credentials: AwsCredentialIdentityProvider;
  /** The signed-in user's ID token (refreshed when needed): the gateway's budget key is its `sub`. */
  readonly idToken: () => Promise<string>;
  readonly requestHandler: NodeHttpHandler;
}

const UTF8 = new TextDecoder();
const BUILD: BuildHandlerOptions & AbsoluteLocation = { step: 'build', priority: 'high', name: 'storytellerGateway' };

/**
 * Turns the SDK's ConverseStream request (POST /model/{id}/converse-stream) into the gateway's
 * (POST /converse-stream with the model in the body) and adds the ID token, before signing.
 */
function toGatewayRequest(
  path: string,
  idToken: () => Promise<string>,
): BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> {
  return (next, context) => async (args) => {
    const request = args.request as HttpRequest;
    const input = args.input as { modelId?: string };
    if (context.commandName === 'ConverseStreamCommand') {
      const raw = request.body as unknown;
      // TextDecoder: the SDK's JSON body is a Uint8Array that warns when used as a string.
      const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? UTF8.decode(raw) : '{}';
      const body = JSON.stringify({ modelId: input.modelId, ...(JSON.parse(text || '{}') as object) });
      request.body = body;
      request.path = path;
      request.headers['content-length'] = String(Buffer.byteLength(body));
    }
    request.headers[ID_TOKEN_HEADER] = await idToken();
    return next(args);
  };
}

/**
 * A BedrockRuntimeClient that talks to the gateway: its ConverseStreamCommand goes to
 * `${url}/converse-stream`, signed for service `lambda`. One attempt per send: refusals are
 * retried (or not) by BedrockStories, which knows the gateway's Retry-After.
 */
export function createGatewayRuntime(options: GatewayOptions): BedrockRuntimeClient {
  const converse = gatewayUrl(options.url, GATEWAY_PATHS.converseStream);
  // signingName: read by the SDK's SigV4 config (resolveAwsSdkSigV4Config), though not in this client's type.
  const config: BedrockRuntimeClientConfig & { readonly signingName: string } = {
    region: options.region,
    credentials: options.credentials,
    requestHandler: options.requestHandler,
    endpoint: converse.origin,
    signingName: 'lambda',
    maxAttempts: 1,
  };
  const client = new BedrockRuntimeClient(config);
  client.middlewareStack.add(toGatewayRequest(converse.pathname, options.idToken), BUILD);
  return client;
}

/** The caller's day as the gateway counts it (GET /usage), as the gateway's contract states it. */
export type GatewayUsage = UsageResponse;

/** An AWS-style error from a plain gateway call, shaped like the SDK's (name, $metadata, $response). */
function gatewayError(status: number, headers: Record<string, string>, body: string): Error {
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const type =
    (headers[ERROR_TYPE_HEADER] ?? '').split(':')[0] || (status >= 500 ? 'InternalServerException' : 'Error');
  const message = String(parsed['message'] ?? parsed['Message'] ?? `HTTP ${status}`);
  const error = Object.assign(new Error(message), parsed, {
    name: type,
    $metadata: { httpStatusCode: status },
    $fault: status >= 500 ? 'server' : 'client',
  });
  Object.defineProperty(error, '$response', { value: { statusCode: status, headers }, enumerable: false });
  return error;
}

/** GET /usage, signed like the stories. */
export async function fetchGatewayUsage(options: GatewayOptions, signal?: AbortSignal): Promise<GatewayUsage> {
  const url = gatewayUrl(options.url, GATEWAY_PATHS.usage);
  const signer = new SignatureV4({
    service: 'lambda',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { host: url.host, [ID_TOKEN_HEADER]: await options.idToken() },
  });
  const { response } = await options.requestHandler.handle(signed as Parameters<NodeHttpHandler['handle']>[0], {
    ...(signal ? { abortSignal: signal } : {}),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  const body = Buffer.concat(chunks).toString('utf8');
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, val]) => [k.toLowerCase(), val]));
  if (response.statusCode !== 200) throw gatewayError(response.statusCode, headers, body);
  const parsed = v.safeParse(UsageResponse, JSON.parse(body));
  if (!parsed.success) throw gatewayError(502, headers, JSON.stringify({ message: 'GET /usage answered oddly.' }));
  return parsed.output;
}

// ───────────── Throttling: retried by itself, within bounds ─────────────

export interface ThrottleRetryPolicy {
  /** Sends at most this many times in all. */
  readonly maxAttempts: number;
  /** Waits at most this long in all; a Retry-After beyond it is not waited for. */
  readonly maxWaitMs: number;
  /** The first backoff when the gateway gives no Retry-After; doubled each time. */
  readonly baseDelayMs: number;
}

export const DEFAULT_THROTTLE_RETRY: ThrottleRetryPolicy = { maxAttempts: 4, maxWaitMs: 20_000, baseDelayMs: 500 };

/** Seconds from the Retry-After header (seconds or an HTTP date), else the body's retryAfterSeconds. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const e = error as { $response?: { headers?: Record<string, string> }; retryAfterSeconds?: unknown } | null;
  const header = Object.entries(e?.$response?.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (header !== undefined) {
    if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return typeof e?.retryAfterSeconds === 'number' && e.retryAfterSeconds >= 0 ? e.retryAfterSeconds * 1000 : undefined;
}

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 1), or undefined to give up:
 * at least what Retry-After asks, else exponential backoff with jitter, within the policy's bounds.
 */
export function throttleDelay(
  error: unknown,
  attempt: number,
  waitedMs: number,
  policy: ThrottleRetryPolicy = DEFAULT_THROTTLE_RETRY,
  random: () => number = Math.random,
): number | undefined {
  if ((error as { name?: string } | null)?.name !== 'ThrottlingException') return undefined;
  if (attempt >= policy.maxAttempts) return undefined;
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + random() / 2);
  const asked = retryAfterMs(error);
  const delay = Math.max(asked ?? 0, asked === undefined ? backoff : 0);
  if (waitedMs + delay > policy.maxWaitMs) return undefined;
  return Math.ceil(delay);
}

/** Waits `ms`, or less when `signal` aborts (resolves false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

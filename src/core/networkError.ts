// One answer to "did the request fail on the way?" for Cognito and Bedrock alike: such a failure
// is worth a retry and never ends a session.

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

interface ErrorLike {
  readonly code?: string;
  readonly name?: string;
  readonly cause?: unknown;
}

/** A socket, DNS or timeout failure, here or up to four causes down (the SDK wraps them). */
export function isNetworkError(error: unknown): boolean {
  let e = error as ErrorLike | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || e.name === 'FetchError') return true;
    e = e.cause as ErrorLike | undefined;
  }
  return false;
}

// The story gateway's address (budget mode, #16), without the AWS SDK: the VS Code glue checks it
// before the SDK loads.
import type { GatewayPath } from '../../../../infra/src/gateway/contract';

/** `https://x.lambda-url.us-east-1.on.aws` + `converse-stream`, with exactly one slash between. */
export function gatewayUrl(base: string, path: GatewayPath): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

/**
 * A Lambda function URL (https://<url-id>.lambda-url.<region>.on.aws/): AWS's own host, like the
 * stack's other endpoints, so it needs no one-time approval before the ID token goes there.
 */
export function isFunctionUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && /^[a-z0-9]+\.lambda-url\.[a-z]{2}(-gov)?-[a-z]+-\d\.on\.aws$/.test(u.hostname);
  } catch {
    return false;
  }
}

// Server-side SigV4 verification: recompute the signature with the SDK's own signer at the
// request's x-amz-date over exactly the headers the client signed (over HTTP/2 that includes
// `:authority`), and compare.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AwsError } from './errors';
import type { EmuRequest } from './http';

export interface SecretLookup {
  secretKey: string;
  sessionToken?: string;
  expires: number;
}

export interface VerifiedCaller {
  accessKeyId: string;
}

const MAX_SKEW_MS = 5 * 60 * 1000;

function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const forbidden = (code: string, message: string): AwsError => new AwsError(code, message, 403);

export async function verifySigV4(req: EmuRequest, service: string, now: number, lookup: (accessKeyId: string) => SecretLookup | undefined): Promise<VerifiedCaller> {
  const auth = req.headers.authorization;
  if (!auth) throw forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw forbidden('IncompleteSignatureException', 'Authorization header requires \'Credential\', \'SignedHeaders\' and \'Signature\' parameters.');
  const [, accessKeyId = '', , region = '', signedService = '', signedHeaderList = '', signature = ''] = m;
  if (signedService !== service) throw forbidden('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
  const dateHeader = req.headers['x-amz-date'] ?? '';
  const signedAt = parseAmzDate(dateHeader);
  if (signedAt === null) throw forbidden('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  if (signedAt < now - MAX_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature expired: ${dateHeader} is now earlier than ${amzDate(new Date(now - MAX_SKEW_MS))} (${amzDate(new Date(now))} - 5 min.)`);
  }
  if (signedAt > now + MAX_SKEW_MS) {
    throw forbidden('InvalidSignatureException', `Signature not yet current: ${dateHeader} is still later than ${amzDate(new Date(now + MAX_SKEW_MS))} (${amzDate(new Date(now))} + 5 min.)`);
  }
  const secret = lookup(accessKeyId);
  if (!secret || (secret.sessionToken !== undefined && secret.sessionToken !== req.headers['x-amz-security-token'])) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (secret.expires <= now) throw forbidden('ExpiredTokenException', 'The security token included in the request is expired');

  // The body must be the one that was signed.
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const claimedHash = req.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== bodyHash) {
    throw forbidden('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaderList.split(';')) {
    const value = req.headers[name];
    if (value === undefined) throw forbidden('InvalidSignatureException', `Signed header ${name} is missing from the request.`);
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secret.secretKey, ...(secret.sessionToken ? { sessionToken: secret.sessionToken } : {}) },
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
  });
  const request: Parameters<SignatureV4['sign']>[0] = {
    method: req.method,
    protocol: 'http:',
    hostname: (headers.host ?? headers[':authority'] ?? '').replace(/:\d+$/, ''),
    path: req.rawPath,
    query,
    headers,
    body: req.body,
  };
  const signed = await signer.sign(request, { signingDate: new Date(signedAt) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw forbidden('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return { accessKeyId };
}

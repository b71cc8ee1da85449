// Server-side SigV4 verification as AWS does it, for any client: the canonical request is built
// from exactly what the client says it signed (its SignedHeaders, the path and query as sent,
// its x-amz-content-sha256 or the body's hash), then the string to sign and the derived key.
// Only node:crypto; nothing here is shared with the SDK's signer, so no signer is favoured.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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

/** What the signature must be scoped to, and the clock it is checked against. */
export interface SigV4Expectation {
  service: string;
  region: string;
  now: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60 * 1000;
/** Presigned requests may live up to seven days, as in AWS. */
const MAX_EXPIRES_SECONDS = 604800;

const forbidden = (code: string, message: string): AwsError => new AwsError(code, message, 403);

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(t) ? null : t;
}

/** A `Date` header (RFC 1123) as the ISO 8601 basic form SigV4 signs, or '' if absent or bad. */
function isoFromHttpDate(value: string | undefined): string {
  const t = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(t) ? '' : amzDate(new Date(t));
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Percent-decoding that never throws: a malformed escape stays as it was sent. */
export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Canonical URI for every service but S3: the path as sent, normalised (empty, `.` and `..`
 * segments removed), each segment URI-encoded once more.
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** The query as sent, each name and value decoded then encoded the SigV4 way, sorted. */
export function canonicalQuery(rawQuery: string, omit: string | null = null): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : safeDecode(part.slice(eq + 1).replace(/\+/g, ' '));
    if (name === omit) continue;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** A header value as signed: trimmed, runs of spaces collapsed to one. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

interface SignatureParts {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-date (header, `Date` header, or X-Amz-Date parameter). */
  amzDate: string;
  /** Presigned: X-Amz-Expires in seconds; null for the Authorization header form. */
  expiresSeconds: number | null;
  sessionToken: string | undefined;
}

function credentialScope(
  credential: string,
): Pick<SignatureParts, 'accessKeyId' | 'date' | 'region' | 'service'> | null {
  const m = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(credential);
  if (!m) return null;
  return { accessKeyId: m[1] ?? '', date: m[2] ?? '', region: m[3] ?? '', service: m[4] ?? '' };
}

/** The signature's parts from the Authorization header, or from the query of a presigned request. */
function parseSignature(req: EmuRequest): SignatureParts {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    if (!auth.startsWith(`${ALGORITHM} `))
      throw forbidden('IncompleteSignatureException', `Authorization header requires '${ALGORITHM}' as its algorithm.`);
    const fields: Record<string, string> = {};
    for (const piece of auth.slice(ALGORITHM.length + 1).split(',')) {
      const eq = piece.indexOf('=');
      if (eq > 0) fields[piece.slice(0, eq).trim()] = piece.slice(eq + 1).trim();
    }
    const scope = credentialScope(fields.Credential ?? '');
    if (!scope || !fields.SignedHeaders || !/^[0-9a-f]{64}$/.test(fields.Signature ?? '')) {
      throw forbidden(
        'IncompleteSignatureException',
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
      );
    }
    const date = req.headers['x-amz-date'] ?? isoFromHttpDate(req.headers.date);
    return {
      ...scope,
      signedHeaders: fields.SignedHeaders.split(';'),
      signature: fields.Signature ?? '',
      amzDate: date,
      expiresSeconds: null,
      sessionToken: req.headers['x-amz-security-token'],
    };
  }
  const q = new Map<string, string>();
  for (const part of req.rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) q.set(safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1).replace(/\+/g, ' ')));
  }
  if (!q.has('X-Amz-Algorithm') && !q.has('X-Amz-Signature'))
    throw forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (q.get('X-Amz-Algorithm') !== ALGORITHM)
    throw forbidden('IncompleteSignatureException', `X-Amz-Algorithm only supports '${ALGORITHM}'.`);
  const scope = credentialScope(q.get('X-Amz-Credential') ?? '');
  const signedHeaders = q.get('X-Amz-SignedHeaders') ?? '';
  const signature = q.get('X-Amz-Signature') ?? '';
  const expires = Number(q.get('X-Amz-Expires') ?? '');
  if (!scope || !signedHeaders || !/^[0-9a-f]{64}$/.test(signature) || !q.has('X-Amz-Date')) {
    throw forbidden(
      'IncompleteSignatureException',
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'.",
    );
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
    throw forbidden(
      'AuthorizationQueryParametersError',
      `X-Amz-Expires must be an integer between 1 and ${MAX_EXPIRES_SECONDS} seconds.`,
    );
  }
  return {
    ...scope,
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate: q.get('X-Amz-Date') ?? '',
    expiresSeconds: expires,
    sessionToken: q.get('X-Amz-Security-Token') ?? req.headers['x-amz-security-token'],
  };
}

/** Checks the parts AWS checks before looking at the key: scope, date, signed headers. */
function checkScopeAndDate(parts: SignatureParts, expect: SigV4Expectation): void {
  if (parts.service !== expect.service)
    throw forbidden(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${expect.service}'.`,
    );
  if (parts.region !== expect.region)
    throw forbidden(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${parts.region}'.`,
    );
  const signedAt = parseAmzDate(parts.amzDate);
  if (signedAt === null)
    throw forbidden(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  if (parts.amzDate.slice(0, 8) !== parts.date) {
    throw forbidden(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parts.date}' != '${parts.amzDate.slice(0, 8)}', from '${parts.amzDate}'.`,
    );
  }
  const { now } = expect;
  if (signedAt > now + MAX_SKEW_MS) {
    throw forbidden(
      'InvalidSignatureException',
      `Signature not yet current: ${parts.amzDate} is still later than ${amzDate(new Date(now + MAX_SKEW_MS))} (${amzDate(new Date(now))} + 5 min.)`,
    );
  }
  if (parts.expiresSeconds === null && signedAt < now - MAX_SKEW_MS) {
    throw forbidden(
      'InvalidSignatureException',
      `Signature expired: ${parts.amzDate} is now earlier than ${amzDate(new Date(now - MAX_SKEW_MS))} (${amzDate(new Date(now))} - 5 min.)`,
    );
  }
  if (parts.expiresSeconds !== null && now > signedAt + parts.expiresSeconds * 1000) {
    throw forbidden(
      'InvalidSignatureException',
      `Signature expired: ${parts.amzDate} is now earlier than ${amzDate(new Date(now - parts.expiresSeconds * 1000))} (${amzDate(new Date(now))} - ${parts.expiresSeconds} sec.)`,
    );
  }
  if (!parts.signedHeaders.includes('host') && !parts.signedHeaders.includes(':authority')) {
    throw forbidden(
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
}

/** The canonical request of SigV4, from what the client sent and says it signed. */
export function canonicalRequest(req: EmuRequest, signedHeaders: string[], presigned: boolean): string {
  const headerLines = signedHeaders.map((name) => {
    const value = req.headers[name];
    if (value === undefined) throw forbidden('InvalidSignatureException', MISMATCH);
    return `${name}:${canonicalHeaderValue(value)}\n`;
  });
  const claimed = req.headers['x-amz-content-sha256'];
  const payloadHash = claimed ?? sha256Hex(req.body);
  return [
    req.method,
    canonicalUri(req.rawPath),
    canonicalQuery(req.rawQuery, presigned ? 'X-Amz-Signature' : null),
    headerLines.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function verifySigV4(
  req: EmuRequest,
  expect: SigV4Expectation,
  lookup: (accessKeyId: string) => SecretLookup | undefined,
): VerifiedCaller {
  const parts = parseSignature(req);
  checkScopeAndDate(parts, expect);
  const secret = lookup(parts.accessKeyId);
  if (!secret || (secret.sessionToken !== undefined && secret.sessionToken !== parts.sessionToken)) {
    throw forbidden('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (secret.expires <= expect.now)
    throw forbidden('ExpiredTokenException', 'The security token included in the request is expired');

  // The body must be the one that was signed.
  const claimedHash = req.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== 'UNSIGNED-PAYLOAD' && claimedHash !== sha256Hex(req.body)) {
    throw forbidden(
      'InvalidSignatureException',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }
  const canonical = canonicalRequest(req, parts.signedHeaders, parts.expiresSeconds !== null);
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = [ALGORITHM, parts.amzDate, scope, sha256Hex(canonical)].join('\n');
  const expected = createHmac('sha256', signingKey(secret.secretKey, parts.date, parts.region, parts.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(parts.signature)))
    throw forbidden('InvalidSignatureException', MISMATCH);
  return { accessKeyId: parts.accessKeyId };
}

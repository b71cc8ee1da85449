// Signers that share no code with @smithy/signature-v4 (the aws4 package and curl's
// --aws-sigv4), and a raw HTTP/1.1 sender that replays a signed request byte for byte, so a
// test can change one thing after signing.
import aws4 from 'aws4';
import { execFile } from 'node:child_process';
import { request as httpRequest, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { AwsCredentialIdentity } from './bedrockHelpers';

const run = promisify(execFile);

/** A request as it goes on the wire: method, target (path and query), headers, body. */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends exactly these headers (Host included) over HTTP/1.1. */
export function send(port: number, req: WireRequest): Promise<WireResponse> {
  return new Promise((done, fail) => {
    const r = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        setHost: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', fail);
      },
    );
    r.on('error', fail);
    r.end(req.body);
  });
}

export interface SignOptions {
  region?: string;
  service?: string;
  /** Sign a query-string (presigned) request instead of an Authorization header. */
  presign?: boolean;
}

/** Signs with the aws4 package (host with the port, no x-amz-content-sha256). */
export function aws4Sign(
  port: number,
  req: Omit<WireRequest, 'headers'> & { headers?: Record<string, string> },
  creds: AwsCredentialIdentity,
  o: SignOptions = {},
): WireRequest {
  const signed = aws4.sign(
    {
      host: `127.0.0.1:${port}`,
      method: req.method,
      path: req.path,
      headers: { ...(req.headers ?? {}) },
      body: req.body,
      service: o.service ?? 'bedrock',
      region: o.region ?? 'us-east-1',
      ...(o.presign ? { signQuery: true } : {}),
    },
    creds,
  );
  const headers: Record<string, string> = { Host: `127.0.0.1:${port}` };
  for (const [k, v] of Object.entries(signed.headers ?? {})) if (k.toLowerCase() !== 'host') headers[k] = String(v);
  return { method: req.method, path: signed.path ?? req.path, headers, body: req.body };
}

function curlArgs(
  url: string,
  req: Omit<WireRequest, 'headers' | 'path'> & { headers?: Record<string, string> },
  creds: AwsCredentialIdentity,
  o: SignOptions,
): string[] {
  const args = [
    '-sS',
    '--aws-sigv4',
    `aws:amz:${o.region ?? 'us-east-1'}:${o.service ?? 'bedrock'}`,
    '--user',
    `${creds.accessKeyId}:${creds.secretAccessKey}`,
  ];
  // curl signs the x-amz-* headers it is given, so a session token is a header added before signing.
  if (creds.sessionToken) args.push('-H', `x-amz-security-token: ${creds.sessionToken}`);
  for (const [k, v] of Object.entries(req.headers ?? {})) args.push('-H', `${k}: ${v}`);
  if (req.method !== 'GET') args.push('-X', req.method, '--data-binary', req.body);
  args.push(url);
  return args;
}

/** Runs `curl --aws-sigv4` against the emulator and returns the status, headers and body. */
export async function curl(
  port: number,
  req: Omit<WireRequest, 'headers'> & { headers?: Record<string, string> },
  creds: AwsCredentialIdentity,
  o: SignOptions = {},
): Promise<WireResponse> {
  const { stdout } = await run('curl', ['-D', '-', ...curlArgs(`http://127.0.0.1:${port}${req.path}`, req, creds, o)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const split = stdout.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = stdout.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: stdout.slice(split + 4) };
}

/** What curl would send to the emulator, captured by a stand-in server on another port. */
export async function curlSign(
  port: number,
  req: Omit<WireRequest, 'headers'> & { headers?: Record<string, string> },
  creds: AwsCredentialIdentity,
  o: SignOptions = {},
): Promise<WireRequest> {
  let captured: WireRequest | null = null;
  const server = createServer((r, res) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < r.rawHeaders.length; i += 2)
        headers[r.rawHeaders[i] as string] = r.rawHeaders[i + 1] as string;
      captured = {
        method: r.method ?? 'GET',
        path: r.url ?? '/',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const capturePort = (server.address() as AddressInfo).port;
  try {
    // The URL names the emulator (so Host is what the emulator will see); the bytes go to the capture server.
    await run('curl', [
      '--connect-to',
      `127.0.0.1:${port}:127.0.0.1:${capturePort}`,
      ...curlArgs(`http://127.0.0.1:${port}${req.path}`, req, creds, o),
    ]);
  } finally {
    server.close();
  }
  if (!captured) throw new Error('curl sent nothing');
  return captured;
}

/** The AWS error name of a refused raw request. */
export function errorType(res: WireResponse): string {
  return String(res.headers['x-amzn-errortype'] ?? (JSON.parse(res.body || '{}') as { __type?: string }).__type ?? '');
}

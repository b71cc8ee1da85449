// One table from X-Amz-Target (awsJson1_1: Cognito) or method and path (restJson1: Bedrock) to
// operation, and the steps every call goes through in order: parse, count, latency fault,
// authenticate as the operation declares, error fault, validate, run, answer in the protocol's
// error shape. Anything else is the admin API, the JWKS, or UnknownOperationException.
import { awsQuery, isQueryRequest } from './awsQuery';
import type { QueryService } from './awsQuery';
import type { IssuedCredentials } from './cognito-identity/identityPool';
import { AwsError } from './errors';
import type { Faults } from './faults';
import type { EmuRequest, Handler, Reply } from './http';
import type { AuthKind, RestOperation, ServiceJsonOperation } from './operation';
import { verifySigV4 } from './sigv4';
import { validate } from './validate';

/** A JSON service: its target prefix, SigV4 signing name, operations and their shared state. */
export interface JsonService<Deps> {
  targetPrefix: string;
  signingName: string;
  operations: readonly ServiceJsonOperation<Deps>[];
  deps: Deps;
}

/**
 * A JSON service the emulator hands to a real implementation (DynamoDB: dynalite) after the
 * router's counters and faults, so a test can throttle it like any emulated operation.
 */
export interface ProxiedService {
  targetPrefix: string;
  forward(req: EmuRequest, reply: Reply): Promise<void>;
}

/** How the router authenticates the callers of `accessToken` operations. */
export interface AccessTokens {
  accessUser(accessToken: string | undefined): unknown;
  mfaCaller(input: { AccessToken?: string | undefined; Session?: string | undefined }): unknown;
}

export interface RouterOptions {
  region: string;
  faults: Faults;
  /** Only services whose operations use `accessToken` auth need this. */
  accessTokens: AccessTokens;
  // Each service keeps its own Deps type; the table erases it once, here.
  jsonServices: JsonService<never>[];
  /** REST operations (Bedrock, function URLs), grouped by the state they share. */
  rest: { operations: readonly RestOperation<never, IssuedCredentials>[]; deps: unknown }[];
  proxies?: ProxiedService[];
  /** AWS query protocol services (CloudFormation), by `Action`. */
  queryServices?: QueryService<unknown>[];
  /** The keys SigV4 `sigv4` operations accept (the identity pool's). */
  issuedKey(accessKeyId: string): IssuedCredentials | undefined;
  /** GET routes outside the AWS APIs (JWKS), by exact path. */
  documents: Map<string, () => unknown>;
  admin(req: EmuRequest, reply: Reply): Promise<void>;
  /** Managed login's pages and OAuth endpoints (#15); false when the path is not theirs. */
  pages?: (req: EmuRequest, reply: Reply) => Promise<boolean>;
  log?: (line: string) => void;
}

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };

type JsonTable = Map<string, { op: ServiceJsonOperation<never>; service: JsonService<never> }>;

/** The caller's identity-pool credentials for `sigv4` operations; `sigv4Any` needs only a signature. */
function signedCaller(
  o: RouterOptions,
  req: EmuRequest,
  auth: AuthKind,
  service: string,
): IssuedCredentials | undefined {
  const expect = { service, region: o.region, now: o.faults.now() };
  if (auth === 'sigv4Any') {
    // Locally whoever runs the emulator is the administrator: any signed caller, as before
    // (host tests send a placeholder Authorization header). Only a missing one is refused.
    if (!req.headers.authorization && !req.query.has('X-Amz-Signature'))
      throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    return undefined;
  }
  if (auth !== 'sigv4') return undefined;
  const caller = verifySigV4(req, expect, (id) => {
    const c = o.issuedKey(id);
    return c && { secretKey: c.secretKey, sessionToken: c.sessionToken, expires: c.expires };
  });
  return o.issuedKey(caller.accessKeyId);
}

/** awsJson1_1's body: a JSON object, or the SerializationException the SDK expects. */
function jsonInput(req: EmuRequest): object {
  let input: unknown;
  try {
    input = JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    throw new AwsError('SerializationException', 'Malformed JSON request body');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return input;
}

/** Who calls an `accessToken` operation (the token's user) or an MFA one (token or session). */
function tokenCaller(o: RouterOptions, auth: AuthKind, valid: Record<string, unknown>): unknown {
  if (auth === 'accessToken') return o.accessTokens.accessUser(valid.AccessToken as string | undefined);
  if (auth === 'accessTokenOrSession') return o.accessTokens.mfaCaller(valid);
  return undefined;
}

async function awsJson(
  o: RouterOptions,
  table: JsonTable,
  req: EmuRequest,
  reply: Reply,
  target: string,
): Promise<void> {
  try {
    const input = jsonInput(req);
    const entry = table.get(target);
    if (!entry)
      throw new AwsError(
        'UnknownOperationException',
        `Operation ${target.split('.')[1] ?? ''} is not supported by the local emulator`,
      );
    const { op, service } = entry;
    o.log?.(`${service.signingName} ${op.name}`);
    o.faults.count(op.name);
    const flow = (input as { AuthFlow?: unknown }).AuthFlow;
    if (op.name === 'InitiateAuth' && typeof flow === 'string' && flow.length <= 64)
      o.faults.count(`InitiateAuth:${flow}`);
    await o.faults.delay(op.name);
    o.faults.checkError(op.name);
    signedCaller(o, req, op.auth, service.signingName);
    const valid = validate(input, op.input, 'InvalidParameterException');
    const caller = tokenCaller(o, op.auth, valid);
    const output = await op.handle(valid as never, service.deps, caller as never);
    reply.send(200, JSON_HEADERS, JSON.stringify(output));
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    reply.send(
      err.status,
      { ...JSON_HEADERS, 'x-amzn-errortype': err.code },
      JSON.stringify({ __type: err.code, message: err.message }),
    );
  }
}

async function proxied(
  o: RouterOptions,
  req: EmuRequest,
  reply: Reply,
  service: ProxiedService,
  target: string,
): Promise<void> {
  const name = target.split('.')[1] ?? '';
  o.log?.(`${service.targetPrefix} ${name}`);
  o.faults.count(name);
  try {
    await o.faults.delay(name);
    o.faults.checkError(name);
    await service.forward(req, reply);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    reply.send(
      err.status,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': err.code },
      JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${err.code}`, message: err.message }),
    );
  }
}

async function restJson(
  o: RouterOptions,
  req: EmuRequest,
  reply: Reply,
  op: RestOperation<never, IssuedCredentials>,
  deps: unknown,
  labels: string[],
): Promise<void> {
  const signingName = op.signingName ?? 'bedrock';
  o.log?.(`${signingName} ${op.name} ${req.path}${req.http2 ? ' (h2)' : ''}`);
  o.faults.count(op.name);
  try {
    await o.faults.delay(op.name);
    const caller = signedCaller(o, req, op.auth, signingName);
    o.faults.checkError(op.name);
    await op.handle(req, reply, deps as never, caller as IssuedCredentials, labels);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    reply.send(
      err.status,
      { 'content-type': 'application/json', 'x-amzn-errortype': err.code },
      JSON.stringify({ message: err.message }),
    );
  }
}

function unknownOperation(req: EmuRequest, reply: Reply): void {
  reply.send(
    404,
    { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
    JSON.stringify({
      __type: 'UnknownOperationException',
      message: `No emulated operation at ${req.method} ${req.path}`,
    }),
  );
}

export function router(o: RouterOptions): Handler {
  const table: JsonTable = new Map();
  for (const service of o.jsonServices) {
    for (const op of service.operations) table.set(`${service.targetPrefix}.${op.name}`, { op, service });
  }
  const prefixes = new Set(o.jsonServices.map((s) => s.targetPrefix));

  return async (req, reply) => {
    if (req.path.startsWith('/_emulator/')) return o.admin(req, reply);
    const document = req.method === 'GET' ? o.documents.get(req.path) : undefined;
    if (document) return reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(document()));
    if (o.pages && (await o.pages(req, reply))) return;
    const target = req.headers['x-amz-target'] ?? '';
    if (req.method === 'POST' && prefixes.has(target.split('.')[0] ?? '')) return awsJson(o, table, req, reply, target);
    const proxy = req.method === 'POST' ? o.proxies?.find((p) => p.targetPrefix === target.split('.')[0]) : undefined;
    if (proxy) return proxied(o, req, reply, proxy, target);
    if (o.queryServices && isQueryRequest(req)) {
      const authenticate = (r: typeof req, auth: AuthKind, name: string) => void signedCaller(o, r, auth, name);
      return awsQuery(
        { faults: o.faults, authenticate, ...(o.log ? { log: o.log } : {}) },
        o.queryServices,
        req,
        reply,
      );
    }
    for (const group of o.rest) {
      for (const op of group.operations) {
        const m = req.method === op.method || op.method === 'ANY' ? op.path.exec(req.path) : null;
        if (m) return restJson(o, req, reply, op, group.deps, m.slice(1));
      }
    }
    unknownOperation(req, reply);
  };
}

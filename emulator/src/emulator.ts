// Wires the emulated services together from the template and serves them on one port:
// Cognito user pool and identity pool by X-Amz-Target, Bedrock by path (HTTP/1.1 or h2c),
// plus the JWKS, the outbox and the /_emulator admin API.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BedrockService } from './bedrock';
import { buildConfig } from './config';
import { AwsError } from './errors';
import { Faults } from './faults';
import { listen } from './http';
import type { EmuRequest, Limits, Reply } from './http';
import { IdentityPoolService } from './identityPool';
import { Outbox } from './outbox';
import type { OutboxMessage } from './outbox';
import { COGNITO_IDENTITY_SHAPES, COGNITO_IDP_SHAPES } from './shapes';
import { StateStore } from './state';
import { loadStack } from './template';
import { TokenSigner, newSigningKey } from './tokens';
import { LambdaRunner } from './triggers';
import { UserPoolService } from './userPool';
import { validate } from './validate';

export interface EmulatorOptions {
  /** 0 (the default here) picks a free port; the CLI defaults to 4566. */
  port?: number;
  /** Defaults to infra/template.yaml of this repository. */
  templatePath?: string;
  params?: Record<string, string>;
  /** Directory that keeps users, tokens and keys across restarts; in memory when absent. */
  stateDir?: string | null;
  /** Stream tokens per second; 0 (the default here) is unthrottled. */
  streamRate?: number;
  /** Lifetime of identity pool credentials; AWS's is one hour. */
  credentialsLifetimeSeconds?: number;
  region?: string;
  /** Seeds the resource ids; two emulators with different stack names have different pools. */
  stackName?: string;
  /** Human-readable lines (outbox codes, requests when verbose). Silent when absent. */
  log?: (line: string) => void;
  verbose?: boolean;
}

export interface EmulatorInfo {
  region: string;
  userPoolId: string;
  clientId: string;
  clientSecret: string | null;
  identityPoolId: string;
  endpoints: { cognitoIdp: string; cognitoIdentity: string; bedrockRuntime: string; bedrock: string };
  outbox: string;
}

export interface RunningEmulator extends EmulatorInfo {
  port: number;
  stop(): Promise<void>;
  counters(): Record<string, number>;
  resetCounters(): void;
  /** Same as POST /_emulator/faults with this body. */
  fault(spec: Record<string, unknown>): Record<string, unknown>;
  clearFaults(): void;
  outboxMessages(to?: string): OutboxMessage[];
  /** What clients need (the start-up JSON line, GET /_emulator/info), as plain data. */
  info(): EmulatorInfo;
}

export const DEFAULT_TEMPLATE = resolve(__dirname, '..', '..', 'infra', 'template.yaml');

/**
 * Bedrock's documented InvokeModel body limit is 25,000,000 bytes; Converse takes documents
 * and images of a few MB, so the runtime gets the same. Cognito documents no body limit, but
 * its largest fields are a few KB, so 1 MiB is far beyond any valid call.
 */
export const BODY_LIMITS: Limits = {
  maxBodyBytes: (_method, path) => (path.startsWith('/model/') ? 25_000_000 : 1_048_576),
};

/** The admin API's one way to read a body: a JSON object (or, where allowed, a list). */
function jsonBody(req: EmuRequest, listAllowed = false): unknown {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsError('ValidationException', 'The body must be JSON');
  }
  if (typeof body !== 'object' || body === null || (Array.isArray(body) && !listAllowed)) throw new AwsError('ValidationException', 'The body must be a JSON object');
  return body;
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

const CLIENT_SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? ((): void => undefined);
  const templatePath = options.templatePath ?? DEFAULT_TEMPLATE;
  if (!existsSync(templatePath)) throw new Error(`Template not found: ${templatePath}`);
  const state = StateStore.open(options.stateDir ?? null, () => ({
    version: 1,
    signingKey: newSigningKey(),
    clientSecrets: {},
    users: {},
    refreshTokens: {},
  }));
  const secretFor = (logicalId: string): string => {
    state.data.clientSecrets[logicalId] ??= [...randomBytes(51)].map((b) => CLIENT_SECRET_ALPHABET[b % CLIENT_SECRET_ALPHABET.length]).join('');
    state.changed();
    return state.data.clientSecrets[logicalId] as string;
  };
  const stack = loadStack({ templatePath, params: options.params ?? {}, region: options.region ?? 'us-east-1', ...(options.stackName ? { stackName: options.stackName } : {}), clientSecret: secretFor });
  const config = buildConfig(stack, secretFor);
  const outbox = new Outbox(log);
  const signer = new TokenSigner(state.data.signingKey);
  const preSignUp = config.userPool.triggers.PreSignUp ? new LambdaRunner(config.userPool.triggers.PreSignUp, config.region, log) : undefined;

  // Faults need the services and the services need the clock: bind late.
  let identityPool: IdentityPoolService | null = null;
  let userPool: UserPoolService | null = null;
  const faults = new Faults({
    expireCredentials: () => identityPool?.expireAll() ?? 0,
    revokeRefreshTokens: () => userPool?.revokeEveryRefreshToken() ?? 0,
  });
  const now = (): number => faults.now();
  const up = new UserPoolService({
    config: config.userPool,
    clients: config.clients,
    region: config.region,
    state,
    signer,
    outbox,
    triggers: preSignUp ? { PreSignUp: preSignUp } : {},
    now,
  });
  userPool = up;
  const ip = new IdentityPoolService({
    config: config.identityPool,
    region: config.region,
    userPoolId: config.userPool.id,
    jwks: () => signer.jwks(),
    tokenProblem: (claims) => up.tokenProblem(claims),
    now,
    credentialsLifetimeSeconds: options.credentialsLifetimeSeconds ?? 3600,
  });
  identityPool = ip;
  const bedrock = new BedrockService({
    region: config.region,
    accountId: config.accountId,
    faults,
    credentials: ip.credentials,
    streamRate: options.streamRate ?? 0,
  });

  let info: EmulatorInfo | null = null;
  const handler = async (req: EmuRequest, reply: Reply): Promise<void> => {
    const target = req.headers['x-amz-target'] ?? '';
    if (req.path.startsWith('/_emulator/')) return admin(req, reply);
    if (req.method === 'GET' && req.path === `/${config.userPool.id}/.well-known/jwks.json`) {
      return reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(signer.jwks()));
    }
    const [prefix, operation = ''] = target.split('.');
    if (req.method === 'POST' && (prefix === 'AWSCognitoIdentityProviderService' || prefix === 'AWSCognitoIdentityService')) {
      return awsJson(req, reply, operation, prefix === 'AWSCognitoIdentityService');
    }
    const bedrockOp = BedrockService.operationOf(req);
    if (bedrockOp) {
      if (options.verbose) log(`bedrock ${bedrockOp} ${req.path}${req.http2 ? ' (h2)' : ''}`);
      faults.count(bedrockOp);
      try {
        await faults.delay(bedrockOp);
        await bedrock.handle(bedrockOp, req, reply);
      } catch (err) {
        if (!(err instanceof AwsError)) throw err;
        reply.send(err.status, { 'content-type': 'application/json', 'x-amzn-errortype': err.code }, JSON.stringify({ message: err.message }));
      }
      return;
    }
    reply.send(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' },
      JSON.stringify({ __type: 'UnknownOperationException', message: `No emulated operation at ${req.method} ${req.path}` }));
  };

  const awsJson = async (req: EmuRequest, reply: Reply, operation: string, identity: boolean): Promise<void> => {
    const headers = { 'content-type': 'application/x-amz-json-1.1' };
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body.toString('utf8') || '{}');
      } catch {
        throw new AwsError('SerializationException', 'Malformed JSON request body');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
      }
      let input = parsed as Record<string, unknown>;
      if (options.verbose) log(`${identity ? 'cognito-identity' : 'cognito-idp'} ${operation}`);
      faults.count(operation);
      if (operation === 'InitiateAuth' && typeof input.AuthFlow === 'string' && input.AuthFlow.length <= 64) faults.count(`InitiateAuth:${input.AuthFlow}`);
      await faults.delay(operation);
      faults.checkError(operation);
      // Admin calls are IAM-signed in AWS; locally any signed caller is the administrator.
      if (operation.startsWith('Admin') && !req.headers.authorization) {
        throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      const shape = (identity ? COGNITO_IDENTITY_SHAPES : COGNITO_IDP_SHAPES)[operation];
      if (shape) input = validate(input, shape, 'InvalidParameterException');
      const output = identity ? await ip.handle(operation, input) : await up.handle(operation, input);
      reply.send(200, headers, JSON.stringify(output));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      reply.send(err.status, { ...headers, 'x-amzn-errortype': err.code }, JSON.stringify({ __type: err.code, message: err.message }));
    }
  };

  const admin = async (req: EmuRequest, reply: Reply): Promise<void> => {
    const json = (status: number, body: unknown): void => reply.send(status, { 'content-type': 'application/json' }, JSON.stringify(body, null, 1));
    const route = `${req.method} ${req.path}`;
    // A web page must not reach these (DNS rebinding, a cross-origin text/plain POST): only a
    // loopback Host, and no Origin, which browsers send and Node's fetch does not.
    if (!isLoopbackHost(req.headers.host ?? req.headers[':authority'] ?? '') || req.headers.origin !== undefined) {
      return json(403, { error: 'Forbidden', message: 'The emulator admin API answers only local tools: a loopback Host (127.0.0.1, localhost, [::1]) and no Origin header.' });
    }
    try {
      switch (route) {
        case 'GET /_emulator/outbox':
          return json(200, outbox.list(req.query.get('to')));
        case 'GET /_emulator/counters':
          return json(200, Object.fromEntries(faults.counters));
        case 'DELETE /_emulator/counters':
          faults.counters.clear();
          return json(200, {});
        case 'GET /_emulator/faults':
          return json(200, faults.list());
        case 'DELETE /_emulator/faults':
          faults.clear();
          return json(200, {});
        case 'POST /_emulator/faults': {
          const body = jsonBody(req, true);
          const specs = Array.isArray(body) ? body : [body];
          if (specs.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) throw new AwsError('ValidationException', 'Each fault is a JSON object');
          return json(200, { applied: specs.map((s) => faults.apply(s as Record<string, unknown>)) });
        }
        case 'PUT /_emulator/stream-rate': {
          // Tests slow streams down at run time, e.g. to stop one mid-way.
          const body = jsonBody(req) as { tokensPerSecond?: unknown };
          const rate = Number(body.tokensPerSecond);
          if (!Number.isFinite(rate) || rate < 0) throw new AwsError('ValidationException', 'tokensPerSecond must be a number >= 0');
          bedrock.setStreamRate(rate);
          return json(200, { tokensPerSecond: rate });
        }
        case 'PUT /_emulator/story': {
          // Tests tell a given story (a hostile one) or one of a given length (benchmarks).
          const body = jsonBody(req) as { text?: unknown; tokens?: unknown };
          const keys = Object.keys(body ?? {});
          if (typeof body !== 'object' || body === null || keys.length === 0 || keys.some((k) => k !== 'text' && k !== 'tokens')) {
            throw new AwsError('ValidationException', 'The body is {"text"?: string, "tokens"?: integer >= 1}, with at least one of them');
          }
          if (body.text !== undefined && typeof body.text !== 'string') throw new AwsError('ValidationException', 'text must be a string');
          if (body.tokens !== undefined && !(Number.isInteger(body.tokens) && (body.tokens as number) >= 1)) throw new AwsError('ValidationException', 'tokens must be an integer >= 1');
          const override = { ...(body.text !== undefined ? { text: body.text as string } : {}), ...(body.tokens !== undefined ? { tokens: body.tokens as number } : {}) };
          bedrock.setStoryOverride(override);
          return json(200, override);
        }
        case 'DELETE /_emulator/story':
          bedrock.setStoryOverride(null);
          return json(200, {});
        case 'GET /_emulator/streams/last':
          return json(200, bedrock.lastStream() ?? {});
        case 'GET /_emulator/info':
          return json(200, info);
        case 'GET /_emulator/clients':
          return json(200, config.clients.map((c) => ({ clientId: c.id, name: c.name, hasSecret: c.secret !== null, explicitAuthFlows: c.explicitAuthFlows })));
        default:
          return json(404, { message: `No admin route ${route}` });
      }
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      return json(err.status, { error: err.code, message: err.message });
    }
  };

  const server = await listen(options.port ?? 0, handler, () => new Date(faults.now()).toUTCString(), BODY_LIMITS);
  const base = `http://127.0.0.1:${server.port}`;
  const primary = config.clients.find((c) => c.id === config.primaryClientId);
  info = {
    region: config.region,
    userPoolId: config.userPool.id,
    clientId: config.primaryClientId,
    clientSecret: primary?.secret ?? null,
    identityPoolId: config.identityPool.id,
    endpoints: { cognitoIdp: base, cognitoIdentity: base, bedrockRuntime: base, bedrock: base },
    outbox: `${base}/_emulator/outbox`,
  };
  state.flush();
  return {
    ...info,
    port: server.port,
    async stop() {
      await server.close();
      await preSignUp?.stop();
      state.flush();
    },
    counters: () => Object.fromEntries(faults.counters),
    resetCounters: () => faults.counters.clear(),
    fault: (spec) => faults.apply(spec),
    clearFaults: () => faults.clear(),
    outboxMessages: (to) => outbox.list(to ?? null),
    info: () => structuredClone(info!),
  };
}

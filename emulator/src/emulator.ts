// Wires the emulated services together from the template and serves them on one port:
// Cognito user pool and identity pool by X-Amz-Target, Bedrock by path (HTTP/1.1 or h2c),
// plus the JWKS, the outbox and the /_emulator admin API. Operations live one per file under
// cognito-idp/, cognito-identity/, bedrock-runtime/ and bedrock/; router.ts dispatches them.
import { randomBytes } from 'node:crypto';
import type { IssuedCredentials } from './cognito-identity/identityPool';
import { DynamoDb } from './dynamodb/dynamoDb';
import { FUNCTION_URL_PREFIX } from './lambda/invokeFunctionUrl';
import type { LambdaDeps } from './lambda/invokeFunctionUrl';
import { LAMBDA_URL_OPERATIONS } from './lambda/operations';
import { StreamingFunction } from './lambda/streamingRunner';
import { TemplateError } from './template';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminApi } from './admin';
import { BEDROCK_OPERATIONS } from './bedrock/operations';
import type { BedrockDeps } from './bedrock-runtime/invocation';
import { BEDROCK_RUNTIME_OPERATIONS } from './bedrock-runtime/operations';
import { Stories } from './bedrock-runtime/stories';
import { IdentityPool } from './cognito-identity/identityPool';
import { COGNITO_IDENTITY_OPERATIONS, COGNITO_IDENTITY_TARGET_PREFIX } from './cognito-identity/operations';
import { COGNITO_IDP_OPERATIONS, COGNITO_IDP_TARGET_PREFIX } from './cognito-idp/operations';
import { UserPool } from './cognito-idp/userPool';
import { buildConfig } from './config';
import { Faults } from './faults';
import { listen } from './http';
import type { Limits } from './http';
import { Outbox } from './outbox';
import type { OutboxMessage } from './outbox';
import { router } from './router';
import type { JsonService } from './router';
import { StateStore } from './state';
import { loadStack } from './template';
import { TokenSigner, newSigningKey } from './tokens';
import { LambdaRunner } from './triggers';
import { discoveryDocument } from './managed-login/discovery';
import { ManagedLogin, managedLoginConfig } from './managed-login/managedLogin';
import { managedLoginPages } from './managed-login/routes';

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
  /** The story gateway's function URL (budget mode: DailyTokensPerUser > 0), or null. */
  storyGatewayUrl: string | null;
  /** Managed login's origin (the hosted domain) when the template gives the pool a domain, or null. */
  hostedUiDomain: string | null;
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
  /** Users the pool holds (kept across restarts with a state directory). */
  userCount(): number;
  /** The stack's parameter values: the template's defaults with the given params over them. */
  readonly parameters: Readonly<Record<string, string | string[]>>;
}

export const DEFAULT_TEMPLATE = resolve(__dirname, '..', '..', 'infra', 'template.yaml');

/**
 * Bedrock's documented InvokeModel body limit is 25,000,000 bytes; Converse takes documents
 * and images of a few MB, so the runtime gets the same. Cognito documents no body limit, but
 * its largest fields are a few KB, so 1 MiB is far beyond any valid call.
 */
export const BODY_LIMITS: Limits = {
  // A function URL takes Lambda's synchronous payload limit, 6 MB.
  maxBodyBytes: (_method, path) =>
    path.startsWith('/model/') ? 25_000_000 : path.startsWith(FUNCTION_URL_PREFIX) ? 6_291_456 : 1_048_576,
};

const CLIENT_SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function openState(stateDir: string | null): StateStore {
  return StateStore.open(stateDir, () => ({
    version: 1,
    signingKey: newSigningKey(),
    clientSecrets: {},
    users: {},
    refreshTokens: {},
  }));
}

/** A client secret per app client, kept in the state so it survives restarts with --state. */
function clientSecrets(state: StateStore): (logicalId: string) => string {
  return (logicalId) => {
    state.data.clientSecrets[logicalId] ??= [...randomBytes(51)]
      .map((b) => CLIENT_SECRET_ALPHABET[b % CLIENT_SECRET_ALPHABET.length])
      .join('');
    state.changed();
    return state.data.clientSecrets[logicalId] as string;
  };
}

const service = <Deps>(s: JsonService<Deps>): JsonService<never> => s as unknown as JsonService<never>;

/** Credentials for a function's execution role, as Lambda puts them in its environment. */
function roleCredentials(role: IssuedCredentials['role']): IssuedCredentials {
  const chars = (n: number, alphabet: string): string =>
    [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
  return {
    accessKeyId: `ASIA${chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    secretKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(96).toString('base64'),
    // Lambda renews them for the environment's life; here they simply never expire.
    expires: Number.MAX_SAFE_INTEGER,
    identityId: '',
    role,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? ((): void => undefined);
  const templatePath = options.templatePath ?? DEFAULT_TEMPLATE;
  if (!existsSync(templatePath)) throw new Error(`Template not found: ${templatePath}`);
  const state = openState(options.stateDir ?? null);
  const secretFor = clientSecrets(state);
  const stack = loadStack({
    templatePath,
    params: options.params ?? {},
    region: options.region ?? 'us-east-1',
    ...(options.stackName ? { stackName: options.stackName } : {}),
    clientSecret: secretFor,
  });
  const config = buildConfig(stack, secretFor);
  const outbox = new Outbox(log);
  const signer = new TokenSigner(state.data.signingKey);
  const preSignUp = config.userPool.triggers.PreSignUp
    ? new LambdaRunner(config.userPool.triggers.PreSignUp, config.region, log)
    : undefined;

  // Faults act on the pools and the pools read the faults' clock: bind late.
  const pools: { user?: UserPool; identity?: IdentityPool } = {};
  const faults = new Faults({
    expireCredentials: () => pools.identity?.expireAll() ?? 0,
    revokeRefreshTokens: () => pools.user?.revokeEveryRefreshToken() ?? 0,
  });
  const now = (): number => faults.now();
  const userPool = (pools.user = new UserPool({
    config: config.userPool,
    clients: config.clients,
    region: config.region,
    state,
    signer,
    outbox,
    now,
    triggers: preSignUp ? { PreSignUp: preSignUp } : {},
  }));
  const mlConfig = managedLoginConfig(stack, config.clients);
  const managedLogin = mlConfig ? new ManagedLogin(userPool, mlConfig) : undefined;
  const identityPool = (pools.identity = new IdentityPool({
    config: config.identityPool,
    region: config.region,
    jwks: () => signer.jwks(),
    tokenProblem: (claims) => userPool.tokenProblem(claims),
    now,
    credentialsLifetimeSeconds: options.credentialsLifetimeSeconds ?? 3600,
  }));
  const stories = new Stories(faults, options.streamRate ?? 0);
  const bedrock: BedrockDeps = { region: config.region, accountId: config.accountId, faults, stories };

  // Budget mode: the story gateway's function URL, its role's credentials, and DynamoDB.
  const dynamo = config.tables.length > 0 ? await DynamoDb.start(config.tables) : undefined;
  const functionCredentials = new Map<string, IssuedCredentials>();
  let base = '';
  const lambda: LambdaDeps = {
    region: config.region,
    accountId: config.accountId,
    identityPoolId: config.identityPool.id,
    providerName: `cognito-idp.${config.region}.amazonaws.com/${config.userPool.id}`,
    urls: new Map(),
    faults,
  };
  for (const url of config.functionUrls) {
    if (url.authType !== 'AWS_IAM' || url.invokeMode !== 'RESPONSE_STREAM')
      throw new TemplateError(`${url.logicalId}: only AuthType AWS_IAM with InvokeMode RESPONSE_STREAM is emulated`);
    const creds = url.fn.role ? roleCredentials(url.fn.role) : undefined;
    if (creds) functionCredentials.set(creds.accessKeyId, creds);
    const fn = new StreamingFunction(
      url.fn,
      () => ({
        ...url.fn.environment,
        AWS_REGION: config.region,
        AWS_DEFAULT_REGION: config.region,
        AWS_LAMBDA_FUNCTION_NAME: url.fn.name,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(url.fn.timeoutSeconds),
        TZ: 'UTC',
        ...(creds
          ? {
              AWS_ACCESS_KEY_ID: creds.accessKeyId,
              AWS_SECRET_ACCESS_KEY: creds.secretKey,
              AWS_SESSION_TOKEN: creds.sessionToken,
            }
          : {}),
        // The SDK's service-specific endpoint variables: the function's clients reach the emulator.
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: base,
        AWS_ENDPOINT_URL_DYNAMODB: base,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY: base,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: base,
      }),
      log,
    );
    lambda.urls.set(url.urlId, { config: url, fn });
  }

  let info: EmulatorInfo | null = null;
  const handler = router({
    region: config.region,
    faults,
    accessTokens: userPool,
    jsonServices: [
      service({
        targetPrefix: COGNITO_IDP_TARGET_PREFIX,
        signingName: 'cognito-idp',
        operations: COGNITO_IDP_OPERATIONS,
        deps: userPool,
      }),
      service({
        targetPrefix: COGNITO_IDENTITY_TARGET_PREFIX,
        signingName: 'cognito-identity',
        operations: COGNITO_IDENTITY_OPERATIONS,
        deps: identityPool,
      }),
    ],
    rest: [
      { operations: [...BEDROCK_RUNTIME_OPERATIONS, ...BEDROCK_OPERATIONS], deps: bedrock },
      { operations: LAMBDA_URL_OPERATIONS, deps: lambda },
    ],
    ...(dynamo ? { proxies: [dynamo] } : {}),
    issuedKey: (id) => identityPool.credentials.get(id) ?? functionCredentials.get(id),
    documents: new Map<string, () => unknown>([
      [`/${config.userPool.id}/.well-known/jwks.json`, () => signer.jwks()],
      ...(managedLogin
        ? [
            [
              `/${config.userPool.id}/.well-known/openid-configuration`,
              () => discoveryDocument(managedLogin, userPool.issuer, config.userPool.id),
            ] as const,
          ]
        : []),
    ]),
    ...(managedLogin ? { pages: managedLoginPages(managedLogin) } : {}),
    admin: adminApi({ outbox, faults, stories, clients: config.clients, info: () => info }),
    ...(options.verbose ? { log } : {}),
  });

  const server = await listen(options.port ?? 0, handler, () => new Date(faults.now()).toUTCString(), BODY_LIMITS);
  base = `http://127.0.0.1:${server.port}`;
  if (managedLogin) managedLogin.base = base;
  const gateway = config.functionUrls.find((u) => u.logicalId === 'StoryGatewayUrl') ?? config.functionUrls[0] ?? null;
  const primary = config.clients.find((c) => c.id === config.primaryClientId);
  info = {
    region: config.region,
    userPoolId: config.userPool.id,
    clientId: config.primaryClientId,
    clientSecret: primary?.secret ?? null,
    identityPoolId: config.identityPool.id,
    endpoints: { cognitoIdp: base, cognitoIdentity: base, bedrockRuntime: base, bedrock: base },
    outbox: `${base}/_emulator/outbox`,
    storyGatewayUrl: gateway ? `${base}${FUNCTION_URL_PREFIX}${gateway.urlId}/` : null,
    hostedUiDomain: managedLogin ? base : null,
  };
  state.flush();
  return {
    ...info,
    port: server.port,
    async stop() {
      await server.close();
      await preSignUp?.stop();
      for (const { fn } of lambda.urls.values()) await fn.stop();
      await dynamo?.stop();
      state.flush();
    },
    counters: () => Object.fromEntries(faults.counters),
    resetCounters: () => faults.counters.clear(),
    fault: (spec) => faults.apply(spec),
    clearFaults: () => faults.clear(),
    outboxMessages: (to) => outbox.list(to ?? null),
    info: () => structuredClone(info!),
    parameters: Object.freeze({ ...stack.parameters }),
    userCount: () => Object.keys(state.data.users).length,
  };
}

// Wires the emulated services together from the template and serves them on one port:
// Cognito user pool and identity pool by X-Amz-Target, Bedrock by path (HTTP/1.1 or h2c),
// plus the JWKS, the outbox and the /_emulator admin API. Operations live one per file under
// cognito-idp/, cognito-identity/, bedrock-runtime/ and bedrock/; router.ts dispatches them.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminApi } from './admin';
import type { QueryService } from './awsQuery';
import { BEDROCK_OPERATIONS } from './bedrock/operations';
import type { BedrockDeps } from './bedrock-runtime/invocation';
import { BEDROCK_RUNTIME_OPERATIONS } from './bedrock-runtime/operations';
import { Stories } from './bedrock-runtime/stories';
import { PromptCache } from './bedrock-runtime/promptCache';
import { IdentityPool } from './cognito-identity/identityPool';
import { CLOUDFORMATION_OPERATIONS } from './cloudformation/operations';
import { CLOUDFORMATION_XMLNS, describedStack, describeStacksJson, outputValues } from './cloudformation/stacks';
import type { CloudFormationDeps } from './cloudformation/stacks';
import { COGNITO_IDENTITY_OPERATIONS, COGNITO_IDENTITY_TARGET_PREFIX } from './cognito-identity/operations';
import { COGNITO_IDP_OPERATIONS, COGNITO_IDP_TARGET_PREFIX } from './cognito-idp/operations';
import { UserPool } from './cognito-idp/userPool';
import { buildConfig } from './config';
import type { EmulatorConfig } from './config';
import { DynamoDb } from './dynamodb/dynamoDb';
import { Faults } from './faults';
import { listen } from './http';
import type { Handler, Limits, RunningServer } from './http';
import { functionUrls } from './lambda/functionUrls';
import type { FunctionUrls } from './lambda/functionUrls';
import { FUNCTION_URL_PREFIX } from './lambda/invokeFunctionUrl';
import { LAMBDA_URL_OPERATIONS } from './lambda/operations';
import { discoveryDocument } from './managed-login/discovery';
import { ManagedLogin } from './managed-login/managedLogin';
import { managedLoginConfig } from './managed-login/managedLoginConfig';
import { managedLoginPages } from './managed-login/routes';
import { Outbox } from './outbox';
import type { OutboxMessage } from './outbox';
import { router } from './router';
import type { JsonService } from './router';
import { StateStore } from './state';
import { loadStack } from './template';
import type { Stack } from './template';
import { TokenSigner, newSigningKey } from './tokens';
import { LambdaRunner } from './triggers';

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
  /** The stack's outputs as `describe-stacks` gives them (Configure from Stack Outputs reads these). */
  readonly outputs: Readonly<Record<string, string>>;
  /** The stack's name: DescribeStacks answers for it (EmulatorOptions.stackName). */
  readonly stackName: string;
  /** `describe-stacks` JSON of the outputs with this emulator's addresses, as DescribeStacks serves them. */
  stackOutputsJson(): string;
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

/** The template, evaluated with the options' parameters, and the state kept across restarts. */
function openStack(options: EmulatorOptions): { state: StateStore; stack: Stack; config: EmulatorConfig } {
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
  return { state, stack, config: buildConfig(stack, secretFor) };
}

/** Everything the routes serve, made from the stack. */
interface Services {
  config: EmulatorConfig;
  state: StateStore;
  faults: Faults;
  outbox: Outbox;
  signer: TokenSigner;
  preSignUp: LambdaRunner | undefined;
  userPool: UserPool;
  identityPool: IdentityPool;
  managedLogin: ManagedLogin | undefined;
  stories: Stories;
  dynamo: DynamoDb | undefined;
  functions: FunctionUrls;
  cloudFormation: CloudFormationDeps;
}

/** The user pool and identity pool, and the faults that act on them. */
function cognitoPools(
  config: EmulatorConfig,
  state: StateStore,
  options: EmulatorOptions,
  log: (line: string) => void,
): Pick<Services, 'faults' | 'outbox' | 'signer' | 'preSignUp' | 'userPool' | 'identityPool'> {
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
  const identityPool = (pools.identity = new IdentityPool({
    config: config.identityPool,
    region: config.region,
    jwks: () => signer.jwks(),
    tokenProblem: (claims) => userPool.tokenProblem(claims),
    now,
    credentialsLifetimeSeconds: options.credentialsLifetimeSeconds ?? 3600,
  }));
  return { faults, outbox, signer, preSignUp, userPool, identityPool };
}

/** GET documents outside the AWS APIs: the JWKS, and the OpenID configuration with managed login. */
function documents(s: Services): Map<string, () => unknown> {
  const poolId = s.config.userPool.id;
  const { managedLogin, userPool } = s;
  return new Map<string, () => unknown>([
    [`/${poolId}/.well-known/jwks.json`, () => s.signer.jwks()],
    ...(managedLogin
      ? [
          [
            `/${poolId}/.well-known/openid-configuration`,
            () => discoveryDocument(managedLogin, userPool.issuer, poolId),
          ] as const,
        ]
      : []),
  ]);
}

/** `info()` is null until the server listens: the admin API answers null before then. */
function routes(
  s: Services,
  options: EmulatorOptions,
  log: (line: string) => void,
  info: () => EmulatorInfo | null,
): Handler {
  const { config, faults, userPool, identityPool, managedLogin, dynamo } = s;
  const bedrock: BedrockDeps = {
    region: config.region,
    accountId: config.accountId,
    faults,
    stories: s.stories,
    // Prompt caching ages on the emulator's clock, so clock-skew faults expire entries.
    promptCache: new PromptCache(() => faults.now()),
    guardrails: config.guardrails,
  };
  return router({
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
      { operations: LAMBDA_URL_OPERATIONS, deps: s.functions.lambda },
    ],
    ...(dynamo ? { proxies: [dynamo] } : {}),
    queryServices: [cloudFormation(s.cloudFormation)],
    issuedKey: (id) => identityPool.credentials.get(id) ?? s.functions.credentials.get(id),
    documents: documents(s),
    ...(managedLogin ? { pages: managedLoginPages(managedLogin) } : {}),
    admin: adminApi({ outbox: s.outbox, faults, stories: s.stories, clients: config.clients, info }),
    ...(options.verbose ? { log } : {}),
  });
}

const cloudFormation = (deps: CloudFormationDeps): QueryService<unknown> =>
  ({
    xmlns: CLOUDFORMATION_XMLNS,
    signingName: 'cloudformation',
    operations: CLOUDFORMATION_OPERATIONS,
    deps,
  }) as QueryService<unknown>;

/** Every service is at `base`, the one port the emulator listens on. */
export function emulatorInfo(config: EmulatorConfig, base: string, managedLogin: boolean): EmulatorInfo {
  const gateway = config.functionUrls.find((u) => u.logicalId === 'StoryGatewayUrl') ?? config.functionUrls[0] ?? null;
  const primary = config.clients.find((c) => c.id === config.primaryClientId);
  return {
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
}

/** The handle tests and the CLI hold: the info, and the admin API's operations as methods. */
function running(s: Services, info: EmulatorInfo, server: RunningServer, stack: Stack): RunningEmulator {
  const { faults, state } = s;
  return {
    ...info,
    port: server.port,
    async stop() {
      await server.close();
      await s.preSignUp?.stop();
      for (const { fn } of s.functions.lambda.urls.values()) await fn.stop();
      await s.dynamo?.stop();
      state.flush();
    },
    counters: () => Object.fromEntries(faults.counters),
    resetCounters: () => faults.counters.clear(),
    fault: (spec) => faults.apply(spec),
    clearFaults: () => faults.clear(),
    outboxMessages: (to) => s.outbox.list(to ?? null),
    info: () => structuredClone(info),
    parameters: Object.freeze({ ...stack.parameters }),
    outputs: Object.freeze(
      Object.fromEntries(
        Object.entries(stack.outputs).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      ),
    ),
    userCount: () => Object.keys(state.data.users).length,
    stackName: stack.stackName,
    stackOutputsJson: () => describeStacksJson(stack.stackName, outputValues(stack, info)),
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? ((): void => undefined);
  const { state, stack, config } = openStack(options);
  const pools = cognitoPools(config, state, options, log);
  const mlConfig = managedLoginConfig(stack, config.clients);
  const managedLogin = mlConfig ? new ManagedLogin(pools.userPool, mlConfig) : undefined;
  const stories = new Stories(pools.faults, options.streamRate ?? 0);
  // Budget mode: the story gateway's function URL, its role's credentials, and DynamoDB.
  const dynamo = config.tables.length > 0 ? await DynamoDb.start(config.tables) : undefined;
  // The functions' environments name the emulator's endpoint, known once it listens.
  let base = '';
  const functions = functionUrls(config, pools.faults, () => base, log);
  // DescribeStacks lists the outputs with the emulator's addresses, known once it listens.
  let described: ReturnType<CloudFormationDeps['describe']> = null;
  const cloudFormation: CloudFormationDeps = { describe: () => described };
  const services: Services = { config, state, ...pools, managedLogin, stories, dynamo, functions, cloudFormation };

  let info: EmulatorInfo | null = null;
  const handler = routes(services, options, log, () => info);
  const faults = pools.faults;
  const server = await listen(options.port ?? 0, handler, () => new Date(faults.now()).toUTCString(), BODY_LIMITS);
  base = `http://127.0.0.1:${server.port}`;
  if (managedLogin) managedLogin.base = base;
  info = emulatorInfo(config, base, managedLogin !== undefined);
  described = describedStack(stack, new Date(faults.now()), outputValues(stack, info));
  state.flush();
  return running(services, info, server, stack);
}

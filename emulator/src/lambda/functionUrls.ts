// The stack's function URLs (budget mode: the story gateway) as Lambda runs them: each function
// with its environment and its execution role's credentials, which the router must accept.
import { randomBytes } from 'node:crypto';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { EmulatorConfig, FunctionUrlConfig } from '../config';
import type { Faults } from '../faults';
import { TemplateError } from '../template';
import type { LambdaDeps } from './invokeFunctionUrl';
import { StreamingFunction } from './streamingRunner';

export interface FunctionUrls {
  lambda: LambdaDeps;
  /** The execution roles' keys, by access key id. */
  credentials: Map<string, IssuedCredentials>;
}

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

/** The variables Lambda sets, over the template's; `base` is the emulator's own endpoint. */
function functionEnvironment(
  url: FunctionUrlConfig,
  region: string,
  creds: IssuedCredentials | undefined,
  base: string,
): Record<string, string> {
  return {
    ...url.fn.environment,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
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
  };
}

/** `base()` is read when an environment starts, after the server has its port. */
export function functionUrls(
  config: EmulatorConfig,
  faults: Faults,
  base: () => string,
  log: (line: string) => void,
): FunctionUrls {
  const credentials = new Map<string, IssuedCredentials>();
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
    if (creds) credentials.set(creds.accessKeyId, creds);
    const fn = new StreamingFunction(url.fn, () => functionEnvironment(url, config.region, creds, base()), log);
    lambda.urls.set(url.urlId, { config: url, fn });
  }
  return { lambda, credentials };
}

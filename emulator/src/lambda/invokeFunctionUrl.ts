// A function URL (AuthType AWS_IAM, InvokeMode RESPONSE_STREAM) served at
// <endpoint>/lambda-url/<url id>/<path>: SigV4 for service `lambda` with identity-pool
// credentials, `lambda:InvokeFunctionUrl` on the function from the caller's role, then the
// function gets the event Lambda gives a function URL (payload format 2.0, with the IAM caller
// and its Cognito identity in requestContext.authorizer.iam) and streams its answer.
import { randomUUID } from 'node:crypto';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { FunctionUrlConfig } from '../config';
import { AwsError } from '../errors';
import type { Faults } from '../faults';
import type { EmuRequest } from '../http';
import { isAllowed } from '../iam';
import type { RestOperation } from '../operation';
import type { StreamingFunction } from './streamingRunner';

export interface LambdaDeps {
  region: string;
  accountId: string;
  identityPoolId: string;
  /** The user pool's provider name, as identity-pool callers' `amr` lists it. */
  providerName: string;
  urls: Map<string, { config: FunctionUrlConfig; fn: StreamingFunction }>;
  faults: Pick<Faults, 'takeFunctionTimeout' | 'takeNoCallerIdentity' | 'now'>;
}

export const FUNCTION_URL_PREFIX = '/lambda-url/';

// Lambda passes these bodies as text; anything else base64-encoded.
const TEXT_BODY = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

function functionUrlEvent(req: EmuRequest, path: string, urlId: string, caller: IssuedCredentials, deps: LambdaDeps) {
  const withIdentity = caller.identityId && !deps.faults.takeNoCallerIdentity();
  const now = deps.faults.now();
  const domainName = `${urlId}.lambda-url.${deps.region}.on.aws`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (!k.startsWith(':')) headers[k] = v;
  headers.host = domainName;
  const text = TEXT_BODY.test(req.headers['content-type'] ?? '');
  const query: Record<string, string> = {};
  for (const [k, v] of req.query) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const roleId = `AROA${caller.role.name
    .replace(/[^A-Z0-9]/gi, '')
    .toUpperCase()
    .slice(0, 17)}`;
  const iam = {
    accessKey: caller.accessKeyId,
    accountId: deps.accountId,
    callerId: `${roleId}:CognitoIdentityCredentials`,
    cognitoIdentity: withIdentity
      ? {
          amr: ['authenticated', deps.providerName],
          identityId: caller.identityId,
          identityPoolId: deps.identityPoolId,
        }
      : null,
    principalOrgId: null,
    userArn: `arn:aws:sts::${deps.accountId}:assumed-role/${caller.role.name}/CognitoIdentityCredentials`,
    userId: `${roleId}:CognitoIdentityCredentials`,
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: req.rawQuery,
    headers,
    ...(req.rawQuery ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: deps.accountId,
      apiId: urlId,
      authorizer: { iam },
      domainName,
      domainPrefix: urlId,
      http: {
        method: req.method,
        path,
        protocol: req.http2 ? 'HTTP/2.0' : 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(req.body.length > 0
      ? { body: text ? req.body.toString('utf8') : req.body.toString('base64'), isBase64Encoded: !text }
      : { isBase64Encoded: false }),
  };
}

export const invokeFunctionUrl: RestOperation<LambdaDeps, IssuedCredentials> = {
  name: 'InvokeFunctionUrl',
  auth: 'sigv4',
  signingName: 'lambda',
  method: 'ANY',
  path: /^\/lambda-url\/([a-z0-9]{32})(\/.*)?$/,
  async handle(req, reply, deps, caller, [urlId = '', rest]) {
    const url = deps.urls.get(urlId);
    // Lambda answers an unknown URL, and a caller its policy does not allow, the same way.
    const context = { 'lambda:FunctionUrlAuthType': url?.config.authType, 'lambda:InvokedViaFunctionUrl': 'true' };
    if (!url || !isAllowed(caller.role, 'lambda:InvokeFunctionUrl', [url.config.fn.arn], context))
      throw new AwsError('AccessDeniedException', 'Forbidden', 403);
    // The raw path as sent, less the emulator's prefix, is the function's rawPath.
    const rawRest = req.rawPath.slice(FUNCTION_URL_PREFIX.length + urlId.length) || '/';
    const event = functionUrlEvent(req, rest === undefined ? '/' : rawRest, urlId, caller, deps);
    await url.fn.invoke(
      {
        event,
        timeoutMs: deps.faults.takeFunctionTimeout(url.config.fn.logicalId) ?? url.config.fn.timeoutSeconds * 1000,
        clockOffsetMs: deps.faults.now() - Date.now(),
      },
      reply,
    );
  },
};

// Turns the evaluated stack into the typed settings of each emulated service. Only what the
// template says is used; AWS's documented defaults fill the gaps.
import { resolve } from 'node:path';
import type { GuardrailConfig } from './guardrails/config';
import { guardrailConfigs } from './guardrails/config';
import type { Json, JsonObject, Stack, StackResource } from './template';
import { TemplateError, functionUrlId } from './template';

export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export interface FunctionConfig {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the handler module without extension, e.g. /repo/infra/src/preSignUp. */
  modulePath: string;
  exportName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  /** The execution role (`Role`), when the template names one of its own roles. */
  role: RoleConfig | null;
}

/** An `AWS::Lambda::Url`: where the emulator serves it and which function it runs. */
export interface FunctionUrlConfig {
  logicalId: string;
  urlId: string;
  authType: string;
  invokeMode: string;
  fn: FunctionConfig;
}

/** An `AWS::DynamoDB::Table`, created in the emulator's DynamoDB (dynalite) at start-up. */
export interface TableConfig {
  logicalId: string;
  name: string;
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
}

export interface UserPoolConfig {
  id: string;
  arn: string;
  name: string;
  usernameAttributes: string[];
  aliasAttributes: string[];
  autoVerifiedAttributes: string[];
  passwordPolicy: PasswordPolicy;
  mfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  enabledMfas: string[];
  requiredAttributes: string[];
  knownAttributes: string[];
  adminCreateUserOnly: boolean;
  triggers: Partial<
    Record<'PreSignUp' | 'PostConfirmation' | 'PreAuthentication' | 'PostAuthentication', FunctionConfig>
  >;
}

export interface ClientConfig {
  id: string;
  name: string;
  secret: string | null;
  explicitAuthFlows: string[];
  preventUserExistenceErrors: boolean;
  enableTokenRevocation: boolean;
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
  /** The OAuth settings, as DescribeUserPoolClient reports them (empty lists when absent). */
  oauth: {
    enabled: boolean;
    flows: string[];
    scopes: string[];
    callbackUrls: string[];
    logoutUrls: string[];
    providers: string[];
  };
}

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  /** Condition operator → condition key → the values it allows (empty: none). */
  condition: Record<string, Record<string, string[]>>;
}

export interface RoleConfig {
  arn: string;
  name: string;
  statements: PolicyStatement[];
}

export interface IdentityPoolConfig {
  id: string;
  allowUnauthenticated: boolean;
  providers: { providerName: string; clientId: string; serverSideTokenCheck: boolean }[];
  authenticatedRole: RoleConfig | null;
  unauthenticatedRole: RoleConfig | null;
}

export interface EmulatorConfig {
  region: string;
  accountId: string;
  userPool: UserPoolConfig;
  clients: ClientConfig[];
  /** The client the start-up line reports: logical id `UserPoolClient`, else the first. */
  primaryClientId: string;
  identityPool: IdentityPoolConfig;
  functionUrls: FunctionUrlConfig[];
  tables: TableConfig[];
  /** AWS::Bedrock::Guardrail resources (content safety, #27). */
  guardrails: GuardrailConfig[];
}

const STANDARD_ATTRIBUTES = [
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
];

const str = (v: Json | undefined, d = ''): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : d);
const num = (v: Json | undefined, d: number): number => (v === undefined || v === null || v === '' ? d : Number(v));
const bool = (v: Json | undefined, d: boolean): boolean => (v === undefined ? d : v === true || v === 'true');
const strings = (v: Json | undefined): string[] =>
  Array.isArray(v) ? v.map((x) => str(x)) : typeof v === 'string' ? [v] : [];
const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});

function ofType(stack: Stack, type: string): StackResource[] {
  return Object.values(stack.resources).filter((r) => r.type === type);
}

function preferred(list: StackResource[], logicalId: string, what: string): StackResource {
  const found = list.find((r) => r.logicalId === logicalId) ?? list[0];
  if (!found) throw new TemplateError(`The template has no ${what}`);
  return found;
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

function userPoolConfig(stack: Stack): UserPoolConfig {
  const poolRes = preferred(ofType(stack, 'AWS::Cognito::UserPool'), 'UserPool', 'AWS::Cognito::UserPool');
  const p = poolRes.properties;
  const policy = obj(obj(p.Policies).PasswordPolicy);
  const schema = Array.isArray(p.Schema) ? p.Schema.map(obj) : [];
  const lambda = obj(p.LambdaConfig);
  const triggers: UserPoolConfig['triggers'] = {};
  for (const source of ['PreSignUp', 'PostConfirmation', 'PreAuthentication', 'PostAuthentication'] as const) {
    const arn = str(lambda[source]);
    if (arn) triggers[source] = functionByArn(stack, arn);
  }
  const mfa = str(p.MfaConfiguration, 'OFF');
  return {
    id: poolRes.physicalId,
    arn: `arn:aws:cognito-idp:${stack.region}:${stack.accountId}:userpool/${poolRes.physicalId}`,
    name: str(p.UserPoolName, poolRes.logicalId),
    usernameAttributes: strings(p.UsernameAttributes),
    aliasAttributes: strings(p.AliasAttributes),
    autoVerifiedAttributes: strings(p.AutoVerifiedAttributes),
    passwordPolicy: {
      minimumLength: num(policy.MinimumLength, 8),
      requireLowercase: bool(policy.RequireLowercase, true),
      requireUppercase: bool(policy.RequireUppercase, true),
      requireNumbers: bool(policy.RequireNumbers, true),
      requireSymbols: bool(policy.RequireSymbols, true),
      temporaryPasswordValidityDays: num(policy.TemporaryPasswordValidityDays, 7),
    },
    mfaConfiguration: mfa === 'ON' || mfa === 'OPTIONAL' ? mfa : 'OFF',
    enabledMfas: strings(p.EnabledMfas),
    requiredAttributes: schema.filter((a) => bool(a.Required, false)).map((a) => str(a.Name)),
    knownAttributes: [
      ...STANDARD_ATTRIBUTES,
      ...schema
        .map((a) => str(a.Name))
        .filter((n) => !STANDARD_ATTRIBUTES.includes(n))
        .map((n) => `custom:${n}`),
    ],
    adminCreateUserOnly: bool(obj(p.AdminCreateUserConfig).AllowAdminCreateUserOnly, false),
    triggers,
  };
}

function clientConfig(c: StackResource, clientSecret: (logicalId: string) => string): ClientConfig {
  const cp = c.properties;
  const units = obj(cp.TokenValidityUnits);
  const seconds = (value: Json | undefined, unit: Json | undefined, defValue: number, defUnit: string): number =>
    num(value, defValue) * (UNIT_SECONDS[str(unit, defUnit)] ?? 1);
  return {
    id: c.physicalId,
    name: str(cp.ClientName, c.logicalId),
    secret: bool(cp.GenerateSecret, false) ? clientSecret(c.logicalId) : null,
    // AWS's default when the list is absent: SRP, custom and refresh.
    explicitAuthFlows:
      cp.ExplicitAuthFlows === undefined
        ? ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']
        : strings(cp.ExplicitAuthFlows),
    // The API's default when the property is absent is LEGACY.
    preventUserExistenceErrors: str(cp.PreventUserExistenceErrors, 'LEGACY') === 'ENABLED',
    enableTokenRevocation: bool(cp.EnableTokenRevocation, true),
    accessTokenSeconds: seconds(cp.AccessTokenValidity, units.AccessToken, 1, 'hours'),
    idTokenSeconds: seconds(cp.IdTokenValidity, units.IdToken, 1, 'hours'),
    refreshTokenSeconds: seconds(cp.RefreshTokenValidity, units.RefreshToken, 30, 'days'),
    oauth: {
      enabled: bool(cp.AllowedOAuthFlowsUserPoolClient, false),
      flows: strings(cp.AllowedOAuthFlows),
      scopes: strings(cp.AllowedOAuthScopes),
      callbackUrls: strings(cp.CallbackURLs),
      logoutUrls: strings(cp.LogoutURLs),
      providers: strings(cp.SupportedIdentityProviders),
    },
  };
}

function identityPoolConfig(stack: Stack): IdentityPoolConfig {
  const idRes = preferred(ofType(stack, 'AWS::Cognito::IdentityPool'), 'IdentityPool', 'AWS::Cognito::IdentityPool');
  const attachment = ofType(stack, 'AWS::Cognito::IdentityPoolRoleAttachment').find(
    (a) => str(a.properties.IdentityPoolId) === idRes.physicalId,
  );
  const roles = obj(attachment?.properties.Roles);
  return {
    id: idRes.physicalId,
    allowUnauthenticated: bool(idRes.properties.AllowUnauthenticatedIdentities, false),
    providers: (Array.isArray(idRes.properties.CognitoIdentityProviders)
      ? idRes.properties.CognitoIdentityProviders
      : []
    )
      .map(obj)
      .map((pr) => ({
        providerName: str(pr.ProviderName),
        clientId: str(pr.ClientId),
        serverSideTokenCheck: bool(pr.ServerSideTokenCheck, false),
      })),
    authenticatedRole: roles.authenticated ? roleByArn(stack, str(roles.authenticated)) : null,
    unauthenticatedRole: roles.unauthenticated ? roleByArn(stack, str(roles.unauthenticated)) : null,
  };
}

function tableConfig(t: StackResource): TableConfig {
  return {
    logicalId: t.logicalId,
    name: str(t.properties.TableName, t.physicalId),
    attributeDefinitions: (Array.isArray(t.properties.AttributeDefinitions) ? t.properties.AttributeDefinitions : [])
      .map(obj)
      .map((a) => ({
        AttributeName: str(a.AttributeName),
        AttributeType: str(a.AttributeType) as 'S' | 'N' | 'B',
      })),
    keySchema: (Array.isArray(t.properties.KeySchema) ? t.properties.KeySchema : []).map(obj).map((k) => ({
      AttributeName: str(k.AttributeName),
      KeyType: str(k.KeyType) as 'HASH' | 'RANGE',
    })),
  };
}

export function buildConfig(stack: Stack, clientSecret: (logicalId: string) => string): EmulatorConfig {
  const userPool = userPoolConfig(stack);
  const clientResources = ofType(stack, 'AWS::Cognito::UserPoolClient').filter(
    (c) => str(c.properties.UserPoolId) === userPool.id,
  );
  const primary = preferred(clientResources, 'UserPoolClient', 'AWS::Cognito::UserPoolClient for the user pool');
  const clients = clientResources.map((c) => clientConfig(c, clientSecret));
  const identityPool = identityPoolConfig(stack);
  const functionUrls = ofType(stack, 'AWS::Lambda::Url').map((u): FunctionUrlConfig => ({
    logicalId: u.logicalId,
    urlId: functionUrlId(u.physicalId),
    authType: str(u.properties.AuthType),
    invokeMode: str(u.properties.InvokeMode, 'BUFFERED'),
    fn: functionByArn(stack, str(u.properties.TargetFunctionArn)),
  }));
  return {
    region: stack.region,
    accountId: stack.accountId,
    userPool,
    clients,
    primaryClientId: primary.physicalId,
    identityPool,
    functionUrls,
    tables: ofType(stack, 'AWS::DynamoDB::Table').map(tableConfig),
    guardrails: guardrailConfigs(stack, new Date()),
  };
}

function functionByArn(stack: Stack, arn: string): FunctionConfig {
  const name = arn.split(':').pop() ?? '';
  const res = Object.values(stack.resources).find(
    (r) => (r.type === 'AWS::Serverless::Function' || r.type === 'AWS::Lambda::Function') && r.physicalId === name,
  );
  if (!res) throw new TemplateError(`Trigger ${arn} is not a function of this template`);
  if (res.type !== 'AWS::Serverless::Function')
    throw new TemplateError(`Trigger ${res.logicalId}: only AWS::Serverless::Function with CodeUri is supported`);
  // SAM's Globals.Function supplies defaults that the function's own properties override.
  const globals = obj(stack.globals.Function);
  const props = { ...globals, ...res.properties };
  const env = { ...obj(obj(globals.Environment).Variables), ...obj(obj(res.properties.Environment).Variables) };
  const handler = str(props.Handler);
  const dot = handler.lastIndexOf('.');
  if (dot < 0) throw new TemplateError(`Function ${res.logicalId} has no Handler of the form file.export`);
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) environment[k] = str(v);
  return {
    logicalId: res.logicalId,
    name: res.physicalId,
    arn,
    modulePath: resolve(stack.templateDir, str(props.CodeUri, '.'), handler.slice(0, dot)),
    exportName: handler.slice(dot + 1),
    environment,
    timeoutSeconds: num(props.Timeout, 3),
    role: str(props.Role) ? roleByArn(stack, str(props.Role)) : null,
  };
}

function roleByArn(stack: Stack, arn: string): RoleConfig {
  const name = arn.split('/').pop() ?? '';
  const role = ofType(stack, 'AWS::IAM::Role').find((r) => r.physicalId === name);
  if (!role) throw new TemplateError(`Role ${arn} is not a role of this template`);
  const documents: JsonObject[] = [];
  for (const p of Array.isArray(role.properties.Policies) ? role.properties.Policies : [])
    documents.push(obj(obj(p).PolicyDocument));
  // Policies attached from separate resources count too.
  for (const r of Object.values(stack.resources)) {
    if (
      (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') &&
      strings(r.properties.Roles).includes(role.physicalId)
    ) {
      documents.push(obj(r.properties.PolicyDocument));
    }
  }
  const statements: PolicyStatement[] = [];
  for (const doc of documents) {
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement ?? {}];
    for (const s of list.map(obj)) {
      statements.push({
        effect: str(s.Effect) === 'Deny' ? 'Deny' : 'Allow',
        actions: strings(s.Action),
        resources: strings(s.Resource),
        condition: Object.fromEntries(
          Object.entries(obj(s.Condition)).map(([op, keys]) => [
            op,
            Object.fromEntries(Object.entries(obj(keys)).map(([k, v]) => [k, strings(v)])),
          ]),
        ),
      });
    }
  }
  return { arn, name: role.physicalId, statements };
}

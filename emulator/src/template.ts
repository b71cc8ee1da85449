// Loads a CloudFormation/SAM template and evaluates it the way CloudFormation would for one
// stack: parameters (with overrides), conditions, intrinsic functions and resource ids. The
// emulator reads its whole configuration from the result, so local behaviour follows the file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { yamlParse } from 'yaml-cfn';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface StackResource {
  logicalId: string;
  type: string;
  physicalId: string;
  properties: JsonObject;
}

export interface Stack {
  templatePath: string;
  templateDir: string;
  region: string;
  accountId: string;
  stackName: string;
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  resources: Record<string, StackResource>;
  outputs: Record<string, Json>;
  /** Each output's Description, for DescribeStacks. */
  outputDescriptions?: Record<string, string>;
  /** The `Globals` section (SAM), unevaluated parts are evaluated on use. */
  globals: JsonObject;
}

export interface LoadOptions {
  templatePath: string;
  params?: Record<string, string>;
  region?: string;
  accountId?: string;
  stackName?: string;
  /** Value of `Fn::GetAtt <client>.ClientSecret`, when a client generates one. */
  clientSecret?: (logicalId: string) => string | null;
}

export class TemplateError extends Error {}

// AWS::NoValue removes the property that holds it, so it needs a value no template can produce.
const NO_VALUE = Symbol('AWS::NoValue');
type Value = Json | typeof NO_VALUE | undefined;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stable pseudo-random characters, so ids survive restarts without any state. */
export function stableChars(seed: string, alphabet: string, length: number): string {
  let out = '';
  let counter = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${seed}#${counter++}`).digest();
    for (const byte of digest) {
      if (out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The version number CreateGuardrailVersion gives a guardrail's first version. */
export const GUARDRAIL_VERSION = '1';

/** `AWS::StackId`: the same for the same stack name, region and account. */
export const stackIdOf = (stack: Pick<Stack, 'region' | 'accountId' | 'stackName'>): string =>
  `arn:aws:cloudformation:${stack.region}:${stack.accountId}:stack/${stack.stackName}/${stableUuid(stack.stackName)}`;

function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function physicalIdFor(
  type: string,
  logicalId: string,
  props: JsonObject,
  stack: Pick<Stack, 'region' | 'stackName'>,
): string {
  const seed = `${stack.stackName}/${logicalId}`;
  switch (type) {
    case 'AWS::Cognito::UserPool':
      return `${stack.region}_${stableChars(seed, MIXED_ALNUM, 9)}`;
    case 'AWS::Cognito::UserPoolClient':
      return stableChars(seed, LOWER_ALNUM, 26);
    case 'AWS::Cognito::IdentityPool':
      return `${stack.region}:${stableUuid(seed)}`;
    // Ref gives the provider's name (LoginWithAmazon, Google, ...).
    case 'AWS::Cognito::UserPoolIdentityProvider':
      return typeof props.ProviderName === 'string' ? props.ProviderName : logicalId;
    case 'AWS::Cognito::UserPoolDomain':
      return typeof props.Domain === 'string' ? props.Domain : stableChars(seed, LOWER_ALNUM, 12);
    // A guardrail's id: 12 lower-case letters and digits (as `3mzzryddufkp`).
    case 'AWS::Bedrock::Guardrail':
      return stableChars(seed, LOWER_ALNUM, 12);
    case 'AWS::IAM::Role':
      if (typeof props.RoleName === 'string') return props.RoleName;
      return `${stack.stackName}-${logicalId}-${stableChars(seed, UPPER_ALNUM, 12)}`.slice(0, 64);
    default: {
      const nameProp = typeof props.FunctionName === 'string' ? props.FunctionName : undefined;
      return nameProp ?? `${stack.stackName}-${logicalId}-${stableChars(seed, UPPER_ALNUM, 12)}`;
    }
  }
}

/** A function URL's id: 32 lower-case letters and digits, as AWS gives them, stable per resource. */
export function functionUrlId(physicalId: string): string {
  return stableChars(physicalId, LOWER_ALNUM, 32);
}

export function loadStack(options: LoadOptions): Stack {
  const templatePath = resolve(options.templatePath);
  let doc: unknown;
  try {
    doc = yamlParse(readFileSync(templatePath, 'utf8'));
  } catch (err) {
    throw new TemplateError(`Cannot read template ${templatePath}: ${(err as Error).message}`);
  }
  if (!isObject(doc) || !isObject(doc.Resources)) throw new TemplateError(`${templatePath} has no Resources section`);
  return new Evaluator(doc, templatePath, options).evaluate();
}

class Evaluator {
  private readonly stack: Stack;
  private readonly conditionDefs: JsonObject;
  private readonly mappings: JsonObject;

  constructor(
    private readonly doc: JsonObject,
    templatePath: string,
    private readonly options: LoadOptions,
  ) {
    this.stack = {
      templatePath,
      templateDir: dirname(templatePath),
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '123456789012',
      stackName: options.stackName ?? 'bedrock-storyteller-local',
      parameters: {},
      conditions: {},
      resources: {},
      outputs: {},
      globals: isObject(doc.Globals) ? doc.Globals : {},
    };
    this.conditionDefs = isObject(doc.Conditions) ? doc.Conditions : {};
    this.mappings = isObject(doc.Mappings) ? doc.Mappings : {};
  }

  evaluate(): Stack {
    this.evaluateParameters();
    this.checkRules();
    for (const name of Object.keys(this.conditionDefs)) this.condition(name);
    const resources = this.doc.Resources as JsonObject;
    // Ids first: properties refer to each other's ids in any order.
    const declared: [string, JsonObject][] = [];
    for (const [logicalId, def] of Object.entries(resources)) {
      if (!isObject(def) || typeof def.Type !== 'string') throw new TemplateError(`Resource ${logicalId} has no Type`);
      if (typeof def.Condition === 'string' && !this.condition(def.Condition)) continue;
      const rawProps = isObject(def.Properties) ? def.Properties : {};
      this.stack.resources[logicalId] = {
        logicalId,
        type: def.Type,
        physicalId: physicalIdFor(def.Type, logicalId, rawProps, this.stack),
        properties: {},
      };
      declared.push([logicalId, rawProps]);
    }
    for (const [logicalId, rawProps] of declared) {
      const value = this.value(rawProps, `Resources.${logicalId}.Properties`);
      (this.stack.resources[logicalId] as StackResource).properties = isObject(value) ? value : {};
    }
    const outputs = isObject(this.doc.Outputs) ? this.doc.Outputs : {};
    for (const [name, def] of Object.entries(outputs)) {
      if (!isObject(def)) continue;
      if (typeof def.Condition === 'string' && !this.condition(def.Condition)) continue;
      const value = this.value(def.Value ?? null, `Outputs.${name}`);
      if (value !== undefined && value !== NO_VALUE) this.stack.outputs[name] = value;
      if (typeof def.Description === 'string') (this.stack.outputDescriptions ??= {})[name] = def.Description;
    }
    return this.stack;
  }

  private evaluateParameters(): void {
    const declared = isObject(this.doc.Parameters) ? this.doc.Parameters : {};
    const overrides = this.options.params ?? {};
    for (const key of Object.keys(overrides)) {
      if (!(key in declared)) throw new TemplateError(`Unknown template parameter ${key}`);
    }
    for (const [name, def] of Object.entries(declared)) {
      if (!isObject(def)) continue;
      const given = overrides[name] ?? (def.Default === undefined ? undefined : String(def.Default));
      if (given === undefined) throw new TemplateError(`Parameter ${name} has no Default; pass --param ${name}=VALUE`);
      if (Array.isArray(def.AllowedValues) && !def.AllowedValues.map(String).includes(given)) {
        throw new TemplateError(`Parameter ${name}=${given} is not one of ${def.AllowedValues.join(', ')}`);
      }
      if (typeof def.AllowedPattern === 'string' && !new RegExp(`^(?:${def.AllowedPattern})$`).test(given)) {
        throw new TemplateError(`Parameter ${name}=${given} does not match ${def.AllowedPattern}`);
      }
      const type = typeof def.Type === 'string' ? def.Type : 'String';
      if (type === 'Number' && given.trim() !== '' && Number.isNaN(Number(given))) {
        throw new TemplateError(`Parameter ${name}=${given} is not a number`);
      }
      const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
      this.stack.parameters[name] = isList ? (given === '' ? [] : given.split(',').map((s) => s.trim())) : given;
    }
  }

  /** CloudFormation refuses a stack whose Rules fail before it creates anything; so does the emulator. */
  private checkRules(): void {
    const rules = isObject(this.doc.Rules) ? this.doc.Rules : {};
    for (const [name, rule] of Object.entries(rules)) {
      if (!isObject(rule)) continue;
      const where = `Rules.${name}`;
      if (rule.RuleCondition !== undefined && !this.bool(rule.RuleCondition, `${where}.RuleCondition`)) continue;
      for (const assertion of Array.isArray(rule.Assertions) ? rule.Assertions : []) {
        if (!isObject(assertion) || this.bool(assertion.Assert ?? null, `${where}.Assert`)) continue;
        const description =
          typeof assertion.AssertDescription === 'string' ? assertion.AssertDescription.trim() : 'an assertion failed';
        throw new TemplateError(`${where}: ${description}`);
      }
    }
  }

  private condition(name: string): boolean {
    if (name in this.stack.conditions) return this.stack.conditions[name] as boolean;
    const def = this.conditionDefs[name];
    if (def === undefined) throw new TemplateError(`Unknown condition ${name}`);
    const result = this.value(def, `Conditions.${name}`);
    if (typeof result !== 'boolean') throw new TemplateError(`Condition ${name} is not a boolean`);
    this.stack.conditions[name] = result;
    return result;
  }

  private ref(name: string, where: string): Value {
    const pseudo: Record<string, Value> = {
      'AWS::Region': this.stack.region,
      'AWS::AccountId': this.stack.accountId,
      'AWS::StackName': this.stack.stackName,
      'AWS::StackId': stackIdOf(this.stack),
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NotificationARNs': [],
      'AWS::NoValue': NO_VALUE,
    };
    if (name in pseudo) return pseudo[name];
    if (name in this.stack.parameters) return this.stack.parameters[name] as Json;
    const resource = this.stack.resources[name];
    // A guardrail's Ref is its ARN; a guardrail version's is `<guardrail id>|<version>`.
    if (resource?.type === 'AWS::Bedrock::Guardrail') return this.getAtt(name, 'GuardrailArn', where);
    if (resource?.type === 'AWS::Bedrock::GuardrailVersion')
      return `${this.guardrailOfVersion(name, where)}|${GUARDRAIL_VERSION}`;
    if (resource) return resource.physicalId;
    throw new TemplateError(`${where}: Ref to unknown or conditionally absent ${name}`);
  }

  private getAtt(logicalId: string, attr: string, where: string): Json {
    const r = this.stack.resources[logicalId];
    if (!r) throw new TemplateError(`${where}: GetAtt on unknown or conditionally absent resource ${logicalId}`);
    const { region, accountId } = this.stack;
    const id = r.physicalId;
    const byType: Record<string, Record<string, () => Json>> = {
      'AWS::Cognito::UserPool': {
        Arn: () => `arn:aws:cognito-idp:${region}:${accountId}:userpool/${id}`,
        ProviderName: () => `cognito-idp.${region}.amazonaws.com/${id}`,
        ProviderURL: () => `https://cognito-idp.${region}.amazonaws.com/${id}`,
        UserPoolId: () => id,
      },
      'AWS::Cognito::UserPoolClient': {
        ClientId: () => id,
        Name: () => logicalId,
        ClientSecret: () => this.options.clientSecret?.(logicalId) ?? '',
      },
      'AWS::Cognito::IdentityPool': { Name: () => logicalId, Id: () => id },
      'AWS::IAM::Role': {
        Arn: () => `arn:aws:iam::${accountId}:role/${id}`,
        RoleId: () => `AROA${stableChars(id, UPPER_ALNUM, 17)}`,
      },
      'AWS::Serverless::Function': { Arn: () => `arn:aws:lambda:${region}:${accountId}:function:${id}` },
      'AWS::Lambda::Function': { Arn: () => `arn:aws:lambda:${region}:${accountId}:function:${id}` },
      // The AWS address; the emulator serves the URL under /lambda-url/<url id>/ on its own port.
      'AWS::Lambda::Url': {
        FunctionUrl: () => `https://${functionUrlId(id)}.lambda-url.${region}.on.aws/`,
      },
      'AWS::DynamoDB::Table': { Arn: () => `arn:aws:dynamodb:${region}:${accountId}:table/${id}` },
      'AWS::Logs::LogGroup': { Arn: () => `arn:aws:logs:${region}:${accountId}:log-group:${id}:*` },
      'AWS::Bedrock::Guardrail': {
        GuardrailId: () => id,
        GuardrailArn: () => `arn:aws:bedrock:${region}:${accountId}:guardrail/${id}`,
        Version: () => 'DRAFT',
        Status: () => 'READY',
      },
      // Each version resource is the first (and only) version the stack publishes of its guardrail.
      'AWS::Bedrock::GuardrailVersion': {
        GuardrailId: () => this.guardrailOfVersion(logicalId, where),
        GuardrailArn: () =>
          `arn:aws:bedrock:${region}:${accountId}:guardrail/${this.guardrailOfVersion(logicalId, where)}`,
        Version: () => GUARDRAIL_VERSION,
      },
    };
    const getter = byType[r.type]?.[attr];
    if (getter) return getter();
    if (attr === 'Arn') {
      const service = r.type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:aws:${service}:${region}:${accountId}:${logicalId.toLowerCase()}/${id}`;
    }
    throw new TemplateError(`${where}: GetAtt ${logicalId}.${attr} is not supported for ${r.type}`);
  }

  /** The guardrail id a GuardrailVersion names (its GuardrailIdentifier: an id or an ARN). */
  private guardrailOfVersion(logicalId: string, where: string): string {
    const raw = (this.doc.Resources as JsonObject)[logicalId] as JsonObject;
    const props = isObject(raw.Properties) ? raw.Properties : {};
    const identifier = this.scalar(props.GuardrailIdentifier ?? null, `${where} (${logicalId}.GuardrailIdentifier)`);
    return identifier.slice(identifier.lastIndexOf('/') + 1);
  }

  private sub(template: string, vars: JsonObject, where: string): string {
    return template.replace(/\$\{([^}]*)\}/g, (_m, expr: string) => {
      if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
      const name = expr.trim();
      let v: Value;
      if (name in vars) v = vars[name];
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const [res, ...attr] = name.split('.');
        v = this.getAtt(res as string, attr.join('.'), where);
      } else v = this.ref(name, where);
      if (Array.isArray(v)) return v.join(',');
      if (v === undefined || v === NO_VALUE || v === null || typeof v === 'object') {
        throw new TemplateError(`${where}: Fn::Sub variable ${name} is not a scalar`);
      }
      return String(v);
    });
  }

  private value(node: Json, where: string): Value {
    if (Array.isArray(node)) {
      const out: Json[] = [];
      node.forEach((item, i) => {
        const v = this.value(item, `${where}[${i}]`);
        if (v !== NO_VALUE && v !== undefined) out.push(v);
      });
      return out;
    }
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const key = keys[0] as string;
      const arg = node[key] as Json;
      const fn = this.intrinsic(key, arg, where);
      if (fn !== undefined) return fn;
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      const evaluated = this.value(v, `${where}.${k}`);
      if (evaluated !== NO_VALUE && evaluated !== undefined) out[k] = evaluated;
    }
    return out;
  }

  private scalar(node: Json, where: string): string {
    const v = this.value(node, where);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TemplateError(`${where}: expected a scalar`);
  }

  private list(node: Json, where: string): Json[] {
    const v = this.value(node, where);
    if (!Array.isArray(v)) throw new TemplateError(`${where}: expected a list`);
    return v;
  }

  /** Returns undefined when `key` is not an intrinsic, so the object is evaluated as data. */
  private intrinsic(key: string, arg: Json, where: string): Value {
    const at = `${where}.${key}`;
    const args = Array.isArray(arg) ? arg : [];
    switch (key) {
      case 'Ref':
        return this.ref(String(arg), at);
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg) : undefined;
      case 'Fn::GetAtt': {
        const [res, attr] =
          typeof arg === 'string'
            ? splitOnce(arg)
            : [this.scalar(args[0] ?? null, at), this.scalar(args[1] ?? null, at)];
        return this.getAtt(res, attr, at);
      }
      case 'Fn::Sub': {
        if (typeof arg === 'string') return this.sub(arg, {}, at);
        const vars = this.value(args[1] ?? {}, at);
        return this.sub(this.scalar(args[0] ?? '', at), isObject(vars) ? vars : {}, at);
      }
      case 'Fn::Join':
        return this.list(args[1] ?? [], at)
          .map(String)
          .join(this.scalar(args[0] ?? '', at));
      case 'Fn::Split':
        return this.scalar(args[1] ?? '', at).split(this.scalar(args[0] ?? '', at));
      case 'Fn::Select': {
        const index = Number(this.scalar(args[0] ?? 0, at));
        const items = this.list(args[1] ?? [], at);
        if (!(index >= 0 && index < items.length))
          throw new TemplateError(`${at}: index ${index} is out of range (${items.length} items)`);
        return items[index] as Json;
      }
      case 'Fn::If': {
        const chosen = this.condition(String(args[0])) ? args[1] : args[2];
        return this.value(chosen ?? null, at);
      }
      case 'Fn::Equals':
        return this.comparable(args[0] ?? null, at) === this.comparable(args[1] ?? null, at);
      case 'Fn::Not':
        return !this.bool(args[0] ?? null, at);
      case 'Fn::And':
        return args.every((a) => this.bool(a, at));
      case 'Fn::Or':
        return args.some((a) => this.bool(a, at));
      // Rule-only functions (CloudFormation allows them in Rules alone).
      case 'Fn::Contains':
        return this.list(args[0] ?? [], at)
          .map(String)
          .includes(this.scalar(args[1] ?? '', at));
      case 'Fn::EachMemberEquals':
        return this.list(args[0] ?? [], at).every((v) => String(v) === this.scalar(args[1] ?? '', at));
      case 'Fn::EachMemberIn': {
        const allowed = this.list(args[1] ?? [], at).map(String);
        return this.list(args[0] ?? [], at).every((v) => allowed.includes(String(v)));
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = args.map((a) => this.scalar(a, at));
        const found = (this.mappings[map ?? ''] as JsonObject | undefined)?.[top ?? ''] as JsonObject | undefined;
        const v = found?.[second ?? ''];
        if (v === undefined) throw new TemplateError(`${at}: no mapping ${map}.${top}.${second}`);
        return v;
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(arg, at)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((s) => `${this.stack.region}${s}`);
      case 'Fn::Length':
        return this.list(arg, at).length;
      case 'Fn::ToJsonString':
        return JSON.stringify(this.value(arg, at));
      case 'Fn::ImportValue':
      case 'Fn::Transform':
      case 'Fn::Cidr':
        throw new TemplateError(`${at}: ${key} is not supported by the local emulator`);
      default:
        return undefined;
    }
  }

  /** CloudFormation compares scalars as strings (so 'true' equals true) and lists as lists. */
  private comparable(node: Json, where: string): string {
    const v = this.value(node, where);
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }

  private bool(node: Json, where: string): boolean {
    const v = this.value(node, where);
    if (typeof v !== 'boolean') throw new TemplateError(`${where}: expected a condition`);
    return v;
  }
}

function splitOnce(s: string): [string, string] {
  const i = s.indexOf('.');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

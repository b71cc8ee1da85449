// Offline schema check for a CloudFormation/SAM template, against the resource database that
// @aws-cdk/aws-service-spec ships. cfn-lint runs beside it (cfnLint.ts); this one has no Python
// to install and gives the project's own messages (suggestions, resource and property paths).
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, ResourceProperties } from '@aws-cdk/service-spec-types';
import type { Finding } from './finding';
import { isRecord } from './template';
import type { Template } from './template';

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;

let cachedDatabase: SpecDatabase | undefined;

/** The database takes about a second to load, so one copy serves every check in a process. */
export function specDatabase(): SpecDatabase {
  cachedDatabase ??= loadAwsServiceSpecSync();
  return cachedDatabase;
}

const TEMPLATE_SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Globals',
]);

const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'CreationPolicy',
  'UpdatePolicy',
]);

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const PARAMETER_TYPES =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::SSM::Parameter::(Name|Value<.+>)|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+|List<AWS::[A-Za-z0-9:]+>)$/;

/**
 * The spec lists no attributes for SAM types; SAM turns them into these CloudFormation types,
 * and that is what !GetAtt resolves against.
 */
const SAM_GENERATED_TYPES: Readonly<Record<string, string>> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::Api': 'AWS::ApiGateway::RestApi',
  'AWS::Serverless::HttpApi': 'AWS::ApiGatewayV2::Api',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
  'AWS::Serverless::LayerVersion': 'AWS::Lambda::LayerVersion',
  'AWS::Serverless::Application': 'AWS::CloudFormation::Stack',
};

/**
 * Properties SAM passes unchanged to the resource it generates, which the database's (older) SAM
 * specification does not list yet; they are checked against the generated type's specification.
 */
const SAM_PASS_THROUGH: Readonly<Record<string, readonly string[]>> = {
  'AWS::Serverless::Function': ['LoggingConfig', 'RecursiveLoop', 'RuntimeManagementConfig', 'SnapStart'],
};

interface Location {
  readonly resource: string;
  readonly property?: string;
}

/** Checks types, properties, references and parameter use. Returns no findings for a sound template. */
export function checkSchema(template: Template, db: SpecDatabase = specDatabase()): Finding[] {
  return new SchemaCheck(template, db).run();
}

class SchemaCheck {
  private readonly findings: Finding[] = [];
  private readonly parameters: Record<string, unknown>;
  private readonly resources: Record<string, unknown>;
  private readonly conditions: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;
  private readonly outputs: Record<string, unknown>;
  /** Logical id → type, including resources SAM generates that templates may reference. */
  private readonly resourceTypes = new Map<string, string>();
  private readonly usedParameters = new Set<string>();
  private readonly transforms: string[];

  constructor(
    private readonly template: Template,
    private readonly db: SpecDatabase,
  ) {
    this.parameters = this.section('Parameters');
    this.resources = this.section('Resources');
    this.conditions = this.section('Conditions');
    this.mappings = this.section('Mappings');
    this.outputs = this.section('Outputs');
    const transform = template['Transform'];
    this.transforms = (Array.isArray(transform) ? transform : [transform]).filter(
      (t): t is string => typeof t === 'string',
    );
  }

  run(): Finding[] {
    for (const key of Object.keys(this.template)) {
      if (!TEMPLATE_SECTIONS.has(key))
        this.report(
          { resource: 'Template', property: key },
          `unknown template section${suggest(key, TEMPLATE_SECTIONS)}`,
        );
    }
    if (Object.keys(this.resources).length === 0)
      this.report({ resource: 'Template', property: 'Resources' }, 'a template needs at least one resource');

    for (const [id, resource] of Object.entries(this.resources)) {
      const type = isRecord(resource) ? resource['Type'] : undefined;
      if (typeof type === 'string') this.resourceTypes.set(id, type);
      // SAM creates "<Function>Role" when a function names no Role, and templates may reference it.
      if (
        type === 'AWS::Serverless::Function' &&
        isRecord(resource) &&
        !(isRecord(resource['Properties']) && 'Role' in resource['Properties'])
      ) {
        this.resourceTypes.set(`${id}Role`, 'AWS::IAM::Role');
      }
    }

    this.checkParameters();
    for (const [name, condition] of Object.entries(this.conditions)) {
      this.walkIntrinsics(condition, { resource: `Conditions.${name}` }, true, true);
    }
    for (const [id, resource] of Object.entries(this.resources)) this.checkResource(id, resource);
    this.checkOutputs();

    for (const name of Object.keys(this.parameters)) {
      if (!this.usedParameters.has(name)) {
        this.report(
          { resource: `Parameters.${name}` },
          'parameter is declared but never used (no Ref or Sub refers to it)',
        );
      }
    }
    return this.findings;
  }

  private section(name: string): Record<string, unknown> {
    const value = this.template[name];
    if (value === undefined) return {};
    if (isRecord(value)) return value;
    this.report({ resource: 'Template', property: name }, 'section must be a mapping');
    return {};
  }

  private report(where: Location, message: string): void {
    this.findings.push(
      where.property === undefined
        ? { resource: where.resource, message }
        : { resource: where.resource, property: where.property, message },
    );
  }

  private checkParameters(): void {
    for (const [name, parameter] of Object.entries(this.parameters)) {
      const where = { resource: `Parameters.${name}` };
      if (!isRecord(parameter)) {
        this.report(where, 'parameter must be a mapping');
        continue;
      }
      const type = parameter['Type'];
      if (typeof type !== 'string' || !PARAMETER_TYPES.test(type)) {
        this.report({ ...where, property: 'Type' }, `unknown parameter type ${JSON.stringify(type)}`);
        continue;
      }
      const fallback = parameter['Default'];
      if (fallback === undefined || type !== 'String') continue;
      const value = String(fallback);
      const allowed = parameter['AllowedValues'];
      if (Array.isArray(allowed) && !allowed.map(String).includes(value)) {
        this.report({ ...where, property: 'Default' }, `default ${JSON.stringify(value)} is not one of AllowedValues`);
      }
      const pattern = parameter['AllowedPattern'];
      if (typeof pattern === 'string' && !new RegExp(`^(?:${pattern})$`).test(value)) {
        this.report(
          { ...where, property: 'Default' },
          `default ${JSON.stringify(value)} does not match AllowedPattern`,
        );
      }
    }
  }

  private checkResource(id: string, resource: unknown): void {
    if (!isRecord(resource)) {
      this.report({ resource: id }, 'resource must be a mapping');
      return;
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(key))
        this.report({ resource: id, property: key }, `unknown resource attribute${suggest(key, RESOURCE_ATTRIBUTES)}`);
    }
    this.checkDependsOn(id, resource['DependsOn']);
    const condition = resource['Condition'];
    if (condition !== undefined) this.checkConditionName(condition, { resource: id, property: 'Condition' });
    this.walkIntrinsics(resource['Properties'], { resource: id });

    const type = resource['Type'];
    if (typeof type !== 'string') {
      this.report({ resource: id, property: 'Type' }, 'resource has no Type');
      return;
    }
    // Custom resources take whatever properties their provider defines.
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return;
    const spec = this.resourceSpec(type);
    if (spec === undefined) {
      this.report(
        { resource: id, property: 'Type' },
        `unknown resource type ${type}${suggest(
          type,
          this.db.all('resource').map((r) => r.cloudFormationType),
        )}`,
      );
      return;
    }
    if (spec.cloudFormationTransform !== undefined && !this.transforms.includes(spec.cloudFormationTransform)) {
      this.report({ resource: id, property: 'Type' }, `${type} needs "Transform: ${spec.cloudFormationTransform}"`);
    }
    const properties = resource['Properties'] ?? {};
    if (!isRecord(properties)) {
      if (!isIntrinsic(properties))
        this.report({ resource: id, property: 'Properties' }, 'Properties must be a mapping');
      return;
    }
    this.checkProperties(properties, this.propertiesOf(type, spec.properties), id, undefined);
  }

  private propertiesOf(type: string, own: ResourceProperties): ResourceProperties {
    const passed = SAM_PASS_THROUGH[type];
    const generated =
      passed && SAM_GENERATED_TYPES[type] ? this.resourceSpec(SAM_GENERATED_TYPES[type])?.properties : undefined;
    if (!passed || !generated) return own;
    const extra = Object.fromEntries(
      passed
        .filter((name) => generated[name] !== undefined && own[name] === undefined)
        .map((name) => [name, generated[name]!]),
    );
    return { ...own, ...extra };
  }

  private resourceSpec(type: string) {
    return this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  }

  private checkDependsOn(id: string, dependsOn: unknown): void {
    if (dependsOn === undefined) return;
    for (const target of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) {
      if (typeof target !== 'string') {
        this.report({ resource: id, property: 'DependsOn' }, 'DependsOn takes logical ids');
      } else if (target === id) {
        this.report({ resource: id, property: 'DependsOn' }, 'a resource cannot depend on itself');
      } else if (!this.resourceTypes.has(target)) {
        this.report(
          { resource: id, property: 'DependsOn' },
          `DependsOn names ${target}, which is not a resource${suggest(target, this.resourceTypes.keys())}`,
        );
      }
    }
  }

  private checkOutputs(): void {
    for (const [name, output] of Object.entries(this.outputs)) {
      const where = { resource: `Outputs.${name}` };
      if (!isRecord(output)) {
        this.report(where, 'output must be a mapping');
        continue;
      }
      if (output['Value'] === undefined) this.report({ ...where, property: 'Value' }, 'output has no Value');
      if (output['Condition'] !== undefined)
        this.checkConditionName(output['Condition'], { ...where, property: 'Condition' });
      this.walkIntrinsics(output['Value'], { ...where, property: 'Value' }, false, true);
      this.walkIntrinsics(output['Export'], { ...where, property: 'Export' }, false, true);
    }
  }

  private checkProperties(
    values: Record<string, unknown>,
    spec: ResourceProperties,
    resource: string,
    path: string | undefined,
  ): void {
    for (const [name, value] of Object.entries(values)) {
      const property = path === undefined ? name : `${path}.${name}`;
      const propertySpec = spec[name];
      if (propertySpec === undefined) {
        this.report({ resource, property }, `unknown property${suggest(name, Object.keys(spec))}`);
      } else {
        this.checkValue(value, propertySpec.type, resource, property);
      }
    }
    for (const [name, propertySpec] of Object.entries(spec)) {
      if (propertySpec.required && !(name in values)) {
        this.report(
          { resource, property: path === undefined ? name : `${path}.${name}` },
          'required property is missing',
        );
      }
    }
  }

  private checkValue(value: unknown, type: PropertyType, resource: string, property: string): void {
    if (isIntrinsic(value)) {
      // Both branches of an !If must fit the property; other intrinsics are only known at deploy time.
      const branches = isRecord(value) ? value['Fn::If'] : undefined;
      if (Array.isArray(branches)) {
        for (const branch of branches.slice(1)) {
          if (!(isRecord(branch) && branch['Ref'] === 'AWS::NoValue'))
            this.checkValue(branch, type, resource, property);
        }
      }
      return;
    }
    switch (type.type) {
      case 'ref': {
        if (!isRecord(value)) {
          this.report({ resource, property }, `expected a mapping, found ${describe(value)}`);
          return;
        }
        const definition = this.db.get('typeDefinition', type.reference);
        this.checkProperties(value, definition.properties, resource, property);
        return;
      }
      case 'array':
        if (!Array.isArray(value)) {
          this.report({ resource, property }, `expected a list, found ${describe(value)}`);
          return;
        }
        value.forEach((element, index) => this.checkValue(element, type.element, resource, `${property}[${index}]`));
        return;
      case 'map':
        if (!isRecord(value)) {
          this.report({ resource, property }, `expected a mapping, found ${describe(value)}`);
          return;
        }
        for (const [key, element] of Object.entries(value))
          this.checkValue(element, type.element, resource, `${property}.${key}`);
        return;
      case 'union': {
        // Accept the value if any member type accepts it; otherwise report against the closest member.
        let best: Finding[] | undefined;
        for (const member of type.types) {
          const trial = new SchemaCheck(this.template, this.db);
          trial.checkValue(value, member, resource, property);
          if (trial.findings.length === 0) return;
          if (best === undefined || trial.findings.length < best.length) best = trial.findings;
        }
        this.findings.push(...(best ?? []));
        return;
      }
      case 'string':
      case 'number':
      case 'integer':
      case 'boolean':
      case 'date-time':
        if (typeof value === 'object' && value !== null)
          this.report({ resource, property }, `expected a ${type.type}, found ${describe(value)}`);
        return;
      default:
        return;
    }
  }

  /**
   * Checks every Ref, GetAtt, Sub, If, FindInMap and Condition reference under `value`. Paths grow
   * through plain mappings and lists and stop at the first intrinsic, so findings name the
   * property rather than Fn::Join internals.
   */
  private walkIntrinsics(value: unknown, where: Location, inConditions = false, insideIntrinsic = false): void {
    if (Array.isArray(value)) {
      value.forEach((element, index) => {
        const next =
          insideIntrinsic || where.property === undefined
            ? where
            : { ...where, property: `${where.property}[${index}]` };
        this.walkIntrinsics(element, next, inConditions, insideIntrinsic);
      });
      return;
    }
    if (!isRecord(value)) return;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0] : undefined;
    const argument = only === undefined ? undefined : value[only];
    switch (only) {
      case 'Ref':
        if (typeof argument === 'string') this.checkRef(argument, where);
        else this.report(where, 'Ref takes a logical id or parameter name');
        return;
      case 'Fn::GetAtt':
        this.checkGetAtt(argument, where);
        return;
      case 'Fn::Sub':
        this.checkSub(argument, where, inConditions);
        return;
      case 'Fn::If':
        if (Array.isArray(argument) && argument.length === 3) this.checkConditionName(argument[0], where);
        else this.report(where, 'Fn::If takes [condition, value if true, value if false]');
        this.walkIntrinsics(Array.isArray(argument) ? argument.slice(1) : argument, where, inConditions, true);
        return;
      case 'Fn::FindInMap':
        if (Array.isArray(argument) && typeof argument[0] === 'string' && !(argument[0] in this.mappings)) {
          this.report(where, `Fn::FindInMap names mapping ${argument[0]}, which is not declared`);
        }
        this.walkIntrinsics(argument, where, inConditions, true);
        return;
      case 'Condition':
        // Only inside Conditions is {Condition: name} a reference; elsewhere (IAM statements) it is data.
        if (inConditions && typeof argument === 'string') {
          this.checkConditionName(argument, where);
          return;
        }
        break;
      default:
        if (only?.startsWith('Fn::')) {
          this.walkIntrinsics(argument, where, inConditions, true);
          return;
        }
        break;
    }
    for (const [key, child] of Object.entries(value)) {
      const next = insideIntrinsic
        ? where
        : { ...where, property: where.property === undefined ? key : `${where.property}.${key}` };
      this.walkIntrinsics(child, next, inConditions, insideIntrinsic);
    }
  }

  private checkRef(target: string, where: Location): void {
    if (PSEUDO_PARAMETERS.has(target) || this.resourceTypes.has(target)) return;
    if (target in this.parameters) {
      this.usedParameters.add(target);
      return;
    }
    const known = [...Object.keys(this.parameters), ...this.resourceTypes.keys(), ...PSEUDO_PARAMETERS];
    this.report(where, `Ref to ${target}, which is neither a parameter nor a resource${suggest(target, known)}`);
  }

  private checkGetAtt(argument: unknown, where: Location): void {
    let target: unknown;
    let attribute: unknown;
    if (typeof argument === 'string') {
      const dot = argument.indexOf('.');
      [target, attribute] = dot < 0 ? [argument, undefined] : [argument.slice(0, dot), argument.slice(dot + 1)];
    } else if (Array.isArray(argument) && argument.length === 2) {
      [target, attribute] = argument;
    }
    if (typeof target !== 'string' || attribute === undefined) {
      this.report(where, 'Fn::GetAtt takes [logical id, attribute]');
      return;
    }
    this.walkIntrinsics(attribute, where, false, true);
    const type = this.resourceTypes.get(target);
    if (type === undefined) {
      this.report(
        where,
        `Fn::GetAtt refers to ${target}, which is not a resource${suggest(target, this.resourceTypes.keys())}`,
      );
      return;
    }
    if (typeof attribute !== 'string' || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource')
      return;
    const spec = this.resourceSpec(SAM_GENERATED_TYPES[type] ?? type);
    if (spec === undefined) return; // The unknown type is reported where it is declared.
    const attributes = Object.keys(spec.attributes);
    if (!attributes.includes(attribute)) {
      this.report(
        where,
        `Fn::GetAtt ${target}.${attribute}: ${type} has no attribute ${attribute}${suggest(attribute, attributes)}`,
      );
    }
  }

  private checkSub(argument: unknown, where: Location, inConditions: boolean): void {
    let text: unknown = argument;
    let variables: Record<string, unknown> = {};
    if (Array.isArray(argument)) {
      [text] = argument;
      variables = isRecord(argument[1]) ? argument[1] : {};
      this.walkIntrinsics(argument[1], where, inConditions, true);
    }
    if (typeof text !== 'string') {
      this.report(where, 'Fn::Sub takes a string, or [string, variables]');
      return;
    }
    // ${!Literal} is an escaped dollar sign, not a reference.
    for (const match of text.matchAll(/\$\{(?!!)([^}]*)\}/g)) {
      const name = (match[1] ?? '').trim();
      if (name in variables) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETERS.has(name)) this.checkGetAtt(name, where);
      else this.checkRef(name, where);
    }
  }

  private checkConditionName(name: unknown, where: Location): void {
    if (typeof name !== 'string') {
      this.report(where, 'a condition name must be a string');
    } else if (!(name in this.conditions)) {
      this.report(
        where,
        `condition ${name} is not declared in Conditions${suggest(name, Object.keys(this.conditions))}`,
      );
    }
  }
}

function isIntrinsic(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  return JSON.stringify(value);
}

/** " (did you mean X?)" for the closest candidate within a few edits, or "". */
function suggest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const candidate of candidates) {
    const a = name.toLowerCase();
    const b = candidate.toLowerCase();
    // A truncated or extended name (PreSignUpFn, HasHostedUi) is as good a hint as a one-letter typo.
    const distance =
      a === b
        ? 0
        : Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a))
          ? 1
          : editDistance(name, candidate, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot get below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}

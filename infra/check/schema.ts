// Offline schema check for a CloudFormation/SAM template, against the resource database that
// @aws-cdk/aws-service-spec ships. cfn-lint runs beside it (cfnLint.ts); this one has no Python
// to install and gives the project's own messages (suggestions, resource and property paths).
// What Ref, GetAtt, Sub, If, FindInMap and Condition name is checked by references.ts.
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, ResourceProperties } from '@aws-cdk/service-spec-types';
import type { Finding, Location } from './finding';
import { ReferenceCheck } from './references';
import { suggest } from './suggest';
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
  private readonly transforms: string[];
  private readonly references: ReferenceCheck;

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
    const declared = {
      parameters: this.parameters,
      conditions: this.conditions,
      mappings: this.mappings,
      resourceTypes: this.resourceTypes,
      attributesOf: (type: string) => {
        const spec = this.resourceSpec(SAM_GENERATED_TYPES[type] ?? type);
        return spec && Object.keys(spec.attributes);
      },
    };
    this.references = new ReferenceCheck(declared, (where, message) => this.report(where, message));
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
      this.references.walk(condition, { resource: `Conditions.${name}` }, true, true);
    }
    for (const [id, resource] of Object.entries(this.resources)) this.checkResource(id, resource);
    this.checkOutputs();

    for (const name of Object.keys(this.parameters)) {
      if (!this.references.usedParameters.has(name)) {
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
    if (condition !== undefined) this.references.checkConditionName(condition, { resource: id, property: 'Condition' });
    this.references.walk(resource['Properties'], { resource: id });

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
        this.references.checkConditionName(output['Condition'], { ...where, property: 'Condition' });
      this.references.walk(output['Value'], { ...where, property: 'Value' }, false, true);
      this.references.walk(output['Export'], { ...where, property: 'Export' }, false, true);
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

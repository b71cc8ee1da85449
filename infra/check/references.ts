// The schema check's references: every Ref, GetAtt, Sub, If, FindInMap and Condition must name
// something the template declares, and a parameter no Ref or Sub names is unused. Apart from
// schema.ts, which checks types and properties against the resource database.
import type { Location } from './finding';
import { suggest } from './suggest';
import { isRecord } from './template';

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

/** What the template declares, as the schema check read it. */
export interface Declared {
  readonly parameters: Record<string, unknown>;
  readonly conditions: Record<string, unknown>;
  readonly mappings: Record<string, unknown>;
  /** Logical id → type, including resources SAM generates that templates may reference. */
  readonly resourceTypes: ReadonlyMap<string, string>;
  /** The attribute names of a resource type (SAM's as the type it generates), undefined if unknown. */
  attributesOf(type: string): readonly string[] | undefined;
}

export class ReferenceCheck {
  /** Parameters that some Ref or Sub names. */
  readonly usedParameters = new Set<string>();

  constructor(
    private readonly declared: Declared,
    private readonly report: (where: Location, message: string) => void,
  ) {}

  /**
   * Checks every Ref, GetAtt, Sub, If, FindInMap and Condition reference under `value`. Paths grow
   * through plain mappings and lists and stop at the first intrinsic, so findings name the
   * property rather than Fn::Join internals.
   */
  walk(value: unknown, where: Location, inConditions = false, insideIntrinsic = false): void {
    if (Array.isArray(value)) {
      value.forEach((element, index) => {
        const next =
          insideIntrinsic || where.property === undefined
            ? where
            : { ...where, property: `${where.property}[${index}]` };
        this.walk(element, next, inConditions, insideIntrinsic);
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
        this.walk(Array.isArray(argument) ? argument.slice(1) : argument, where, inConditions, true);
        return;
      case 'Fn::FindInMap':
        if (Array.isArray(argument) && typeof argument[0] === 'string' && !(argument[0] in this.declared.mappings)) {
          this.report(where, `Fn::FindInMap names mapping ${argument[0]}, which is not declared`);
        }
        this.walk(argument, where, inConditions, true);
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
          this.walk(argument, where, inConditions, true);
          return;
        }
        break;
    }
    for (const [key, child] of Object.entries(value)) {
      const next = insideIntrinsic
        ? where
        : { ...where, property: where.property === undefined ? key : `${where.property}.${key}` };
      this.walk(child, next, inConditions, insideIntrinsic);
    }
  }

  private checkRef(target: string, where: Location): void {
    if (PSEUDO_PARAMETERS.has(target) || this.declared.resourceTypes.has(target)) return;
    if (target in this.declared.parameters) {
      this.usedParameters.add(target);
      return;
    }
    const known = [
      ...Object.keys(this.declared.parameters),
      ...this.declared.resourceTypes.keys(),
      ...PSEUDO_PARAMETERS,
    ];
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
    this.walk(attribute, where, false, true);
    const type = this.declared.resourceTypes.get(target);
    if (type === undefined) {
      this.report(
        where,
        `Fn::GetAtt refers to ${target}, which is not a resource${suggest(target, this.declared.resourceTypes.keys())}`,
      );
      return;
    }
    if (typeof attribute !== 'string' || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource')
      return;
    const attributes = this.declared.attributesOf(type);
    if (attributes === undefined) return; // The unknown type is reported where it is declared.
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
      this.walk(argument[1], where, inConditions, true);
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

  checkConditionName(name: unknown, where: Location): void {
    if (typeof name !== 'string') {
      this.report(where, 'a condition name must be a string');
    } else if (!(name in this.declared.conditions)) {
      this.report(
        where,
        `condition ${name} is not declared in Conditions${suggest(name, Object.keys(this.declared.conditions))}`,
      );
    }
  }
}

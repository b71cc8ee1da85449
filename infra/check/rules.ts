// The template's Rules section, offline: its shape and references, and what its assertions say
// about a set of parameter values, the way CloudFormation evaluates them before a deployment.
import type { Finding } from './finding';
import { isRecord } from './template';
import type { Template } from './template';

/** The functions CloudFormation allows in RuleCondition and Assert that this checker evaluates. */
const RULE_FUNCTIONS = new Set([
  'Fn::And',
  'Fn::Contains',
  'Fn::EachMemberEquals',
  'Fn::EachMemberIn',
  'Fn::Equals',
  'Fn::Not',
  'Fn::Or',
]);

type RuleValue = string | string[] | boolean;

export interface RuleFailure {
  readonly rule: string;
  readonly description: string;
}

/** Structure and references of every rule, and that the parameters' defaults pass them all. */
export function checkRules(template: Template): Finding[] {
  const rules = template['Rules'];
  if (rules === undefined) return [];
  if (!isRecord(rules)) return [{ resource: 'Template', property: 'Rules', message: 'section must be a mapping' }];
  const parameters = isRecord(template['Parameters']) ? template['Parameters'] : {};
  const findings: Finding[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const where = `Rules.${name}`;
    if (!isRecord(rule)) {
      findings.push({ resource: where, message: 'a rule must be a mapping' });
      continue;
    }
    for (const key of Object.keys(rule)) {
      if (key !== 'RuleCondition' && key !== 'Assertions')
        findings.push({ resource: where, property: key, message: 'unknown rule key (RuleCondition or Assertions)' });
    }
    const assertions = rule['Assertions'];
    if (!Array.isArray(assertions) || assertions.length === 0) {
      findings.push({ resource: where, property: 'Assertions', message: 'a rule needs a list of assertions' });
      continue;
    }
    if (rule['RuleCondition'] !== undefined)
      findings.push(...references(rule['RuleCondition'], parameters, where, 'RuleCondition'));
    assertions.forEach((assertion, i) => {
      const at = `Assertions[${i}]`;
      if (!isRecord(assertion) || assertion['Assert'] === undefined) {
        findings.push({ resource: where, property: at, message: 'an assertion needs Assert' });
        return;
      }
      // Without a description CloudFormation's refusal says only which rule failed, not why.
      if (typeof assertion['AssertDescription'] !== 'string' || assertion['AssertDescription'].trim() === '') {
        findings.push({
          resource: where,
          property: `${at}.AssertDescription`,
          message: 'say why the deployment is refused (AssertDescription)',
        });
      }
      findings.push(...references(assertion['Assert'], parameters, where, `${at}.Assert`));
    });
  }
  if (findings.length > 0) return findings;
  try {
    return evaluateRules(template, {}).map((f) => ({
      resource: `Rules.${f.rule}`,
      message: `the parameters' defaults fail this rule: ${f.description}`,
    }));
  } catch (e) {
    return [{ resource: 'Template', property: 'Rules', message: (e as Error).message }];
  }
}

/** The rules whose condition holds and whose assertions fail for these values (defaults for the rest). */
export function evaluateRules(template: Template, values: Readonly<Record<string, string>>): RuleFailure[] {
  const rules = isRecord(template['Rules']) ? template['Rules'] : {};
  const parameters = isRecord(template['Parameters']) ? template['Parameters'] : {};
  const failures: RuleFailure[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    if (!isRecord(rule)) continue;
    if (rule['RuleCondition'] !== undefined && evaluate(rule['RuleCondition'], parameters, values) !== true) continue;
    for (const assertion of Array.isArray(rule['Assertions']) ? rule['Assertions'] : []) {
      if (!isRecord(assertion)) continue;
      if (evaluate(assertion['Assert'], parameters, values) !== true) {
        failures.push({
          rule: name,
          description: typeof assertion['AssertDescription'] === 'string' ? assertion['AssertDescription'].trim() : '',
        });
      }
    }
  }
  return failures;
}

function references(
  value: unknown,
  parameters: Record<string, unknown>,
  resource: string,
  property: string,
): Finding[] {
  const found: Finding[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isRecord(node)) return;
    const [key] = Object.keys(node);
    if (Object.keys(node).length !== 1 || key === undefined) {
      found.push({ resource, property, message: 'expected a rule function or Ref' });
      return;
    }
    if (key === 'Ref') {
      // Rules see only parameters: resources do not exist yet when they run.
      if (typeof node[key] !== 'string' || !(node[key] in parameters))
        found.push({ resource, property, message: `Ref to ${JSON.stringify(node[key])}, which is not a parameter` });
      return;
    }
    if (!RULE_FUNCTIONS.has(key)) {
      found.push({
        resource,
        property,
        message: `${key} cannot be used in Rules here (use ${[...RULE_FUNCTIONS].join(', ')} or Ref)`,
      });
      return;
    }
    walk(node[key]);
  };
  walk(value);
  return found;
}

function evaluate(
  node: unknown,
  parameters: Record<string, unknown>,
  values: Readonly<Record<string, string>>,
): RuleValue {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (typeof node === 'boolean') return node;
  if (Array.isArray(node)) return node.map((n) => String(evaluate(n, parameters, values)));
  if (!isRecord(node)) throw new Error(`Rules: cannot evaluate ${JSON.stringify(node)}`);
  const [[fn, arg]] = Object.entries(node) as [[string, unknown]];
  const args = (Array.isArray(arg) ? arg : [arg]).map((a) => evaluate(a, parameters, values));
  const list = (v: RuleValue | undefined): string[] => (Array.isArray(v) ? v : String(v).split(','));
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      const parameter = parameters[name];
      const value =
        values[name] ??
        (isRecord(parameter) && parameter['Default'] !== undefined ? String(parameter['Default']) : undefined);
      if (value === undefined) throw new Error(`Rules: parameter ${name} has no value and no default`);
      return isRecord(parameter) && String(parameter['Type']).startsWith('List<') ? value.split(',') : value;
    }
    case 'Fn::Equals':
      return String(args[0]) === String(args[1]);
    case 'Fn::Not':
      return args[0] !== true;
    case 'Fn::And':
      return args.every((a) => a === true);
    case 'Fn::Or':
      return args.some((a) => a === true);
    case 'Fn::Contains':
      return list(args[0]).includes(String(args[1]));
    case 'Fn::EachMemberEquals':
      return list(args[0]).every((v) => v === String(args[1]));
    case 'Fn::EachMemberIn':
      return list(args[0]).every((v) => list(args[1]).includes(v));
    default:
      throw new Error(`Rules: ${fn} is not evaluated offline`);
  }
}

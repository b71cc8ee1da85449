// Just enough IAM policy evaluation for the roles the template defines: explicit deny wins, then
// any allow whose action and resource patterns (with * and ?) match and whose Condition holds for
// the request's context keys (bedrock:GuardrailIdentifier, lambda:FunctionUrlAuthType, ...).
import type { RoleConfig } from './config';

function globMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    caseInsensitive ? 'i' : '',
  );
  return re.test(value);
}

/** The request's condition keys and their values (a missing key is absent, as in AWS). */
export type IamContext = Readonly<Record<string, string | undefined>>;

type Condition = RoleConfig['statements'][number]['condition'];

/** One operator on one key, as IAM evaluates it; undefined for an operator the emulator lacks. */
function operator(op: string, actual: string | undefined, wanted: string[]): boolean | undefined {
  const ifExists = op.endsWith('IfExists');
  const base = ifExists ? op.slice(0, -'IfExists'.length) : op;
  if (base === 'Null') return wanted.some((w) => (w === 'true') === (actual === undefined));
  if (actual === undefined) {
    // An absent key satisfies only the negated operators (and any ...IfExists).
    if (ifExists) return true;
    if (['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike'].includes(base))
      return true;
    return ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'Bool'].includes(base)
      ? false
      : undefined;
  }
  switch (base) {
    case 'StringEquals':
    case 'ArnEquals':
      return wanted.includes(actual);
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return !wanted.includes(actual);
    case 'StringEqualsIgnoreCase':
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringNotEqualsIgnoreCase':
      return !wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    case 'StringLike':
    case 'ArnLike':
      return wanted.some((w) => globMatch(w, actual, false));
    case 'StringNotLike':
    case 'ArnNotLike':
      return !wanted.some((w) => globMatch(w, actual, false));
    case 'Bool':
      return wanted.some((w) => w.toLowerCase() === actual.toLowerCase());
    default:
      return undefined;
  }
}

/** Whether a statement's Condition holds: every operator, every key (undefined: not understood). */
function conditionHolds(condition: Condition, context: IamContext): boolean | undefined {
  for (const [op, keys] of Object.entries(condition)) {
    for (const [key, wanted] of Object.entries(keys)) {
      const result = operator(op, context[key], wanted);
      if (result !== true) return result;
    }
  }
  return true;
}

/** IAM's decision for one resource: an explicit Deny wins over any Allow; nothing is an implicit deny. */
export function decide(
  role: RoleConfig,
  action: string,
  resource: string,
  context: IamContext = {},
): 'allow' | 'explicitDeny' | 'implicitDeny' {
  const matches = (s: RoleConfig['statements'][number]): boolean =>
    s.actions.some((a) => globMatch(a, action, true)) && s.resources.some((r) => globMatch(r, resource, false));
  // A condition the emulator cannot evaluate fails closed: its Deny applies, its Allow does not.
  const applies = (s: RoleConfig['statements'][number]): boolean =>
    matches(s) && (conditionHolds(s.condition, context) ?? s.effect === 'Deny');
  if (role.statements.some((s) => s.effect === 'Deny' && applies(s))) return 'explicitDeny';
  return role.statements.some((s) => s.effect === 'Allow' && applies(s)) ? 'allow' : 'implicitDeny';
}

export function isAllowed(role: RoleConfig, action: string, resources: string[], context: IamContext = {}): boolean {
  return resources.every((resource) => decide(role, action, resource, context) === 'allow');
}

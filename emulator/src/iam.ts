// Just enough IAM policy evaluation for the role the identity pool hands out: explicit deny
// wins, then any allow whose action and resource patterns (with * and ?) match.
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

export function isAllowed(role: RoleConfig, action: string, resources: string[]): boolean {
  const matches = (s: RoleConfig['statements'][number], resource: string): boolean =>
    s.actions.some((a) => globMatch(a, action, true)) && s.resources.some((r) => globMatch(r, resource, false));
  return resources.every((resource) => {
    if (role.statements.some((s) => s.effect === 'Deny' && matches(s, resource))) return false;
    return role.statements.some((s) => s.effect === 'Allow' && matches(s, resource));
  });
}

// ListUsers: an administrator lists the pool's users, a page at a time, optionally with one of
// Cognito's filters (`attribute = "value"` or `attribute ^= "prefix"`) and only some attributes.
import type { ListUsersRequest, ListUsersResponse } from '@aws-sdk/client-cognito-identity-provider';
import { createHash } from 'node:crypto';
import { AwsError } from '../errors';
import type { JsonOperation } from '../operation';
import type { User } from '../state';
import { userPoolId } from './fields';
import type { UserPool } from './userPool';

/** The attributes AWS lets a filter search; `status` is Enabled/Disabled, `cognito:user_status` the status. */
const SEARCHABLE = [
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
];
const DEFAULT_LIMIT = 60;

interface Filter {
  attribute: string;
  prefix: boolean;
  value: string;
}

const PARSE_ERROR = 'Error while parsing filter.';

/** One attribute, `=` or `^=`, a double-quoted value with `\"` and `\\` escapes; blank means none. */
function parseFilter(text: string | undefined): Filter | null {
  if (!text || text.trim() === '') return null;
  const m = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/su.exec(text);
  const attribute = m?.[1] ?? '';
  if (!m || !SEARCHABLE.includes(attribute)) throw new AwsError('InvalidParameterException', PARSE_ERROR);
  return { attribute, prefix: m[2] === '^=', value: (m[3] ?? '').replace(/\\(.)/gsu, '$1') };
}

function searched(user: User, attribute: string): string | undefined {
  if (attribute === 'username') return user.username;
  if (attribute === 'status') return user.enabled ? 'Enabled' : 'Disabled';
  if (attribute === 'cognito:user_status') return user.status;
  return user.attributes[attribute];
}

function matches(user: User, f: Filter): boolean {
  let actual = searched(user, f.attribute);
  if (actual === undefined) return false;
  let wanted = f.value;
  // AWS documents cognito:user_status as the one case-insensitive search.
  if (f.attribute === 'cognito:user_status') {
    actual = actual.toLowerCase();
    wanted = wanted.toLowerCase();
  }
  return f.prefix ? actual.startsWith(wanted) : actual === wanted;
}

/** Users in a stable order (creation, then username), so a page boundary survives deletions. */
const before = (a: User, b: User): number => a.created - b.created || (a.username < b.username ? -1 : 1);

interface Marker {
  f: string;
  c: number;
  u: string;
}

// The token names the last user returned and the filter it belongs to: AWS refuses a token with
// other parameters than those of the call that returned it.
const filterDigest = (filter: string | undefined): string =>
  createHash('sha256')
    .update(filter ?? '')
    .digest('base64url')
    .slice(0, 16);

function readMarker(token: string, filter: string | undefined): Marker {
  let m: Partial<Marker> | null = null;
  try {
    m = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Marker>;
  } catch {
    // Not ours: refused below.
  }
  if (!m || typeof m.c !== 'number' || typeof m.u !== 'string' || m.f !== filterDigest(filter))
    throw new AwsError('InvalidParameterException', `Paging marker ${token} is invalid for request.`);
  return m as Marker;
}

const writeMarker = (user: User, filter: string | undefined): string =>
  Buffer.from(JSON.stringify({ f: filterDigest(filter), c: user.created, u: user.username })).toString('base64url');

export const listUsers: JsonOperation<
  ListUsersRequest,
  ListUsersResponse,
  Pick<UserPool, 'checkPool' | 'users' | 'config' | 'describe'>
> = {
  name: 'ListUsers',
  auth: 'sigv4Any',
  input: {
    UserPoolId: userPoolId,
    AttributesToGet: {
      type: 'list',
      member: { type: 'string', min: 1, max: 32, pattern: '[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+' },
    },
    Limit: { type: 'integer', min: 0, max: 60 },
    PaginationToken: { type: 'string', min: 1, pattern: '[\\S]+' },
    Filter: { type: 'string', max: 256 },
  },
  handle(input, pool) {
    pool.checkPool(input.UserPoolId);
    const filter = parseFilter(input.Filter);
    let users = Object.values(pool.users)
      .filter((u) => !filter || matches(u, filter))
      .sort(before);
    if (input.PaginationToken !== undefined) {
      const after = readMarker(input.PaginationToken, input.Filter);
      users = users.filter((u) => u.created > after.c || (u.created === after.c && u.username > after.u));
    }
    // Limit 0 is within the documented range; it asks for the default page, as an absent one.
    const limit = input.Limit || DEFAULT_LIMIT;
    const page = users.slice(0, limit);
    const wanted = input.AttributesToGet;
    if (wanted) {
      // AWS: an error "if not all users in the results have set a value for the attribute you request".
      const known = new Set([...pool.config.knownAttributes, 'sub', 'identities']);
      if (wanted.some((name) => !known.has(name) || page.some((u) => u.attributes[name] === undefined)))
        throw new AwsError('InvalidParameterException', 'One or more requested attributes do not exist.');
    }
    const last = page[page.length - 1];
    return {
      Users: page.map((u) => {
        const described = pool.describe(u);
        return wanted
          ? { ...described, Attributes: described.Attributes?.filter((a) => wanted.includes(a.Name ?? '')) }
          : described;
      }),
      ...(users.length > page.length && last ? { PaginationToken: writeMarker(last, input.Filter) } : {}),
    };
  },
};

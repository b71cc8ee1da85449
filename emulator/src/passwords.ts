// Password hashing (scrypt, never plaintext) and the user pool's password policy.
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordPolicy } from './config';

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: 16384, r: 8, p: 1 }, (err, key) =>
      err ? fail(err) : done(key),
    ),
  );
}

/** `scrypt$<salt b64>$<hash b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${(await scryptAsync(password, salt)).toString('base64')}`;
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Cognito's symbol set for password policies.
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

/** Cognito's own messages, "Password did not conform with policy: ...", or null when fine. */
export function policyViolation(password: string, policy: PasswordPolicy): string | null {
  const prefix = 'Password did not conform with policy: ';
  if (password.length < policy.minimumLength) return `${prefix}Password not long enough`;
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return `${prefix}Password must have uppercase characters`;
  if (policy.requireLowercase && !/[a-z]/.test(password)) return `${prefix}Password must have lowercase characters`;
  if (policy.requireNumbers && !/[0-9]/.test(password)) return `${prefix}Password must have numeric characters`;
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c)))
    return `${prefix}Password must have symbol characters`;
  return null;
}

/** A temporary password that satisfies the policy, as AdminCreateUser generates. */
export function temporaryPassword(policy: PasswordPolicy): string {
  const pick = (set: string): string => set[randomInt(set.length)] as string;
  const lower = 'abcdefghijkmnpqrstuvwxyz';
  const chars = [pick('ABCDEFGHJKLMNPQRSTUVWXYZ'), pick(lower), pick('23456789'), pick('!#%&*+-=?')];
  while (chars.length < Math.max(policy.minimumLength, 12)) chars.push(pick(lower + '23456789'));
  return chars.join('');
}

export function numericCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

// The client side of Cognito's USER_SRP_AUTH (SRP-6a on the RFC 5054 3072-bit group, SHA-256,
// the "Caldera Derived Key" HKDF) on node:crypto. Exponentiations run in OpenSSL through a
// Diffie-Hellman object on Cognito's group (constant-time, 1 to 2 ms each); BigInt does only
// the cheap multiplications. Each step takes a few ms, so the extension host never stalls.
import * as l10n from '@vscode/l10n';
import { DiffieHellman, createHash, createHmac, getDiffieHellman, hkdfSync, randomBytes } from 'node:crypto';
import { AuthError } from './errors';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;

/** Even-length hex, with 00 in front when the top bit is set: Cognito hashes numbers as signed. */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string): bigint => BigInt(`0x${sha256Hex(Buffer.from(hex, 'hex'))}`);
const toBytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(N_HEX.length, '0'), 'hex');
const fromBytes = (b: Buffer): bigint => (b.length ? BigInt(`0x${b.toString('hex')}`) : 0n);
const mod = (n: bigint): bigint => ((n % N) + N) % N;

const k = hexHash(padHex(N) + padHex(g));

type Pow = (base: bigint, exponent: bigint) => bigint;

/**
 * N is RFC 3526's 3072-bit MODP group ("modp15") with g = 2. getDiffieHellman builds it at once,
 * where createDiffieHellman(N, 2) re-proves N a safe prime (2.5 s on Node 24's OpenSSL 3.5).
 * computeSecret is peer^private mod p, in constant time. Only DiffieHellman's prototype exposes
 * setPrivateKey, but a group's native handle has it too; a self-test guards that, and plain
 * BigInt (about 10× slower) takes over should a Node release ever refuse it.
 */
function opensslPow(): Pow | undefined {
  try {
    const group = getDiffieHellman('modp15');
    if (group.getPrime('hex').toUpperCase() !== N_HEX || group.getGenerator('hex') !== '02') return undefined;
    const borrowed: (this: DiffieHellman, key: NodeJS.ArrayBufferView) => void = DiffieHellman.prototype.setPrivateKey;
    const setPrivateKey = (key: Buffer) => borrowed.call(group as DiffieHellman, key);
    const pow: Pow = (base, exponent) => {
      setPrivateKey(Buffer.from(padHex(exponent), 'hex'));
      try {
        return fromBytes(group.computeSecret(toBytes(base)));
      } finally {
        setPrivateKey(Buffer.from([1])); // the shared object keeps no secret exponent
      }
    };
    return pow(3n, 5n) === 243n && pow(N - 2n, 3n) === mod(-8n) ? pow : undefined;
  } catch {
    return undefined;
  }
}

function bigintPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % N;
    b = (b * b) % N;
  }
  return result;
}

let pow: Pow | undefined;

/** base^exponent mod N. */
export function modPowN(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) throw new RangeError('negative exponent');
  if (exponent === 0n) return 1n;
  const b = mod(base);
  // OpenSSL refuses these as peer keys; their powers are trivial anyway.
  if (b === 0n || b === 1n) return b;
  if (b === N - 1n) return exponent % 2n === 0n ? 1n : b;
  pow ??= opensslPow() ?? bigintPow;
  return pow(b, exponent);
}

/** The client's ephemeral pair: SRP_A is A in hex. */
export interface SrpStart {
  readonly a: bigint;
  readonly A: bigint;
  readonly srpA: string;
}

/**
 * a is 256 random bits, the length RFC 5054 asks for (and NIST SP 800-56A for 128-bit strength
 * in a 3072-bit group); Cognito's JS clients use 1024, which only makes A and S slower.
 */
export function startSrp(a: bigint = fromBytes(randomBytes(32))): SrpStart {
  if (a <= 0n) throw new RangeError('a must be positive');
  const A = modPowN(g, a);
  return { a, A, srpA: A.toString(16) };
}

/** The pool name in SRP's hashes is the part of the pool id after the underscore. */
export const poolNameOf = (userPoolId: string): string => userPoolId.split('_')[1] ?? '';

/** The 16-byte key both sides derive; only someone who knows the password gets the same one. */
export function passwordAuthenticationKey(
  start: SrpStart,
  poolName: string,
  userId: string,
  password: string,
  srpB: string,
  salt: string,
): Buffer {
  const B = hexNumber(srpB, 'SRP_B');
  if (mod(B) === 0n) throw challengeError('SRP_B is zero');
  const u = hexHash(padHex(start.A) + padHex(B));
  if (u === 0n) throw challengeError('u is zero');
  const x = hexHash(padHex(hexNumber(salt, 'SALT')) + sha256Hex(`${poolName}${userId}:${password}`));
  const S = modPowN(B - k * modPowN(g, x), start.a + u * x);
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16),
  );
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** Cognito's TIMESTAMP, "ddd MMM D HH:mm:ss UTC YYYY": "Tue Jan 2 03:04:05 UTC 2024". */
export function cognitoTimestamp(date: Date): string {
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

export interface PasswordVerifierResponses {
  readonly USERNAME: string;
  readonly PASSWORD_CLAIM_SECRET_BLOCK: string;
  readonly PASSWORD_CLAIM_SIGNATURE: string;
  readonly TIMESTAMP: string;
}

/** Answers Cognito's PASSWORD_VERIFIER challenge: HMAC(key, poolName | userId | secret block | timestamp). */
export function answerPasswordVerifier(
  start: SrpStart,
  userPoolId: string,
  password: string,
  params: Readonly<Record<string, string | undefined>>,
  now: Date = new Date(),
): PasswordVerifierResponses {
  const { SALT: salt, SRP_B: srpB, SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: userId } = params;
  if (!salt || !srpB || !secretBlock || !userId) throw challengeError('a challenge parameter is missing');
  const poolName = poolNameOf(userPoolId);
  const key = passwordAuthenticationKey(start, poolName, userId, password, srpB, salt);
  const timestamp = cognitoTimestamp(now);
  const signature = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName),
        Buffer.from(userId),
        Buffer.from(secretBlock, 'base64'),
        Buffer.from(timestamp),
      ]),
    )
    .digest('base64');
  return {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
    PASSWORD_CLAIM_SIGNATURE: signature,
    TIMESTAMP: timestamp,
  };
}

/** SECRET_HASH for an app client with a secret: Base64(HMAC-SHA256(secret, username + clientId)). */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`${username}${clientId}`).digest('base64');
}

function hexNumber(hex: string, name: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw challengeError(`${name} is not hexadecimal`);
  return BigInt(`0x${hex}`);
}

function challengeError(detail: string): AuthError {
  return new AuthError(
    l10n.t(
      'Cognito sent a sign-in challenge that cannot be answered ({0}). Try again; if it keeps failing, set "storyteller.authFlow" to USER_PASSWORD_AUTH.',
      detail,
    ),
    'InvalidSrpChallenge',
    'user',
    'retry',
  );
}

// The server side of Cognito's SRP-6a variant: the RFC 5054 3072-bit group, SHA-256, the
// "Caldera Derived Key" HKDF, and a PASSWORD_CLAIM_SIGNATURE over pool name, user id, secret
// block and TIMESTAMP. Clients (Amplify, amazon-cognito-identity-js, boto helpers) all share it.
// Exponentiations run in OpenSSL (a Diffie-Hellman object on the same group), about 1 ms each.
import {
  DiffieHellman,
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
const N = BigInt(`0x${N_HEX}`);
const g = 2n;

/** Even-length hex with a leading 00 when the top bit is set (a positive two's complement). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hexHash = (hex: string): string => sha256Hex(Buffer.from(hex, 'hex'));
const k = BigInt(`0x${hexHash(padHex(N) + padHex(g))}`);

/**
 * OpenSSL's constant-time modexp: computeSecret is peer^private mod p. N is RFC 3526's "modp15"
 * group, which getDiffieHellman builds at once (createDiffieHellman(N, 2) re-proves N prime:
 * seconds on OpenSSL 3.5). A group's native handle takes setPrivateKey though only
 * DiffieHellman's prototype exposes it; the self-test below falls back to BigInt if that changes.
 */
function opensslPow(): ((base: bigint, exponent: bigint) => bigint) | undefined {
  try {
    const group = getDiffieHellman('modp15');
    if (group.getPrime('hex').toUpperCase() !== N_HEX) return undefined;
    const setPrivateKey: (this: DiffieHellman, key: NodeJS.ArrayBufferView) => void =
      DiffieHellman.prototype.setPrivateKey;
    const pow = (base: bigint, exponent: bigint): bigint => {
      setPrivateKey.call(group as DiffieHellman, Buffer.from(padHex(exponent), 'hex'));
      const out = group.computeSecret(Buffer.from(base.toString(16).padStart(N_HEX.length, '0'), 'hex'));
      return BigInt(`0x${out.toString('hex')}`);
    };
    return pow(3n, 4n) === 81n ? pow : undefined;
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

let pow: ((base: bigint, exponent: bigint) => bigint) | undefined;

/** base^exponent mod N. */
export function modPowN(base: bigint, exponent: bigint): bigint {
  if (exponent < 0n) throw new RangeError('negative exponent');
  if (exponent === 0n) return 1n;
  const b = ((base % N) + N) % N;
  // OpenSSL refuses 0, 1 and N-1 as peer keys; their powers are trivial.
  if (b === 0n || b === 1n) return b;
  if (b === N - 1n) return exponent % 2n === 0n ? 1n : b;
  pow ??= opensslPow() ?? bigintPow;
  return pow(b, exponent);
}

export interface SrpVerifier {
  salt: string;
  verifier: string;
}

function xValue(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = sha256Hex(`${poolName}${userId}:${password}`);
  return BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + inner)}`);
}

/** What the server keeps instead of the password: salt and v = g^x mod N. */
export function makeVerifier(poolName: string, userId: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  return { salt, verifier: modPowN(g, xValue(poolName, userId, password, salt)).toString(16) };
}

export interface ServerEphemeral {
  b: bigint;
  B: bigint;
}

export function serverEphemeral(verifierHex: string): ServerEphemeral {
  const v = BigInt(`0x${verifierHex}`);
  for (;;) {
    const b = BigInt(`0x${randomBytes(32).toString('hex')}`);
    const B = (k * v + modPowN(g, b)) % N;
    if (B !== 0n) return { b, B };
  }
}

export function validClientA(aHex: string): boolean {
  if (!/^[0-9a-fA-F]+$/.test(aHex)) return false;
  return BigInt(`0x${aHex}`) % N !== 0n;
}

function hkdf(ikm: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, 'Caldera Derived Key', 16));
}

/** The 16-byte key both sides derive; the client proves it knows it by the claim signature. */
export function sessionKey(aHex: string, eph: ServerEphemeral, verifierHex: string): Buffer {
  const A = BigInt(`0x${aHex}`);
  const u = BigInt(`0x${hexHash(padHex(A) + padHex(eph.B))}`);
  const v = BigInt(`0x${verifierHex}`);
  const S = modPowN(A * modPowN(v, u), eph.b);
  return hkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
}

export function checkClaim(
  key: Buffer,
  poolName: string,
  userId: string,
  secretBlock: string,
  timestamp: string,
  signature: string,
): boolean {
  const expected = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName),
        Buffer.from(userId),
        Buffer.from(secretBlock, 'base64'),
        Buffer.from(timestamp),
      ]),
    )
    .digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Cognito's TIMESTAMP: "Tue Jan 2 03:04:05 UTC 2024", day of month not padded. */
export const TIMESTAMP_FORMAT =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;

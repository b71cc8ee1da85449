// The emulator's SRP server math on its own (no HTTP): OpenSSL's exponentiation against plain
// BigInt, a whole exchange against amazon-cognito-identity-js, and its cost per sign-in.
import { strict as assert } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { checkClaim, makeVerifier, modPowN, serverEphemeral, sessionKey, validClientA } from '../../src/srp';
import { PASSWORD } from '../helpers';
import { SrpClient } from '../srpClient';

const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);

function slowModPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % N) + N) % N;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % N;
    b = (b * b) % N;
  }
  return result;
}

const POOL_ID = 'us-east-1_Srp9Server';
const POOL_NAME = 'Srp9Server';

describe('SRP server math (OpenSSL)', () => {
  it('exponentiates like plain BigInt, including the values OpenSSL refuses as peer keys', () => {
    const random = BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
    const cases: [bigint, bigint][] = [
      [0n, 3n],
      [1n, 99n],
      [N - 1n, 5n],
      [N - 1n, 6n],
      [N, 2n],
      [2n, 0n],
      [2n, 0xfeedfacen],
      [random, 0x0123456789abcdefn],
      [-7n, 13n],
    ];
    for (const [base, exponent] of cases) assert.equal(modPowN(base, exponent), slowModPow(base, exponent));
  });

  it('agrees with amazon-cognito-identity-js on a whole exchange, and refuses a wrong password', async () => {
    for (const password of [PASSWORD, 'Not-The-Password-1']) {
      const userId = randomUUID();
      const verifier = makeVerifier(POOL_NAME, userId, PASSWORD);
      const client = new SrpClient(POOL_ID);
      const aHex = await client.srpA();
      assert.ok(validClientA(aHex));
      const eph = serverEphemeral(verifier.verifier);
      const secretBlock = randomBytes(64).toString('base64');
      const r = await client.respond(
        { SALT: verifier.salt, SRP_B: eph.B.toString(16), SECRET_BLOCK: secretBlock, USER_ID_FOR_SRP: userId },
        password,
      );
      const key = sessionKey(aHex, eph, verifier.verifier);
      assert.equal(
        checkClaim(key, POOL_NAME, userId, secretBlock, r.TIMESTAMP ?? '', r.PASSWORD_CLAIM_SIGNATURE ?? ''),
        password === PASSWORD,
      );
    }
  });

  it('refuses A ≡ 0 mod N and a non-hex A', () => {
    assert.equal(validClientA(N.toString(16)), false);
    assert.equal(validClientA('0'), false);
    assert.equal(validClientA('xyz'), false);
    assert.equal(validClientA('2'), true);
  });

  it('exponentiates at least 3 times faster than BigInt square-and-multiply (median of 5, interleaved)', () => {
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[2] as number;
    const fast: number[] = [];
    const slow: number[] = [];
    for (let i = 0; i < 5; i++) {
      const base = BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
      const exponent = BigInt(`0x${randomBytes(32).toString('hex')}`);
      let t = performance.now();
      const a = modPowN(base, exponent);
      fast.push(performance.now() - t);
      t = performance.now();
      const b = slowModPow(base, exponent);
      slow.push(performance.now() - t);
      assert.equal(a, b);
    }
    // About 0.7 ms against 10 ms here.
    assert.ok(
      median(slow) / median(fast) >= 3,
      `OpenSSL ${median(fast).toFixed(2)} ms, BigInt ${median(slow).toFixed(2)} ms`,
    );
  });

  it('does the server side of one sign-in well within a 16 ms frame (median of 5)', () => {
    const verifier = makeVerifier(POOL_NAME, randomUUID(), PASSWORD);
    const aHex = modPowN(2n, BigInt(`0x${randomBytes(32).toString('hex')}`)).toString(16);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      sessionKey(aHex, serverEphemeral(verifier.verifier), verifier.verifier);
      times.push(performance.now() - t);
    }
    const median = [...times].sort((x, y) => x - y)[2] as number;
    assert.ok(median < 16, `server SRP: ${median.toFixed(1)} ms`);
  });
});

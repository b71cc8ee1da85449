// Cognito's USER_SRP_AUTH client math on node:crypto, checked three ways: fixed vectors computed
// once with amazon-cognito-identity-js (AWS's own client: jsbn and @aws-crypto), the same library
// live on random inputs, and the time each synchronous step takes on this thread.
import { Sha256 } from '@aws-crypto/sha256-js';
import * as cognitoJs from 'amazon-cognito-identity-js';
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { AuthError } from '../../../src/core/auth/errors';
import {
  N,
  answerPasswordVerifier,
  cognitoTimestamp,
  modPowN,
  passwordAuthenticationKey,
  poolNameOf,
  secretHash,
  startSrp,
} from '../../../src/core/auth/srp';

interface BigIntegerLike {
  toString(radix: number): string;
}
interface Helper {
  smallAValue: BigIntegerLike;
  largeAValue: BigIntegerLike | undefined;
  getLargeAValue(cb: (err: unknown, a: BigIntegerLike) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    serverB: BigIntegerLike,
    salt: BigIntegerLike,
    cb: (err: unknown, key: Uint8Array) => void,
  ): void;
}
// The library exports these at run time but leaves them out of its typings.
const lib = cognitoJs as unknown as {
  AuthenticationHelper: new (poolName: string) => Helper;
  DateHelper: new () => { getNowString(): string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default as new (
  hex: string,
  radix: number,
) => BigIntegerLike;

/** A, the key and the claim signature as amazon-cognito-identity-js computes them for a given a. */
function reference(
  poolName: string,
  a: bigint,
  userId: string,
  password: string,
  srpB: string,
  salt: string,
  secretBlock: string,
  timestamp: string,
) {
  const helper = new lib.AuthenticationHelper(poolName);
  helper.smallAValue = new BigInteger(a.toString(16), 16);
  helper.largeAValue = undefined;
  let A = '';
  let key: Uint8Array = new Uint8Array();
  // The library's callbacks run synchronously.
  helper.getLargeAValue((err, value) => {
    if (err) throw err;
    A = value.toString(16);
  });
  helper.getPasswordAuthenticationKey(
    userId,
    password,
    new BigInteger(srpB, 16),
    new BigInteger(salt, 16),
    (err, k) => {
      if (err) throw err;
      key = k;
    },
  );
  const mac = new Sha256(key);
  mac.update(
    Buffer.concat([
      Buffer.from(poolName),
      Buffer.from(userId),
      Buffer.from(secretBlock, 'base64'),
      Buffer.from(timestamp),
    ]),
  );
  return { A, key: Buffer.from(key).toString('hex'), signature: Buffer.from(mac.digestSync()).toString('base64') };
}

/** Square-and-multiply in BigInt: slow, obviously right, for small exponents. */
function slowModPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = ((base % N) + N) % N;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % N;
    b = (b * b) % N;
  }
  return result;
}

const SECRET_BLOCK = 'CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4jSG2St9wBJg==';

// Computed once with amazon-cognito-identity-js 6.3.21 (B = 2^b mod N for a fixed b).
const VECTORS = [
  {
    name: '256-bit a, a salt with leading zeros',
    userPoolId: 'us-east-1_AbCdEf123',
    userId: '3f1c2a9e-5b7d-4c8e-9a10-2b3c4d5e6f70',
    password: 'Correct-Horse-9',
    a: 0xa5f0c3e1d2b4968778695a4b3c2d1e0f0123456789abcdef0fedcba987654321n,
    salt: '00c0ffee1234567890abcdef12345678',
    timestamp: 'Tue Jan 2 03:04:05 UTC 2024',
    now: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    B:
      '22e5efa9fe1b0a8028329933e00e6205c29f389537289cb04933b171c345ab0081a214e9a08ee135aacb725df6034320' +
      'c306a1d7e58f04c4e4bfa329f88b9260087d751b57915164d261970a4dff02dcee262a17ede4435ceb22617c6aceb56d' +
      '2e93d5979557dcf38d9d28830c4e11427318e4c50470bac50138859b6d9e65588a2076f7853842af46785d36b7d97db8' +
      '1ab51b0fc9e954cd4d5d42d8b2f0b2d273936d1c754f15244a87cc1254e1811e0f1e9e41ff0e6c900ec0d839f2303742' +
      'f268ec0aa8a757fdfd7e59aa39dbae06654d01a7e5df218aa3d11bf5d8d321c6814fbcc60a187db43e4074523a441b52' +
      'c3d2aa272ad798fce26fe574f71bc4f8bec498c62ec1eb91155ea2cd3624656536678ccec13cc4d923650c98dd0e4b96' +
      'bd9f31fc494600fa1a30628ac7ae7f3af1d655d89c35ec69ae758c4bfcac866a534ff6c4f8b4c01d892ea7e9020d92bb' +
      'e7194c99c8d54fe019f52392cf59961e07a5b61001916c1b64d84605935a83f404a603bb4f906eceaaf7dba757a4fe5a',
    A:
      'bcfe47c8958ab04ba45954f30ba5b9d395479219de98315cd42b724b3356007bf5388d669348b5aa980965dc31147680' +
      '874e7406e79ab576192b5fc0330f2291029b9c9178c18a41ea2f97cab4f6dbeae43a95bdabc0df9e8df22d54d68e9335' +
      '6d9f0fd5d2d4f4737f5f0c76c8d961481ce48b613df5a51755a8739123d9b730c603e2416eef929fe3bc3e796b3c68bf' +
      'b404c9db11b58f36eaefca0dff450e2243302f76e8518870518075e82dd15c5ea889c8fac7a4a16d49e5c61a6eda6099' +
      'f8398878b7045ece133377a5faadb5527f7eb6da6577a15f2faef845697ba6513b24fb1da8d16074457267e44846a89f' +
      '49d8c6c9f253a459e259ceb4000b381d8005943f2580ea999d91640f6ce48bf5560071cf3a67ed8a7c81b1ef2ac81f5f' +
      'def408a6b66cf750b2c33207f5f3b050bdea9de76396f48160f2ef0598bbe79cab979244993888695a77d275f1e80ae2' +
      '4dc7384227c13e1fac15e68d1ca90318864f7d8f9c2934acb99c102899a9950efb211292508189906ef408d247191227',
    key: 'd12a14f33d5f6d440f2c1ee5937b1f95',
    signature: 'EM7eEh+1/Uff1lMPGIRJBtsMBEPfmv/UcIHP4fpU0Lc=',
  },
  {
    name: "1024-bit a (the length Cognito's JS clients use), an odd-length salt, a non-ASCII user id and password",
    userPoolId: 'eu-west-1_Zy9XwV8ut',
    userId: 'émile@example.com',
    password: 'pässwörd ✓ 9',
    a: BigInt(`0x${'c'.repeat(8)}${'0123456789abcdef'.repeat(15)}fedcba98`),
    salt: '5a1',
    timestamp: 'Sun Dec 31 23:59:59 UTC 2023',
    now: new Date(Date.UTC(2023, 11, 31, 23, 59, 59)),
    B:
      'd77ccdb52a2bd8ba882cc736129dbf974ef5b640d53bbcb9d8c5b4d857e3f17e9a50498a26cfde8ef7e030e501a62265' +
      '10aa5c79968e599692daadd60398629347e4fc1889330da903adce54fca862782ce006a74b77f1b22c7cfcdd8cb80cfc' +
      '4654dee77d1965817756ff1c3ee8e759f7fc59919b71fe844046dc9dcac656598fd4340041173f55828dbe1fceb2cfa5' +
      'aca07f807e5430d1d1d08f9801829700a74dba7bf79f9e1754caacd754d042d975fbd2334cf71799c9beaf44ead65b2a' +
      '5058bb118ee9379ee1d86ad349339dd66156cea1dd4cffecad6b6139b5a3658893e9eac0c998af47b2fc4f3237322fcd' +
      '50dc549a0130a935b1116cfa4332bfadbf8bc5bc8188f4693e3843050a5f7508f6c565a5563da5b6ec5f8c94d2be4188' +
      '66c533a749bda8fa740e99d79e416b66f0d6bab990cc0580bb3de793e4cf89c87e82d64d87683ee87265e376992201bb' +
      '5af1caf2ada457c8a73544a21fddfe237c1a36603bc3ff7ffb48130cc4e9053e7905e252458274be4f0db9c7bec234e',
    A:
      '7f0c38e7f853a5b58297b2b906924ae1e9e2dd80fa10ecdce89bd5f6922985a979790c025f7b7a8923e2e296fb35555e' +
      '1fce2edc44003dea097e3bf5418f97a75d39ed1b3ec71bd25363b14aa0acec703b186df763f8b8b7ea4d5ccdca154ee7' +
      '02d900c9f4c40b8f7730942a978ada6ba1818b6cba6433743aee44220cae1567be64c76ebbc0d310cb39b1b11b50467a' +
      '0e3e05b9feec9b0a73223c97ad798412b5a778f8571593143b9f839bfb31a1311e0e721966f7a7dc160b8772fc53138d' +
      'c4cae6a137f64efd42bd1e97eaa5749a21674ae476fa70929691dd60c58929c1102e147decde716e60d94f66bfb0e7e3' +
      '1508e97c2b967a3f947c0b4ebcc551cd49a8a36b11f55798022ada5e8276367cd609944f2cdbfe188b18b08fbc7d838b' +
      '737125a662728efc20d313ef00bc28258d3b15498076839f0f19987a72e6a4f3e70f825adf750da1a000df1652a41c0f' +
      '5efcd0d9bea3e51411c4e291afeceb71f0c4f9662e18315c99315d2f180990dad2490274f0708594ec94f0a57bdef7c3',
    key: 'ba2d18e363cc384853ce44f3e6d0b305',
    signature: 'xDzsWrVeZ0rgUW/lFnUQDMbk/NEgqmXMPA6xs7ykQIM=',
  },
];

describe('SRP client (node:crypto)', () => {
  for (const v of VECTORS) {
    it(`matches the fixed vectors: ${v.name}`, () => {
      const start = startSrp(v.a);
      assert.equal(start.srpA, v.A);
      const key = passwordAuthenticationKey(start, poolNameOf(v.userPoolId), v.userId, v.password, v.B, v.salt);
      assert.equal(key.toString('hex'), v.key);
      const claim = answerPasswordVerifier(
        start,
        v.userPoolId,
        v.password,
        { SALT: v.salt, SRP_B: v.B, SECRET_BLOCK, USER_ID_FOR_SRP: v.userId },
        v.now,
      );
      assert.deepEqual(claim, {
        USERNAME: v.userId,
        PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
        PASSWORD_CLAIM_SIGNATURE: v.signature,
        TIMESTAMP: v.timestamp,
      });
    });
  }

  it('agrees with amazon-cognito-identity-js on random inputs', () => {
    for (let i = 0; i < 8; i++) {
      const poolName = randomBytes(6).toString('hex');
      const a = BigInt(`0x${randomBytes(i % 2 ? 128 : 32).toString('hex')}`);
      const userId = randomUUID();
      const password = `${randomBytes(9).toString('base64')}-Ünï ${i}`;
      const srpB = (BigInt(`0x${randomBytes(384).toString('hex')}`) % N).toString(16);
      const salt = randomBytes(16).toString('hex');
      const now = new Date();
      const timestamp = cognitoTimestamp(now);
      const expected = reference(poolName, a, userId, password, srpB, salt, SECRET_BLOCK, timestamp);
      const start = startSrp(a);
      assert.equal(start.srpA, expected.A);
      assert.equal(
        passwordAuthenticationKey(start, poolName, userId, password, srpB, salt).toString('hex'),
        expected.key,
      );
      const claim = answerPasswordVerifier(
        start,
        `us-west-2_${poolName}`,
        password,
        { SALT: salt, SRP_B: srpB, SECRET_BLOCK, USER_ID_FOR_SRP: userId },
        now,
      );
      assert.equal(claim.PASSWORD_CLAIM_SIGNATURE, expected.signature);
    }
  });

  it('formats TIMESTAMP as Cognito does, the same as amazon-cognito-identity-js', () => {
    assert.equal(cognitoTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), 'Tue Jan 2 03:04:05 UTC 2024');
    assert.equal(cognitoTimestamp(new Date(Date.UTC(2025, 9, 19, 23, 0, 9))), 'Sun Oct 19 23:00:09 UTC 2025');
    assert.equal(cognitoTimestamp(new Date(Date.UTC(2024, 1, 29, 0, 59, 0))), 'Thu Feb 29 00:59:00 UTC 2024');
    // The library reads the clock itself: retry if a second boundary falls between the two reads.
    for (;;) {
      const ours = cognitoTimestamp(new Date());
      const theirs = new lib.DateHelper().getNowString();
      if (ours === cognitoTimestamp(new Date())) {
        assert.equal(ours, theirs);
        break;
      }
    }
  });

  it('exponentiates like plain BigInt, including the values OpenSSL refuses as peer keys', () => {
    const random = BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
    const cases: [bigint, bigint][] = [
      [0n, 5n],
      [1n, 12345n],
      [N - 1n, 7n],
      [N - 1n, 8n],
      [N, 3n],
      [N + 5n, 9n],
      [-3n, 11n],
      [2n, 0n],
      [random, 0n],
      [2n, 1n],
      [2n, 0xdeadbeefcafen],
      [random, 1n],
      [random, 0x1234567890abcdefn],
      [N - 2n, 65537n],
    ];
    for (const [base, exponent] of cases)
      assert.equal(modPowN(base, exponent), slowModPow(base, exponent), `${base.toString(16).slice(0, 8)}^${exponent}`);
    assert.throws(() => modPowN(2n, -1n), RangeError);
  });

  it('refuses a challenge it cannot answer safely, with a sentence that says what to do', () => {
    const start = startSrp();
    const params = { SALT: 'ab12', SRP_B: 'ff', SECRET_BLOCK, USER_ID_FOR_SRP: 'sub' };
    for (const bad of [
      { SRP_B: N.toString(16) },
      { SRP_B: (N * 2n).toString(16) },
      { SRP_B: '0' },
      { SRP_B: 'not-hex' },
      { SALT: 'zz' },
      { SALT: undefined },
      { SECRET_BLOCK: '' },
    ]) {
      assert.throws(
        () => answerPasswordVerifier(start, 'us-east-1_Abc', 'pw', { ...params, ...bad }),
        (e: AuthError) =>
          e instanceof AuthError &&
          e.code === 'InvalidSrpChallenge' &&
          /Try again; if it keeps failing, set "storyteller\.authFlow" to USER_PASSWORD_AUTH\.$/.test(e.message),
      );
    }
  });

  it('draws a fresh 256-bit a for every sign-in', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const s = startSrp();
      assert.ok(s.a > 0n && s.a < 2n ** 256n);
      assert.equal(s.A, slowModPow(2n, s.a));
      seen.add(s.srpA);
    }
    assert.equal(seen.size, 4);
  });

  it('computes SECRET_HASH as Base64(HMAC-SHA256(secret, username + client id))', () => {
    // Worked by hand with `printf '%s' 'ann@example.com1example23456789' | openssl dgst -sha256 -hmac 's3cr3t' -binary
    // | base64`.
    assert.equal(
      secretHash('ann@example.com', '1example23456789', 's3cr3t'),
      '2fmexO/UfqVmmrWk8jnCEHN9tcDBY6HhfH2OSzirR8A=',
    );
  });

  it('keeps each synchronous step far under one 16 ms frame (median of 5)', () => {
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[2] as number;
    const starts: number[] = [];
    const answers: number[] = [];
    const params = {
      SALT: randomBytes(16).toString('hex'),
      SRP_B: (BigInt(`0x${randomBytes(384).toString('hex')}`) % N).toString(16),
      SECRET_BLOCK,
      USER_ID_FOR_SRP: randomUUID(),
    };
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      const start = startSrp();
      starts.push(performance.now() - t);
      t = performance.now();
      answerPasswordVerifier(start, 'us-east-1_AbCdEf123', 'Correct-Horse-9', params);
      answers.push(performance.now() - t);
    }
    // About 1 and 3 ms here; the jsbn implementation took 150 to 250 ms for each.
    assert.ok(median(starts) < 16, `startSrp: ${median(starts).toFixed(1)} ms`);
    assert.ok(median(answers) < 16, `answerPasswordVerifier: ${median(answers).toFixed(1)} ms`);
  });
});

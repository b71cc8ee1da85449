// RS256 JSON Web Tokens as Cognito issues them, signed with a key whose public half the JWKS
// endpoint serves, so aws-jwt-verify and the identity pool accept them.
import {
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface SigningKey {
  kid: string;
  privatePem: string;
}

export type Claims = Record<string, unknown>;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid:
      randomBytes(16)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 20) + '=',
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(private readonly key: SigningKey) {
    this.privateKey = createPrivateKey(key.privatePem);
    this.publicKey = createPublicKey(this.privateKey);
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ alg: 'RS256', e: jwk.e, kid: this.key.kid, kty: 'RSA', n: jwk.n, use: 'sig' }] };
  }

  sign(claims: Claims): string {
    const input = `${b64url(JSON.stringify({ kid: this.key.kid, alg: 'RS256' }))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(this.privateKey);
    return `${input}.${b64url(signature)}`;
  }

  /** Returns the claims of a token this signer made, or null for anything else. */
  verify(token: string): Claims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    const ok = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(this.publicKey, Buffer.from(signature, 'base64url'));
    if (!ok) return null;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return null;
    }
  }
}

// Last line of defence for the log: anything shaped like a token or key is masked even if a
// caller forgets, by the name it is given (`Password: '…'`, `"SecretKey":"…"`, `PASSWORD=…`,
// `x-amz-security-token: …`) and by its shape alone (JWTs, AWS keys and session tokens, client
// secrets, TOTP secrets). Callers still must not log secrets on purpose.

/** Names whose values are secrets, in any case, in AWS payloads, SDK objects, forms and headers. */
const SECRET_KEYS = [
  'Password',
  'ProposedPassword',
  'PreviousPassword',
  'NEW_PASSWORD',
  'SecretKey',
  'SecretAccessKey',
  'aws_secret_access_key',
  'SessionToken',
  'aws_session_token',
  'X-Amz-Security-Token',
  'X-Amz-Signature',
  'SECRET_HASH',
  'SecretHash',
  'ClientSecret',
  'client_secret',
  'RefreshToken',
  'REFRESH_TOKEN',
  'refresh_token',
  'IdToken',
  'id_token',
  'AccessToken',
  'access_token',
  'Session',
  'SRP_A',
  'PASSWORD_CLAIM_SIGNATURE',
  'PASSWORD_CLAIM_SECRET_BLOCK',
  'SECRET_BLOCK',
  'SecretCode',
  'Authorization',
  // OAuth: the PKCE verifier and the ID token's nonce, wherever they are written.
  'code_verifier',
  'nonce',
];
const KEY = `(?:${SECRET_KEYS.map((k) => k.replace(/[-_]/g, '[-_]?')).join('|')})`;
// A key as written in JSON ("Key"), escaped JSON (\"Key\"), util.inspect (Key or 'Key') or a form.
const KEY_WRITTEN = `((?<![\\w-])(?:\\\\?["'])?${KEY}(?:\\\\?["'])?\\s*[:=]\\s*)`;
const KEY_EQUALS = `((?<![\\w-])${KEY}=)`;

const PATTERNS: readonly [RegExp, string | ((match: string) => string)][] = [
  // Quoted values, with escaped quotes inside: "…", '…' and, in escaped JSON, \"…\".
  [new RegExp(`${KEY_WRITTEN}${String.raw`\\"(?:[^\\]|\\\\\\"|\\\\|\\[^"\\])*\\"`}`, 'gi'), '$1\\"[redacted]\\"'],
  [new RegExp(`${KEY_WRITTEN}"(?:[^"\\\\]|\\\\.)*"`, 'gi'), '$1"[redacted]"'],
  [new RegExp(`${KEY_WRITTEN}'(?:[^'\\\\]|\\\\.)*'`, 'gi'), "$1'[redacted]'"],
  // Unquoted values: form fields and query strings (Password=…&).
  [new RegExp(`${KEY_EQUALS}(?!["'\\\\\\[])[^\\s&,;"'}\\]]+`, 'gi'), '$1[redacted]'],
  // An OAuth callback's or token request's code and state (?code=…&state=…): only as query or form
  // fields, since "code" and "state" name ordinary things elsewhere (an error's code, a session's state).
  [/((?<=[?&#])(?:code|state)=)[^\s&#"'<>]+/gi, '$1[redacted]'],
  // Headers, to the end of the line: x-amz-security-token: …, Authorization: AWS4-HMAC-SHA256 ….
  [/((?<![\w-])(?:x-amz-security-token|authorization)\s*:\s*)(?!["'\\[])[^\r\n]+/gi, '$1[redacted]'],
  // TOTP setup links carry the secret.
  [/\botpauth:\/\/[^\s"'<>]+/gi, '[redacted otpauth URI]'],
  // JWTs (ID, access tokens) and Cognito's encrypted refresh tokens (JWE, five parts).
  [/\beyJ[\w-]{8,}(?:\.[\w-]*){2,4}/g, '[redacted token]'],
  // AWS access key ids, long-term and temporary.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted key id]'],
  // Session tokens and other long base64 secrets.
  [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{100,}={0,2}(?![A-Za-z0-9/+=])/g, mixed('[redacted token]', 3)],
  // AWS secret access keys: 40 characters of base64.
  [/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, mixed('[redacted secret]', 3)],
  // Cognito app client secrets: about 50 lower-case letters and digits.
  [/(?<![A-Za-z0-9])[a-z0-9]{48,64}(?![A-Za-z0-9])/g, mixed('[redacted secret]', 2)],
  // TOTP secrets: base32, as Cognito's AssociateSoftwareToken returns them.
  [/(?<![A-Za-z0-9])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9])/g, mixed('[redacted secret]', 2)],
];

/** Masks a match only when it mixes character classes (upper, lower, digit), as random keys do; words do not. */
function mixed(replacement: string, classes: number): (match: string) => string {
  return (match) => ([/[A-Z]/, /[a-z]/, /\d/].filter((c) => c.test(match)).length >= classes ? replacement : match);
}

export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Short strings would mask ordinary words; real secrets are long.
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement as string);
  return out;
}

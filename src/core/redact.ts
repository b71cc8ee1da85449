// Last line of defence for the log: anything shaped like a token or key is masked even if a
// caller forgets. Callers still must not log secrets on purpose.

const PATTERNS: readonly [RegExp, string][] = [
  // JWTs (ID, access tokens) and Cognito's encrypted refresh tokens (JWE, five parts).
  [/\beyJ[\w-]{8,}(?:\.[\w-]*){2,4}/g, '[redacted token]'],
  // AWS access key ids, long-term and temporary.
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '[redacted key id]'],
  // Values of fields that carry secrets in AWS JSON payloads.
  [
    /("?(?:Password|ProposedPassword|PreviousPassword|SecretKey|SecretAccessKey|SessionToken|SECRET_HASH|ClientSecret|RefreshToken|IdToken|AccessToken|Session|SRP_A|PASSWORD_CLAIM_SIGNATURE|SecretCode)"?\s*[:=]\s*)"[^"]*"/gi,
    '$1"[redacted]"',
  ],
];

export function redact(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    // Short strings would mask ordinary words; real secrets are long.
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

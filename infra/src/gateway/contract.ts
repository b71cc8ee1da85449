// The story gateway's contract, written once: the Lambda (handler.ts, identity.ts, wire.ts) and the
// extension's client (src/core/story/generation/gateway.ts) both import it, and both esbuild
// builds bundle it. Only valibot here, no Node or Lambda API, so the extension's bundle stays small.
import * as v from 'valibot';
import { CONTENT_SAFETY_POLICIES } from './safety';

/** The header that carries the user's ID token (Authorization carries the SigV4 signature). */
export const ID_TOKEN_HEADER = 'x-storyteller-id-token';
/** AWS's error-name header on a refusal, which the SDK turns into the error's `name`. */
export const ERROR_TYPE_HEADER = 'x-amzn-errortype';
/**
 * The story's audience (the form's: children, young adult, adult). The gateway chooses the
 * guardrail from it and the stack's policy (safety.ts); absent means adult. A guardrailConfig in
 * the body is ignored: the client never chooses its own guardrail.
 */
export const AUDIENCE_HEADER = 'x-storyteller-audience';
/** On a story's 200: the tokens the gateway reserved for it. */
export const RESERVED_TOKENS_HEADER = 'x-storyteller-reserved-tokens';

/** The gateway's routes, relative to its function URL (no leading slash: joined to the setting). */
export const GATEWAY_PATHS = {
  /** POST: a Converse request with the model in the body; Bedrock's own event stream back. */
  converseStream: 'converse-stream',
  /** GET: the caller's day (UsageResponse). */
  usage: 'usage',
} as const;
export type GatewayPath = (typeof GATEWAY_PATHS)[keyof typeof GATEWAY_PATHS];

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** GET /usage: the caller's day as the gateway counts it, and what the stack allows. */
export const UsageResponse = v.object({
  day: v.string(),
  dailyTokens: Count,
  tokensUsed: Count,
  // Committed minus used: not bounded below by the schema, as the store computes it.
  tokensReserved: v.pipe(v.number(), v.integer()),
  tokensLeft: Count,
  requestsLeftThisMinute: v.nullable(Count),
  /** ISO time of the next UTC midnight, when the day's budget starts again. */
  resetsAt: v.pipe(v.string(), v.isoTimestamp()),
  // Optional: a gateway deployed before they existed does not send them.
  /** The models the stack allows (AllowedModelIds). */
  allowedModelIds: v.exactOptional(v.pipe(v.array(v.string()), v.maxLength(100))),
  /** The most output tokens one story may ask for (maxTokens). */
  maxTokensPerStory: v.exactOptional(Count),
  /** The stack's ContentSafety policy, which the gateway applies to every story. */
  contentSafety: v.exactOptional(v.picklist(CONTENT_SAFETY_POLICIES)),
});
export type UsageResponse = v.InferOutput<typeof UsageResponse>;

/** The error names a refusal carries in ERROR_TYPE_HEADER (AWS's own, so the SDK raises them by name). */
export const GatewayErrorCode = v.picklist([
  'ValidationException',
  'AccessDeniedException',
  'ThrottlingException',
  'BudgetExceededException',
  'ServiceUnavailableException',
  'InternalServerException',
]);
export type GatewayErrorCode = v.InferOutput<typeof GatewayErrorCode>;

/** What a refusal adds to its message: when to retry, or which budget ran out and when it resets. */
export const GatewayErrorDetails = v.object({
  retryAfterSeconds: v.exactOptional(Count),
  limit: v.exactOptional(v.picklist(['user', 'stack'])),
  tokensLeft: v.exactOptional(Count),
  tokensRequested: v.exactOptional(Count),
  resetsAt: v.exactOptional(v.pipe(v.string(), v.isoTimestamp())),
  /**
   * Why an AccessDeniedException: `noCallerIdentity` when the function URL's event carried no
   * requestContext.authorizer.iam.cognitoIdentity of this stack's identity pool (npm run check:stack names it).
   */
  reason: v.exactOptional(v.picklist(['noCallerIdentity'])),
});
export type GatewayErrorDetails = v.InferOutput<typeof GatewayErrorDetails>;

/** A refusal's JSON body (AWS's shape: `message`), sent before any stream starts. */
export const GatewayErrorBody = v.object({ message: v.string(), ...GatewayErrorDetails.entries });
export type GatewayErrorBody = v.InferOutput<typeof GatewayErrorBody>;

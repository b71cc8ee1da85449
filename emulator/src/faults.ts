// Faults on demand and per-operation call counters, for reliability tests of the clients.
import * as v from 'valibot';
import { AwsError } from './errors';

export interface ErrorFault {
  kind: 'error';
  operation: string;
  error: string;
  status: number;
  message: string;
  remaining: number;
}

export interface CutFault {
  kind: 'cut';
  operation: string;
  afterTokens: number;
  mode: 'exception' | 'reset';
  exception: string;
  message: string;
  remaining: number;
}

export interface LatencyFault {
  kind: 'latency';
  operation: string | null;
  ms: number;
  remaining: number;
}

/** The next invocations of a function die (Lambda's timeout) after `afterMs`, mid-stream or not. */
export interface FunctionTimeoutFault {
  kind: 'functionTimeout';
  operation: string;
  afterMs: number;
  remaining: number;
}

/**
 * The next function URL events lack requestContext.authorizer.iam.cognitoIdentity: what the gateway
 * sees if real Lambda fills the request context differently than the docs read (#28).
 */
export interface NoCallerIdentityFault {
  kind: 'noCallerIdentity';
  operation: 'InvokeFunctionUrl';
  remaining: number;
}

type Fault = ErrorFault | CutFault | LatencyFault | FunctionTimeoutFault | NoCallerIdentityFault;

// The status each AWS error carries when a test names only the error.
const DEFAULT_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  TooManyRequestsException: 400,
  LimitExceededException: 400,
  InternalServerException: 500,
  InternalErrorException: 500,
  ServiceUnavailableException: 503,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  AccessDeniedException: 403,
  ValidationException: 400,
  NotAuthorizedException: 400,
};

const KINDS =
  'error, cut, latency, functionTimeout, noCallerIdentity, clockSkew, expireCredentials or revokeRefreshTokens';
const COUNT = 'count must be a positive integer';
const ERROR_NEEDS = 'an error fault needs operation and error';
const CUT_NEEDS = 'a cut fault needs operation and afterTokens >= 0';
const LATENCY_NEEDS = 'a latency fault needs ms >= 0';
const STATUS = 'status must be an HTTP error status from 400 to 599';
const SKEW_NEEDS = 'clockSkew needs seconds';
const TIMEOUT_NEEDS = 'a functionTimeout fault needs afterMs >= 0';

const name = (message: string) => v.pipe(v.string(message), v.nonEmpty(message));
const atLeast = (min: number, message: string) =>
  v.pipe(v.number(message), v.finite(message), v.minValue(min, message));
const count = v.exactOptional(v.pipe(v.number(COUNT), v.integer(COUNT), v.minValue(1, COUNT)));
/**
 * One fault of each kind; a field it does not take is refused, so a typo never arms something else.
 * A missing field gets its own schema's message.
 */
const fault = <T extends v.ObjectEntries>(entries: T) =>
  v.strictObject(entries, (issue) => {
    const key = String(issue.path?.[0]?.key ?? '');
    if (issue.expected === 'never') return `${key} is not a field of this fault`;
    return (key in entries && v.safeParse(entries[key]!, undefined).issues?.[0].message) || `${key} is missing`;
  });

/** A request of `POST /_emulator/faults` (or of the handle's `fault()`). */
export const FaultSpec = v.variant(
  'kind',
  [
    fault({
      kind: v.literal('error'),
      operation: name(ERROR_NEEDS),
      error: name(ERROR_NEEDS),
      status: v.exactOptional(
        v.pipe(v.number(STATUS), v.integer(STATUS), v.minValue(400, STATUS), v.maxValue(599, STATUS)),
      ),
      message: v.exactOptional(v.string()),
      count,
    }),
    fault({
      kind: v.literal('cut'),
      operation: name(CUT_NEEDS),
      afterTokens: v.exactOptional(atLeast(0, CUT_NEEDS), 0),
      mode: v.exactOptional(v.picklist(['exception', 'reset'], 'mode is exception or reset'), 'exception'),
      exception: v.exactOptional(v.string()),
      message: v.exactOptional(v.string()),
      count,
    }),
    fault({
      kind: v.literal('latency'),
      operation: v.exactOptional(v.string()),
      ms: atLeast(0, LATENCY_NEEDS),
      count,
    }),
    fault({
      kind: v.literal('functionTimeout'),
      function: v.exactOptional(v.string()),
      afterMs: atLeast(0, TIMEOUT_NEEDS),
      count,
    }),
    fault({ kind: v.literal('noCallerIdentity'), count }),
    fault({ kind: v.literal('clockSkew'), seconds: v.pipe(v.number(SKEW_NEEDS), v.finite(SKEW_NEEDS)) }),
    fault({ kind: v.literal('expireCredentials') }),
    fault({ kind: v.literal('revokeRefreshTokens') }),
  ],
  (issue) => `Unknown fault kind ${String(issue.input)}; use ${KINDS}`,
);
export type FaultSpec = v.InferInput<typeof FaultSpec>;

export interface FaultActions {
  expireCredentials(): number;
  revokeRefreshTokens(): number;
}

export class Faults {
  private faults: Fault[] = [];
  private skewMs = 0;
  readonly counters = new Map<string, number>();

  constructor(private readonly actions: FaultActions) {}

  /** The emulator's clock; clock-skew faults move it. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  count(operation: string): void {
    this.counters.set(operation, (this.counters.get(operation) ?? 0) + 1);
  }

  /** Consumes and throws an injected error for this call, if one is armed. */
  checkError(operation: string): void {
    const f = this.take('error', operation);
    if (f) throw new AwsError(f.error, f.message, f.status);
  }

  takeCut(operation: string): CutFault | undefined {
    return this.take('cut', operation);
  }

  async delay(operation: string): Promise<void> {
    const f = this.faults.find(
      (x): x is LatencyFault => x.kind === 'latency' && (x.operation === null || x.operation === operation),
    );
    if (!f) return;
    if (--f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    await new Promise((done) => setTimeout(done, f.ms));
  }

  /** How long this invocation of the function may run before it dies, if a fault says so. */
  takeFunctionTimeout(functionLogicalId: string): number | undefined {
    return this.take('functionTimeout', functionLogicalId)?.afterMs;
  }

  /** True when this function URL invocation's event should lack the caller's Cognito identity. */
  takeNoCallerIdentity(): boolean {
    return this.take('noCallerIdentity', 'InvokeFunctionUrl') !== undefined;
  }

  private take<K extends 'error' | 'cut' | 'functionTimeout' | 'noCallerIdentity'>(
    kind: K,
    operation: string,
  ): Extract<Fault, { kind: K }> | undefined {
    const f = this.faults.find((x) => x.kind === kind && x.operation === operation);
    if (!f) return undefined;
    if (--f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f as Extract<Fault, { kind: K }>;
  }

  list(): unknown {
    return { faults: this.faults, clockSkewSeconds: this.skewMs / 1000 };
  }

  clear(): void {
    this.faults = [];
    this.skewMs = 0;
  }

  /** Applies one fault request of the admin API; returns what it did, for the reply. */
  apply(input: unknown): Record<string, unknown> {
    const parsed = v.safeParse(FaultSpec, input);
    if (!parsed.success) throw new AwsError('ValidationException', parsed.issues[0].message);
    const spec = parsed.output;
    switch (spec.kind) {
      case 'error': {
        const { kind, operation, error, count = 1 } = spec;
        const status = spec.status ?? DEFAULT_STATUS[error] ?? 400;
        const message = spec.message ?? `Injected ${error} (emulator fault)`;
        this.faults.push({ kind, operation, error, status, message, remaining: count });
        return { armed: kind, operation, error, status, count };
      }
      case 'cut': {
        const { kind, operation, afterTokens, mode, count = 1 } = spec;
        const exception = spec.exception ?? 'modelStreamErrorException';
        const message = spec.message ?? 'Injected stream error (emulator fault)';
        this.faults.push({ kind, operation, afterTokens, mode, exception, message, remaining: count });
        return { armed: kind, operation, afterTokens, mode, count };
      }
      case 'latency': {
        const { kind, ms } = spec;
        const operation = spec.operation || null;
        this.faults.push({ kind, operation, ms, remaining: spec.count ?? Number.POSITIVE_INFINITY });
        return { armed: kind, operation, ms };
      }
      case 'functionTimeout': {
        // Without a function name it applies to the story gateway, the only streaming function.
        const operation = spec.function ?? 'StoryGatewayFunction';
        const count = spec.count ?? 1;
        this.faults.push({ kind: spec.kind, operation, afterMs: spec.afterMs, remaining: count });
        return { armed: spec.kind, function: operation, afterMs: spec.afterMs, count };
      }
      case 'noCallerIdentity': {
        const count = spec.count ?? 1;
        this.faults.push({ kind: spec.kind, operation: 'InvokeFunctionUrl', remaining: count });
        return { armed: spec.kind, count };
      }
      case 'clockSkew':
        this.skewMs = spec.seconds * 1000;
        return { clockSkewSeconds: spec.seconds };
      case 'expireCredentials':
        return { expired: this.actions.expireCredentials() };
      case 'revokeRefreshTokens':
        return { revoked: this.actions.revokeRefreshTokens() };
    }
  }
}

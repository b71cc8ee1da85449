// Faults on demand and per-operation call counters, for reliability tests of the clients.
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

type Fault = ErrorFault | CutFault | LatencyFault;

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

  private take<K extends 'error' | 'cut'>(kind: K, operation: string): Extract<Fault, { kind: K }> | undefined {
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
  apply(input: Record<string, unknown>): Record<string, unknown> {
    const kind = input.kind;
    const operation = typeof input.operation === 'string' ? input.operation : '';
    const count = input.count === undefined ? 1 : Number(input.count);
    if (!Number.isInteger(count) || count < 1)
      throw new AwsError('ValidationException', 'count must be a positive integer');
    switch (kind) {
      case 'error': {
        const error = typeof input.error === 'string' ? input.error : '';
        if (!operation || !error) throw new AwsError('ValidationException', 'an error fault needs operation and error');
        const status = input.status === undefined ? (DEFAULT_STATUS[error] ?? 400) : Number(input.status);
        const message = typeof input.message === 'string' ? input.message : `Injected ${error} (emulator fault)`;
        this.faults.push({ kind, operation, error, status, message, remaining: count });
        return { armed: kind, operation, error, status, count };
      }
      case 'cut': {
        const afterTokens = Number(input.afterTokens ?? 0);
        const mode = input.mode === 'reset' ? 'reset' : 'exception';
        if (!operation || !(afterTokens >= 0))
          throw new AwsError('ValidationException', 'a cut fault needs operation and afterTokens >= 0');
        const exception = typeof input.exception === 'string' ? input.exception : 'modelStreamErrorException';
        const message = typeof input.message === 'string' ? input.message : 'Injected stream error (emulator fault)';
        this.faults.push({ kind, operation, afterTokens, mode, exception, message, remaining: count });
        return { armed: kind, operation, afterTokens, mode, count };
      }
      case 'latency': {
        const ms = Number(input.ms);
        if (!(ms >= 0)) throw new AwsError('ValidationException', 'a latency fault needs ms >= 0');
        const remaining = input.count === undefined ? Number.POSITIVE_INFINITY : count;
        this.faults.push({ kind, operation: operation || null, ms, remaining });
        return { armed: kind, operation: operation || null, ms };
      }
      case 'clockSkew': {
        const seconds = Number(input.seconds);
        if (!Number.isFinite(seconds)) throw new AwsError('ValidationException', 'clockSkew needs seconds');
        this.skewMs = seconds * 1000;
        return { clockSkewSeconds: seconds };
      }
      case 'expireCredentials':
        return { expired: this.actions.expireCredentials() };
      case 'revokeRefreshTokens':
        return { revoked: this.actions.revokeRefreshTokens() };
      default:
        throw new AwsError(
          'ValidationException',
          `Unknown fault kind ${String(kind)}; use error, cut, latency, clockSkew, expireCredentials or revokeRefreshTokens`,
        );
    }
  }
}

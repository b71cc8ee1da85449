// An AWS service error: its name (the `__type` / `x-amzn-errortype`), message and HTTP status.
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Bedrock's 400 for a request it cannot take. */
export const invalid = (message: string): AwsError => new AwsError('ValidationException', message, 400);

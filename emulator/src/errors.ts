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

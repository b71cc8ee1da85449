// What the story gateway tells callers of a Bedrock or SDK failure (infra/src/gateway/errors.ts,
// #23): the kind, in a fixed sentence, never Bedrock's own message.
import * as assert from 'node:assert/strict';
import { failureKind, requestFailure, streamFailure } from '../../../infra/src/gateway/errors';
import { GatewayError } from '../../../infra/src/gateway/wire';

const SECRET = 'User: arn:aws:sts::123456789012:assumed-role/StoryGatewayRole/fn is not authorized';
/** As the SDK throws them: a name, a message, and the response's metadata. */
const bedrockError = (name: string, status = 400): Error =>
  Object.assign(new Error(SECRET), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });

/** The exception members ConverseStream's output union defines; the SDK reads no others. */
const SDK_STREAM_MEMBERS = [
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
];

/** Runs `fn` with a log of its own, and returns what it logged. */
function logged<T>(fn: (log: (line: string) => void) => T): { value: T; lines: string[] } {
  const lines: string[] = [];
  return { value: fn((line) => lines.push(line)), lines };
}

describe('story gateway errors (#23)', () => {
  it('sorts Bedrock errors into four kinds; anything unknown is a service error', () => {
    const kinds = Object.fromEntries(
      [
        'ThrottlingException',
        'ServiceQuotaExceededException',
        'ModelNotReadyException',
        'AccessDeniedException',
        'ResourceNotFoundException',
        'ValidationException',
        'InternalServerException',
        'ModelTimeoutException',
        'ModelErrorException',
        'TypeError',
      ].map((name) => [name, failureKind(bedrockError(name))]),
    );
    assert.deepEqual(kinds, {
      ThrottlingException: 'throttled',
      ServiceQuotaExceededException: 'throttled',
      ModelNotReadyException: 'throttled',
      AccessDeniedException: 'modelUnavailable',
      ResourceNotFoundException: 'modelUnavailable',
      ValidationException: 'validation',
      InternalServerException: 'service',
      ModelTimeoutException: 'service',
      ModelErrorException: 'service',
      TypeError: 'service',
    });
    assert.equal(failureKind(undefined), 'service');
    assert.equal(failureKind('a string'), 'service');
  });

  it('answers before the stream with a fixed sentence and status per kind, and logs the details', () => {
    const answers = new Set<string>();
    for (const [name, code, status] of [
      ['ThrottlingException', 'ThrottlingException', 429],
      ['AccessDeniedException', 'AccessDeniedException', 403],
      ['ResourceNotFoundException', 'AccessDeniedException', 403],
      ['ValidationException', 'ValidationException', 400],
      ['InternalServerException', 'ServiceUnavailableException', 503],
    ] as const) {
      const { value: err, lines } = logged((log) =>
        requestFailure(bedrockError(name, 500), 'amazon.nova-lite-v1:0', log),
      );
      assert.ok(err instanceof GatewayError);
      assert.deepEqual([err.code, err.status], [code, status], name);
      assert.ok(!err.message.includes('123456789012') && !err.message.includes('arn:'), err.message);
      assert.match(err.message, /^[A-Z][^.]*\.$/, 'one sentence');
      answers.add(err.message);
      assert.equal(lines.length, 1);
      const line = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.deepEqual(
        [line['event'], line['phase'], line['name'], line['message'], line['requestId'], line['modelId']],
        ['bedrockError', 'request', name, SECRET, 'req-1', 'amazon.nova-lite-v1:0'],
      );
    }
    assert.equal(answers.size, 4, 'one sentence per kind');
  });

  it('frames errors during the stream as members the SDK knows, with the same sentences', () => {
    for (const [name, type] of [
      ['ThrottlingException', 'throttlingException'],
      ['ValidationException', 'validationException'],
      ['ModelStreamErrorException', 'modelStreamErrorException'],
      ['InternalServerException', 'internalServerException'],
      ['ServiceUnavailableException', 'serviceUnavailableException'],
      ['ModelNotReadyException', 'throttlingException'],
      ['ModelTimeoutException', 'modelStreamErrorException'],
      ['Error', 'modelStreamErrorException'],
      ['AbortError', 'modelStreamErrorException'],
    ] as const) {
      const { value: frame, lines } = logged((log) => streamFailure(bedrockError(name), 'amazon.nova-lite-v1:0', log));
      assert.equal(frame.type, type, name);
      assert.ok(SDK_STREAM_MEMBERS.includes(frame.type), frame.type);
      assert.ok(!frame.message.includes('123456789012'), frame.message);
      assert.equal(frame.message, requestFailureMessage(name));
      assert.match(lines[0] ?? '', /"phase":"stream"/);
    }
  });
});

const requestFailureMessage = (name: string): string =>
  logged((log) => requestFailure(bedrockError(name), 'amazon.nova-lite-v1:0', log)).value.message;

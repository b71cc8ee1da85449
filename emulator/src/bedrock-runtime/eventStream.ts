// Bedrock's response streams: application/vnd.amazon.eventstream frames (EventStreamCodec),
// events and exceptions, and the pump that paces them and obeys the cut faults.
import { EventStreamCodec } from '@smithy/core/event-streams';
import type { Reply } from '../http';
import type { Stories } from './stories';

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify(payload))),
  });
}

export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: new Uint8Array(Buffer.from(JSON.stringify({ message }))),
  });
}

/** The frames of one stream: before the tokens, one per token, and after them. */
export interface StreamFrames {
  head: Uint8Array[];
  token(text: string, index: number): Uint8Array;
  tail(): Uint8Array[];
}

/** Streams the story's tokens at the configured rate; a cut fault ends it early. */
export async function pump(
  operation: string,
  reply: Reply,
  tokens: string[],
  text: string,
  frames: StreamFrames,
  stories: Pick<Stories, 'takeCut' | 'streamRate' | 'recordStream'>,
): Promise<void> {
  const cut = stories.takeCut(operation);
  reply.startStream(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-bedrock-content-type': 'application/json',
  });
  for (const frame of frames.head) await reply.write(frame);
  const rate = stories.streamRate();
  const start = Date.now();
  const record = stories.recordStream({
    operation,
    tokens: tokens.length,
    chars: text.length,
    startedAt: start,
    lastTokenAt: null,
    endedAt: null,
  });
  const cutNow = async (): Promise<void> => {
    if (cut?.mode === 'reset') return reply.reset();
    await reply.write(exceptionFrame(cut?.exception ?? 'modelStreamErrorException', cut?.message ?? ''));
    reply.end();
  };
  for (let i = 0; i < tokens.length; i++) {
    if (reply.closed) return;
    if (cut && i === cut.afterTokens) return cutNow();
    if (rate > 0) {
      const wait = start + (i * 1000) / rate - Date.now();
      if (wait > 2) await new Promise((done) => setTimeout(done, wait));
    }
    await reply.write(frames.token(tokens[i] as string, i));
    record.lastTokenAt = Date.now();
  }
  if (cut && cut.afterTokens >= tokens.length) return cutNow();
  for (const frame of frames.tail()) await reply.write(frame);
  reply.end();
  record.endedAt = Date.now();
}

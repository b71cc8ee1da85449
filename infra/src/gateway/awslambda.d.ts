// Lambda's Node.js response-streaming contract: globals the runtime provides (and the local
// emulator provides the same way). https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
import type { Context } from 'aws-lambda';
import type { Writable } from 'node:stream';

declare global {
  namespace awslambda {
    interface ResponseStream extends Writable {
      setContentType(contentType: string): void;
    }
    type StreamingHandler<TEvent> = (event: TEvent, responseStream: ResponseStream, context: Context) => Promise<void>;
    function streamifyResponse<TEvent>(handler: StreamingHandler<TEvent>): StreamingHandler<TEvent>;
    namespace HttpResponseStream {
      function from(
        stream: ResponseStream,
        prelude: { statusCode: number; headers?: Record<string, string> },
      ): ResponseStream;
    }
  }
}

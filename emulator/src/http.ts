// One TCP port that speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge). The Bedrock
// runtime client in Node always uses HTTP/2, the Cognito clients HTTP/1.1; both reach here.
import { createServer as createHttp1Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as h2constants, createServer as createHttp2Server } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * nghttp2 reads a real socket natively, so bytes put back with unshift() never reach it. Hand
 * the HTTP/2 server a JS stream instead, starting with the bytes already read.
 */
function replayingStream(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, done) {
      socket.write(chunk, done);
    },
    final(done) {
      socket.end(done);
    },
    destroy(err, done) {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  stream.push(first);
  socket.on('data', (d: Buffer) => {
    if (!stream.push(d)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (err) => stream.destroy(err));
  return stream;
}

export interface EmuRequest {
  method: string;
  /** Decoded path, for routing. */
  path: string;
  /** The path exactly as sent (percent-encoded), for SigV4. */
  rawPath: string;
  query: URLSearchParams;
  /** Lower-case header names; over HTTP/2 this includes `:authority`. */
  headers: Record<string, string>;
  body: Buffer;
  http2: boolean;
}

/** A response that can be a whole body or a stream of chunks, and can be cut abruptly. */
export interface Reply {
  send(status: number, headers: Record<string, string>, body: string | Buffer): void;
  startStream(status: number, headers: Record<string, string>): void;
  /** Resolves when the chunk is handed over (respecting back-pressure). */
  write(chunk: Uint8Array): Promise<void>;
  end(): void;
  /** Tears the connection (HTTP/1.1) or the stream (HTTP/2) down without a proper end. */
  reset(): void;
  readonly closed: boolean;
}

export type Handler = (req: EmuRequest, reply: Reply) => Promise<void>;

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

type AnyReq = IncomingMessage | Http2ServerRequest;
type AnyRes = ServerResponse | Http2ServerResponse;

function makeReply(req: AnyReq, res: AnyRes, dateHeader: () => string): Reply {
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const head = (status: number, headers: Record<string, string>): void => {
    // Typed per protocol, the same call on both.
    (res as ServerResponse).writeHead(status, { date: dateHeader(), ...headers });
  };
  return {
    get closed() {
      return closed;
    },
    send(status, headers, body) {
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      head(status, { ...headers, 'content-length': String(buf.length) });
      (res as ServerResponse).end(buf);
    },
    startStream(status, headers) {
      head(status, headers);
      (res as ServerResponse).flushHeaders();
    },
    write(chunk) {
      if (closed) return Promise.resolve();
      if ((res as ServerResponse).write(chunk)) return Promise.resolve();
      return new Promise((done) => {
        const finish = (): void => {
          res.off('drain', finish);
          res.off('close', finish);
          done();
        };
        res.on('drain', finish);
        res.on('close', finish);
      });
    },
    end() {
      if (!closed) (res as ServerResponse).end();
    },
    reset() {
      closed = true;
      if ('stream' in req && req.stream) req.stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
      else req.socket.destroy();
    },
  };
}

export async function listen(port: number, handler: Handler, dateHeader: () => string): Promise<RunningServer> {
  const onRequest = (req: AnyReq, res: AnyRes): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      }
      const request: EmuRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        rawPath: (req.url ?? '/').split('?')[0] ?? '/',
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
        http2: req.httpVersionMajor === 2,
      };
      const reply = makeReply(req, res, dateHeader);
      handler(request, reply).catch((err: unknown) => {
        // A bug must not look like an AWS answer the SDK would retry forever; say what broke.
        console.error('emulator: unhandled error', err);
        if (!reply.closed && !res.headersSent) {
          reply.send(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalEmulatorError' },
            JSON.stringify({ __type: 'InternalEmulatorError', message: String((err as Error)?.message ?? err) }));
        } else reply.reset();
      });
    });
  };
  const h1 = createHttp1Server({ keepAliveTimeout: 5000 }, onRequest);
  const h2 = createHttp2Server({}, onRequest);
  const sockets = new Set<Socket>();
  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      // The HTTP/2 connection preface starts with "PRI *"; anything else is HTTP/1.x.
      if (first.subarray(0, 3).toString('latin1') === 'PRI') {
        h2.emit('connection', replayingStream(socket, first));
      } else {
        socket.unshift(first);
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((done, fail) => {
    net.once('error', fail);
    net.listen(port, '127.0.0.1', () => done());
  });
  return {
    port: (net.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        net.close(() => done());
      }),
  };
}

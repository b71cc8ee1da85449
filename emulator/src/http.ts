// One TCP port that speaks HTTP/1.1 and cleartext HTTP/2 (prior knowledge). The Bedrock
// runtime client in Node always uses HTTP/2, the Cognito clients HTTP/1.1; both reach here.
import { createServer as createHttp1Server } from 'node:http';
import type { IncomingMessage, Server as Http1Server, ServerResponse } from 'node:http';
import { constants as h2constants, createServer as createHttp2Server } from 'node:http2';
import type { Http2Server, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * nghttp2 reads a real socket natively, so bytes put back with unshift() never reach it. Hand
 * the HTTP/2 server a JS stream instead, starting with the bytes already read.
 */
function replayingStream(socket: Socket, first: Buffer): Duplex {
  // A peer that vanishes mid-stream (a Lambda environment killed by its timeout) must not leave a
  // write or shutdown of the HTTP/2 internals unfinished: they assert on the next one, and the
  // process dies. Every callback is called once, at the latest when the socket closes.
  const unfinished = new Set<() => void>();
  const once = (done: () => void): (() => void) => {
    const finish = (): void => {
      if (!unfinished.delete(finish)) return;
      done();
    };
    unfinished.add(finish);
    return finish;
  };
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, done) {
      if (socket.destroyed || !socket.writable) return done();
      socket.write(
        chunk,
        once(() => done()),
      );
    },
    final(done) {
      if (socket.destroyed) return done();
      socket.end(once(() => done()));
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
  // An HTTP/2 peer does not half-close: its end is its going away (a killed Lambda environment).
  // Ending the stream would start a shutdown that the session's next write asserts on; destroy it.
  socket.on('end', () => stream.destroy());
  socket.on('close', () => {
    for (const finish of [...unfinished]) finish();
    stream.destroy();
  });
  socket.on('error', (err) => stream.destroy(err));
  return stream;
}

export interface EmuRequest {
  method: string;
  /** Decoded path, for routing. */
  path: string;
  /** The path exactly as sent (percent-encoded), for SigV4. */
  rawPath: string;
  /** The query exactly as sent, without the `?`, for SigV4. */
  rawQuery: string;
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
  /** Called once the response is over: ended, reset, or dropped by the client. */
  onClose(listener: () => void): void;
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
    onClose(listener) {
      if (closed) listener();
      else res.on('close', listener);
    },
    reset() {
      closed = true;
      if ('stream' in req && req.stream) req.stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
      else req.socket.destroy();
    },
  };
}

/** Limits on what the server reads, decided per request before the body is read. */
export interface Limits {
  /** The largest body this request may have, in bytes. */
  maxBodyBytes(method: string, path: string, headers: Record<string, string>): number;
}

/** Percent-decoding that never throws: a malformed escape stays as it was sent. */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Lower-case names; repeated headers joined with a comma, as SigV4 canonicalises them. */
function headersOf(req: AnyReq): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

function tooLarge(limit: number): string {
  return JSON.stringify({
    __type: 'RequestEntityTooLargeException',
    message: `Request body is larger than the ${limit} bytes this operation accepts.`,
  });
}

/** Answers 413 at once and reads no more: the client is told why, the server keeps nothing. */
function refuseTooLarge(req: AnyReq, res: AnyRes, reply: Reply, limit: number): void {
  if (reply.closed || res.headersSent) return;
  reply.send(
    413,
    {
      'content-type': 'application/json',
      'x-amzn-errortype': 'RequestEntityTooLargeException',
      connection: 'close',
    },
    tooLarge(limit),
  );
  req.resume();
  if (!req.httpVersionMajor || req.httpVersionMajor < 2) res.on('finish', () => req.socket.destroy());
}

/** The whole body, unless it grows past `limit`: then `refuse` instead, and no `done`. */
function readBody(req: AnyReq, limit: number, refuse: () => void, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('error', () => undefined);
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > limit) {
      refused = true;
      chunks.length = 0;
      refuse();
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (refused) return;
    done(Buffer.concat(chunks));
  });
}

function runHandler(handler: Handler, request: EmuRequest, reply: Reply, res: AnyRes): void {
  let running: Promise<void>;
  try {
    running = handler(request, reply);
  } catch (err) {
    running = Promise.reject(err);
  }
  running.catch((err: unknown) => {
    // A bug must not look like an AWS answer the SDK would retry forever; say what broke.
    console.error('emulator: unhandled error', err);
    if (!reply.closed && !res.headersSent) {
      reply.send(
        400,
        { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalEmulatorError' },
        JSON.stringify({ __type: 'InternalEmulatorError', message: String((err as Error)?.message ?? err) }),
      );
    } else reply.reset();
  });
}

/** The same for both protocols: the request as the handler sees it, once its body is read. */
function requestListener(
  handler: Handler,
  dateHeader: () => string,
  limits: Limits,
): (req: AnyReq, res: AnyRes) => void {
  return (req, res) => {
    // Never parse the target with URL: "//x" would become a host. Split it as sent.
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    const headers = headersOf(req);
    const method = req.method ?? 'GET';
    const path = decodePath(rawPath);
    const reply = makeReply(req, res, dateHeader);
    const limit = limits.maxBodyBytes(method, path, headers);
    const refuse = (): void => refuseTooLarge(req, res, reply, limit);
    const declared = Number(headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limit) return refuse();
    readBody(req, limit, refuse, (body) => {
      const query = new URLSearchParams(rawQuery);
      const http2 = req.httpVersionMajor === 2;
      runHandler(handler, { method, path, rawPath, rawQuery, query, headers, body, http2 }, reply, res);
    });
  };
}

function protocolServers(onRequest: (req: AnyReq, res: AnyRes) => void): { h1: Http1Server; h2: Http2Server } {
  const h1 = createHttp1Server({ keepAliveTimeout: 5000 }, onRequest);
  const h2 = createHttp2Server({}, onRequest);
  // A broken client (h2c garbage, a reset mid-frame) ends its own session, never the server.
  h2.on('sessionError', () => undefined);
  h2.on('error', () => undefined);
  h1.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return { h1, h2 };
}

/** The TCP side: each connection goes to the server of the protocol its first bytes speak. */
function sniffingServer(h1: Http1Server, h2: Http2Server, sockets: Set<Socket>): NetServer {
  // No Nagle: a stream's small first frame must not wait for the peer's delayed ACK (h1 sets this itself).
  return createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
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
}

export async function listen(
  port: number,
  handler: Handler,
  dateHeader: () => string,
  limits: Limits,
): Promise<RunningServer> {
  const { h1, h2 } = protocolServers(requestListener(handler, dateHeader, limits));
  const sockets = new Set<Socket>();
  const net = sniffingServer(h1, h2, sockets);
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

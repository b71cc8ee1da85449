// Runs a response-streaming Lambda function (a function URL with InvokeMode RESPONSE_STREAM) as
// Lambda does: the real handler, bundled with esbuild as `sam build` would, in execution
// environments (worker threads) that each serve one invocation at a time, with the function's
// environment, its role's credentials and its timeout. The runtime's streaming contract
// (`awslambda.streamifyResponse`, `awslambda.HttpResponseStream.from`) is provided as globals.
// A timed-out invocation's environment is destroyed, as Lambda does, so nothing it had left to
// do (settling a budget) ever happens.
import { buildSync } from 'esbuild';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { FunctionConfig } from '../config';
import { AwsError } from '../errors';
import type { Reply } from '../http';
import { TemplateError } from '../template';

// Plain CommonJS evaluated inside the worker. The clock is the emulator's (clock-skew faults move
// it), so tokens, signatures and UTC days agree with the services the function calls.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Writable } = require('node:stream');
const Module = require('node:module');
const path = require('node:path');
const RealDate = Date;
let offset = 0;
class EmulatorDate extends RealDate {
  constructor(...args) { if (args.length === 0) super(RealDate.now() + offset); else super(...args); }
  static now() { return RealDate.now() + offset; }
}
globalThis.Date = EmulatorDate;
const PRELUDE = Symbol('prelude');
globalThis.awslambda = {
  streamifyResponse(fn) { return fn; },
  HttpResponseStream: { from(stream, prelude) { stream[PRELUDE](prelude); return stream; } },
};
const m = new Module(workerData.filename);
m.filename = workerData.filename;
m.paths = Module._nodeModulePaths(path.dirname(workerData.filename));
m._compile(workerData.code, workerData.filename);
const handler = m.exports[workerData.exportName];
let current = null;
const post = (msg) => parentPort.postMessage(msg);
parentPort.on('message', (msg) => {
  if (msg.kind === 'abort') {
    if (current && current.id === msg.id) current.stream.destroy();
    return;
  }
  const { id, event, deadline, functionName, functionArn } = msg;
  offset = msg.clockOffsetMs;
  let preluded = false;
  const stream = new Writable({
    write(chunk, _enc, done) { post({ id, kind: 'chunk', chunk: new Uint8Array(chunk) }); done(); },
    final(done) { post({ id, kind: 'end' }); done(); },
  });
  stream[PRELUDE] = (prelude) => {
    if (preluded) return;
    preluded = true;
    post({ id, kind: 'prelude', statusCode: prelude.statusCode, headers: prelude.headers || {} });
  };
  stream.setContentType = (type) => stream[PRELUDE]({ statusCode: 200, headers: { 'content-type': type } });
  // A write after the client left must not take the environment down.
  stream.on('error', () => undefined);
  current = { id, stream };
  const context = {
    functionName, invokedFunctionArn: functionArn, awsRequestId: id, callbackWaitsForEmptyEventLoop: true,
    memoryLimitInMB: '256', functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => Math.max(0, deadline - RealDate.now()),
  };
  Promise.resolve()
    .then(() => {
      if (typeof handler !== 'function') throw new Error('Handler ' + workerData.exportName + ' is not a function');
      return handler(event, stream, context);
    })
    .then(
      () => post({ id, kind: 'done' }),
      (err) => post({ id, kind: 'error', message: err && err.message !== undefined ? String(err.message) : String(err) }),
    );
});
`;

const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

type WorkerMessage =
  | { id: string; kind: 'prelude'; statusCode: number; headers: Record<string, string> }
  | { id: string; kind: 'chunk'; chunk: Uint8Array }
  | { id: string; kind: 'end' | 'done' }
  | { id: string; kind: 'error'; message: string };

export interface StreamingInvocation {
  event: unknown;
  /** When the invocation dies: the function's Timeout, or sooner under a functionTimeout fault. */
  timeoutMs: number;
  /** The emulator's clock minus the real one. */
  clockOffsetMs: number;
}

/** The client's side of one invocation: what the function streams, or how it failed. */
class FunctionResponse {
  private started = false;

  constructor(private readonly reply: Reply) {}

  private start(statusCode: number, headers: Record<string, string>): void {
    if (this.started || this.reply.closed) return;
    this.started = true;
    this.reply.startStream(statusCode, headers);
  }

  /** Passes on what the function wrote; without a prelude, Lambda's default head. */
  relay(msg: Exclude<WorkerMessage, { kind: 'error' }>): void {
    if (msg.kind === 'prelude') return this.start(msg.statusCode, msg.headers);
    this.start(200, { 'content-type': 'application/octet-stream' });
    if (msg.kind === 'chunk') void this.reply.write(msg.chunk);
    else this.reply.end();
  }

  fail(): void {
    // Lambda's answer when a function fails before its response: 502, "Internal Server Error".
    if (!this.started && !this.reply.closed) {
      this.started = true;
      this.reply.send(
        502,
        { 'content-type': 'application/json', 'x-amzn-errortype': 'Function.ResponseError' },
        JSON.stringify({ Message: 'Internal Server Error' }),
      );
    } else if (!this.reply.closed) this.reply.reset();
  }
}

/** The most environments at once; past it Lambda throttles (TooManyRequestsException). */
const MAX_ENVIRONMENTS = 40;

export class StreamingFunction {
  private readonly code: string;
  private readonly entry: string;
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();

  constructor(
    private readonly fn: FunctionConfig,
    private readonly environment: () => Record<string, string>,
    private readonly log: (line: string) => void,
  ) {
    const entry = EXTENSIONS.map((ext) => fn.modulePath + ext).find((p) => existsSync(p));
    if (!entry)
      throw new TemplateError(`Function ${fn.logicalId}: no source at ${fn.modulePath}{${EXTENSIONS.join(',')}}`);
    this.entry = entry;
    const bundle = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // As the template's BuildProperties ask; a third of the code to parse in every environment.
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    this.code = bundle.outputFiles[0]?.text ?? '';
  }

  /** Environments alive now (busy or idle), for tests. */
  get environments(): number {
    return this.all.size;
  }

  private environmentFor(): Worker {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.all.size >= MAX_ENVIRONMENTS) throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { code: this.code, filename: this.entry, exportName: this.fn.exportName },
      env: this.environment(),
      stdout: true,
      stderr: true,
    });
    worker.unref();
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) this.log(`[${this.fn.logicalId}] ${line}`);
      });
    }
    worker.on('error', (err) => this.log(`[${this.fn.logicalId}] environment failed: ${err.message}`));
    worker.on('exit', () => this.all.delete(worker));
    this.all.add(worker);
    return worker;
  }

  /** Runs one invocation and streams what the function writes into `reply`. */
  invoke(invocation: StreamingInvocation, reply: Reply): Promise<void> {
    const worker = this.environmentFor();
    const id = randomUUID();
    const response = new FunctionResponse(reply);
    let finished = false;
    return new Promise<void>((resolve) => {
      const finish = (keepEnvironment: boolean): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (keepEnvironment) this.idle.push(worker);
        else void worker.terminate();
        resolve();
      };
      const failed = (message: string): void => {
        response.fail();
        this.log(`[${this.fn.logicalId}] ${message}`);
      };
      const onMessage = (msg: WorkerMessage): void => {
        if (msg.id !== id) return;
        if (msg.kind === 'error') {
          failed(`Invoke Error: ${msg.message}`);
          finish(true);
          return;
        }
        response.relay(msg);
        if (msg.kind === 'done') finish(true);
      };
      const onExit = (): void => {
        failed('Runtime exited');
        finish(false);
      };
      const timer = setTimeout(() => {
        // The environment dies with whatever the invocation had left to do; a started stream is cut.
        // Ended first: cutting the stream first would tell the function the client left, and it
        // could still clean up (settle a reservation) before the environment is gone.
        finish(false);
        failed(`Task timed out after ${(invocation.timeoutMs / 1000).toFixed(2)} seconds`);
      }, invocation.timeoutMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      reply.onClose(() => {
        if (!finished) worker.postMessage({ kind: 'abort', id });
      });
      this.start(worker, id, invocation);
    });
  }

  private start(worker: Worker, id: string, invocation: StreamingInvocation): void {
    worker.postMessage({
      id,
      event: invocation.event,
      // The function sees its configured timeout even when a fault will end it sooner (a crash).
      deadline: Date.now() + this.fn.timeoutSeconds * 1000,
      clockOffsetMs: invocation.clockOffsetMs,
      functionName: this.fn.name,
      functionArn: this.fn.arn,
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
  }
}

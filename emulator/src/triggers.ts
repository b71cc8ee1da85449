// Runs the template's real Lambda trigger code. Like `sam build` (esbuild method), the handler
// is bundled from its TypeScript source at start-up; like Lambda, it runs isolated (a worker
// thread) with the function's own environment variables and timeout.
import { buildSync } from 'esbuild';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { FunctionConfig } from './config';
import { TemplateError } from './template';

// Plain CommonJS evaluated inside the worker: load the bundle, then serve invocations.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Module = require('node:module');
const path = require('node:path');
const m = new Module(workerData.filename);
m.filename = workerData.filename;
m.paths = Module._nodeModulePaths(path.dirname(workerData.filename));
m._compile(workerData.code, workerData.filename);
const handler = m.exports[workerData.exportName];
function invoke(event, context) {
  if (typeof handler !== 'function') return Promise.reject(new Error('Handler ' + workerData.exportName + ' is not a function'));
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const r = handler(event, context, (err, out) => (err ? reject(err) : resolve(out)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
  }
  return Promise.resolve(handler(event, context));
}
parentPort.on('message', ({ id, event, deadline, functionName }) => {
  const context = {
    functionName, awsRequestId: id, callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  invoke(event, context).then(
    (result) => parentPort.postMessage({ id, result: result === undefined ? null : result }),
    (err) => parentPort.postMessage({ id, error: err && err.message !== undefined ? String(err.message) : String(err) }),
  );
});
`;

const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

export class TriggerError extends Error {}

export class LambdaRunner {
  private readonly worker: Worker;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly fn: FunctionConfig,
    region: string,
    log: (line: string) => void,
  ) {
    const entry = EXTENSIONS.map((ext) => fn.modulePath + ext).find((p) => existsSync(p));
    if (!entry)
      throw new TemplateError(`Function ${fn.logicalId}: no source at ${fn.modulePath}{${EXTENSIONS.join(',')}}`);
    const bundle = buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { code, filename: entry, exportName: fn.exportName },
      env: {
        ...fn.environment,
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
        TZ: 'UTC',
      },
      // The function's console goes to the emulator's log, like CloudWatch Logs.
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    for (const stream of [this.worker.stdout, this.worker.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) log(`[${fn.logicalId}] ${line}`);
      });
    }
    this.worker.on('message', (msg: { id: string; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new TriggerError(msg.error));
      else p.resolve(msg.result);
    });
    this.worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(new TriggerError(err.message));
      this.pending.clear();
    });
  }

  invoke(event: unknown): Promise<unknown> {
    const id = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new TriggerError(
            `${new Date().toISOString()} ${id} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage({ id, event, deadline: Date.now() + timeoutMs, functionName: this.fn.name });
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

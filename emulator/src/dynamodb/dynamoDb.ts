// DynamoDB through a real implementation of its API rather than a hand-written subset: dynalite
// (DynamoDB on LevelDB, here in memory), with the template's tables. Calls reach it through the
// emulator's port (X-Amz-Target DynamoDB_20120810.*), so the router counts them and its faults
// apply (ProvisionedThroughputExceededException, latency); the router hands each one to
// dynalite's request handler in process, without a second HTTP hop on loopback.
// Not emulated: TTL deletion (dynalite has no UpdateTimeToLive) and signature checks.
import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TableConfig } from '../config';
import type { EmuRequest, Reply } from '../http';
import type { ProxiedService } from '../router';

export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810';

const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'x-amz-target',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-requestid', 'x-amz-crc32', 'x-amzn-errortype'];

export class DynamoDb implements ProxiedService {
  readonly targetPrefix = DYNAMODB_TARGET_PREFIX;

  private readonly handle: (req: IncomingMessage, res: ServerResponse) => void;

  private constructor(private readonly server: Server) {
    this.handle = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  }

  static async start(tables: TableConfig[]): Promise<DynamoDb> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => done());
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Plain awsJson1.0 calls: an SDK client here would only add its start-up warnings to the log.
    for (const t of tables) {
      const input: CreateTableInput = {
        TableName: t.name,
        AttributeDefinitions: t.attributeDefinitions,
        KeySchema: t.keySchema,
        BillingMode: 'PAY_PER_REQUEST',
      };
      const res = await fetch(`${base}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `${DYNAMODB_TARGET_PREFIX}.CreateTable`,
          // dynalite wants a signature to be present; it does not check it.
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIDLOCALEMULATOR000/20260101/us-east-1/dynamodb/aws4_request, ' +
            'SignedHeaders=host;x-amz-date, Signature=0000',
          'x-amz-date': '20260101T000000Z',
        },
        body: JSON.stringify(input),
      });
      if (!res.ok) throw new Error(`Cannot create table ${t.name}: ${await res.text()}`);
    }
    return new DynamoDb(server);
  }

  /** dynalite's handler reads only these parts of a request and of a response. */
  forward(req: EmuRequest, reply: Reply): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return new Promise((done) => {
      const request = Object.assign(new EventEmitter(), { method: 'POST', url: '/', headers });
      const sent: Record<string, string> = {};
      const response = {
        statusCode: 200,
        setHeader(name: string, value: unknown): void {
          sent[name.toLowerCase()] = String(value);
        },
        end(body?: string): void {
          const out: Record<string, string> = {};
          for (const name of FORWARDED_RESPONSE_HEADERS) if (sent[name] !== undefined) out[name] = sent[name];
          reply.send(response.statusCode, out, Buffer.from(body ?? '', 'utf8'));
          done();
        },
      };
      this.handle(request as unknown as IncomingMessage, response as unknown as ServerResponse);
      if (req.body.length > 0) request.emit('data', req.body);
      request.emit('end');
    });
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

// DynamoDB through a real implementation of its API rather than a hand-written subset: dynalite
// (DynamoDB on LevelDB, here in memory) on a private loopback port, with the template's tables.
// Calls reach it through the emulator's port (X-Amz-Target DynamoDB_20120810.*), so the router
// counts them and its faults apply (ProvisionedThroughputExceededException, latency).
// Not emulated: TTL deletion (dynalite has no UpdateTimeToLive) and signature checks.
import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
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

  private constructor(
    private readonly server: Server,
    private readonly base: string,
  ) {}

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
    return new DynamoDb(server, base);
  }

  async forward(req: EmuRequest, reply: Reply): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const res = await fetch(`${this.base}/`, { method: 'POST', headers, body: new Uint8Array(req.body) });
    const out: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) out[name] = value;
    }
    reply.send(res.status, out, Buffer.from(await res.arrayBuffer()));
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

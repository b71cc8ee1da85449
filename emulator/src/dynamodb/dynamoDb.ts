// DynamoDB through a real implementation of its API rather than a hand-written subset: dynalite
// (DynamoDB on LevelDB, here in memory) on a private loopback port, with the template's tables.
// Calls reach it through the emulator's port (X-Amz-Target DynamoDB_20120810.*), so the router
// counts them and its faults apply (ProvisionedThroughputExceededException, latency).
// Not emulated: TTL deletion (dynalite has no UpdateTimeToLive) and signature checks.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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

  static async start(tables: TableConfig[], region: string): Promise<DynamoDb> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => done());
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new DynamoDBClient({
      region,
      endpoint: base,
      credentials: { accessKeyId: 'AKIDLOCALEMULATOR000', secretAccessKey: 'local' },
    });
    for (const t of tables) {
      await client.send(
        new CreateTableCommand({
          TableName: t.name,
          AttributeDefinitions: t.attributeDefinitions,
          KeySchema: t.keySchema,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
    client.destroy();
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

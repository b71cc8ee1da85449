// The emulator's guardrail shapes are AWS's, checked two ways (#27). At compile time: the types
// the builders declare (Wire<> / Dated<> of the SDK's: GetGuardrail, ListGuardrails, an
// assessment, its usage, the trace) add or rename no member at any depth, so the annotations are
// the SDK's own. At run time, through the real clients: every value on the wire (ApplyGuardrail,
// GetGuardrail, ListGuardrails, the trace of Converse and of ConverseStream's metadata event) is
// one the SDK reads into its output, with the same value; a member no type declares (a spread, a
// cast) would otherwise be dropped silently by the SDK's deserializer.
import type { GetGuardrailResponse, GuardrailSummary } from '@aws-sdk/client-bedrock';
import { BedrockClient, GetGuardrailCommand, ListGuardrailsCommand } from '@aws-sdk/client-bedrock';
import type { GuardrailAssessment, GuardrailTraceAssessment, GuardrailUsage } from '@aws-sdk/client-bedrock-runtime';
import {
  ApplyGuardrailCommand,
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpResponse } from '@smithy/types';
import { strict as assert } from 'node:assert';
import { Readable } from 'node:stream';
import type { guardrailDetails, guardrailSummary } from '../../src/bedrock/guardrailDetails';
import type { guardrailTrace } from '../../src/bedrock-runtime/guardrailTurn';
import type { RunningEmulator } from '../../src/emulator';
import type { Verdict } from '../../src/guardrails/classifier';
import { DIRECT_MODE_TEAM } from '../../src/presets';
import { credentialsFor } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { ADMIN_CREDENTIALS, start } from '../helpers';

// --- Compile time -----------------------------------------------------------------------------

/** The members of E that S does not have, at any depth (never when every member is S's). */
type Unknown<E, S> = 0 extends 1 & (E | S)
  ? never // an `any` (a document member) can be checked by neither side
  : Members<E, S>;
type Members<E, S> = E extends readonly (infer EI)[]
  ? NonNullable<S> extends readonly (infer SI)[]
    ? Unknown<EI, SI>
    : 'a list where the SDK has none'
  : E extends object
    ? NonNullable<S> extends Date
      ? never // a timestamp: a string or epoch seconds on the wire
      : { [K in keyof E]-?: K extends keyof NonNullable<S> ? Unknown<E[K], NonNullable<S>[K]> : K }[keyof E]
    : never;
type NoneUnknown<E, S> = [Unknown<E, S>] extends [never] ? true : Unknown<E, S>;

const compileTime: {
  getGuardrail: NoneUnknown<ReturnType<typeof guardrailDetails>, GetGuardrailResponse>;
  listGuardrails: NoneUnknown<ReturnType<typeof guardrailSummary>, GuardrailSummary>;
  assessment: NoneUnknown<Verdict['assessment'], GuardrailAssessment>;
  usage: NoneUnknown<Verdict['usage'], GuardrailUsage>;
  trace: NoneUnknown<NonNullable<ReturnType<typeof guardrailTrace>>['guardrail'], GuardrailTraceAssessment>;
} = { getGuardrail: true, listGuardrails: true, assessment: true, usage: true, trace: true };

// --- Run time ---------------------------------------------------------------------------------

/** Keeps each response body as it came over the wire, then hands the SDK the same bytes. */
class TeeHandler extends NodeHttpHandler {
  readonly bodies: Buffer[] = [];
  override async handle(...args: Parameters<NodeHttpHandler['handle']>): Promise<{ response: HttpResponse }> {
    const out = await super.handle(...args);
    const chunks: Buffer[] = [];
    for await (const chunk of out.response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    this.bodies.push(body);
    out.response.body = Readable.from([body]);
    return out;
  }
  last(): unknown {
    return JSON.parse(this.bodies.at(-1)?.toString('utf8') ?? 'null');
  }
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

/** The event stream's frames: event type and JSON payload. */
function frames(body: Buffer): { type: string; payload: unknown }[] {
  const out: { type: string; payload: unknown }[] = [];
  for (let at = 0; at < body.length;) {
    const length = body.readUInt32BE(at);
    const message = codec.decode(body.subarray(at, at + length));
    out.push({
      type: String(message.headers[':event-type']?.value),
      payload: JSON.parse(Buffer.from(message.body).toString('utf8')),
    });
    at += length;
  }
  return out;
}

/** Paths of `wire` that the SDK's `read` lacks; `leaves` counts what was compared. */
function unread(wire: unknown, read: unknown, path = '$', acc = { paths: [] as string[], leaves: 0 }) {
  if (read === undefined || read === null) {
    acc.paths.push(path);
    return acc;
  }
  if (read instanceof Date) {
    if (Number.isNaN(read.getTime())) acc.paths.push(`${path} (not a date)`);
    acc.leaves++;
  } else if (Array.isArray(wire)) {
    wire.forEach((w, i) => unread(w, (read as unknown[])[i], `${path}[${i}]`, acc));
  } else if (typeof wire === 'object' && wire !== null) {
    for (const [k, w] of Object.entries(wire)) unread(w, (read as Record<string, unknown>)[k], `${path}.${k}`, acc);
  } else {
    if (read !== wire) acc.paths.push(`${path} (${JSON.stringify(wire)} read as ${JSON.stringify(read)})`);
    acc.leaves++;
  }
  return acc;
}

function assertAllRead(wire: unknown, read: unknown, atLeast: number): void {
  const { paths, leaves } = unread(wire, read);
  assert.deepEqual(paths, [], 'members on the wire that the SDK did not read');
  assert.ok(leaves >= atLeast, `compared ${leaves} values, expected at least ${atLeast}`);
}

const MODEL = 'amazon.nova-lite-v1:0';
const SAFE = 'A short story about an otter named Pip who finds a lantern';
const BLOCKED_STORY = 'The lantern glowed softly. Then the captain shouted damn it all and the story went wrong.';

describe('guardrail shapes: the emulator’s are the AWS SDK’s (#27)', function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  let creds: AwsCredentialIdentity;
  let strict: { guardrailIdentifier: string; guardrailVersion: string };
  const tee = new TeeHandler();
  const runtime = () =>
    new BedrockRuntimeClient({
      region: emu.region,
      endpoint: emu.endpoints.bedrockRuntime,
      credentials: creds,
      requestHandler: tee,
    });

  before(async () => {
    emu = await start({ params: { ...DIRECT_MODE_TEAM, ContentSafety: 'Standard' } });
    creds = await credentialsFor(emu);
    const o = emu.outputs;
    strict = { guardrailIdentifier: o['StrictGuardrailId']!, guardrailVersion: o['StrictGuardrailVersion']! };
  });
  after(async () => {
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/story`, { method: 'DELETE' });
    await emu.stop();
  });

  it('compiles only while the builders’ declared types are the SDK’s, member for member', () => {
    assert.deepEqual(Object.values(compileTime), [true, true, true, true, true]);
  });

  it('ApplyGuardrail: every member of an intervention (assessments, outputs, usage, coverage) is read', async () => {
    const out = await runtime().send(
      new ApplyGuardrailCommand({
        ...strict,
        source: 'INPUT',
        content: [{ text: { text: 'A zombie story with blood, dead bodies and horror, damn it' } }],
      }),
    );
    assert.equal(out.action, 'GUARDRAIL_INTERVENED');
    const { $metadata: _, ...read } = out;
    assertAllRead(tee.last(), read, 10);
  });

  it('GetGuardrail and ListGuardrails: every member is read, timestamps as dates', async () => {
    const control = new BedrockClient({
      region: emu.region,
      endpoint: emu.endpoints.bedrock,
      credentials: ADMIN_CREDENTIALS,
      requestHandler: tee,
    });
    const { $metadata: _g, ...got } = await control.send(new GetGuardrailCommand(strict));
    assert.ok(got.createdAt instanceof Date);
    assertAllRead(tee.last(), got, 20);
    const { $metadata: _l, ...listed } = await control.send(new ListGuardrailsCommand({}));
    assertAllRead(tee.last(), listed, 12);
    control.destroy();
  });

  it('Converse and ConverseStream with trace: every member of the guardrail trace is read', async () => {
    await fetch(`${emu.endpoints.cognitoIdp}/_emulator/story`, {
      method: 'PUT',
      body: JSON.stringify({ text: BLOCKED_STORY }),
    });
    const request = {
      modelId: MODEL,
      messages: [{ role: 'user' as const, content: [{ text: SAFE }] }],
      guardrailConfig: { ...strict, trace: 'enabled' as const },
    };
    const converse = await runtime().send(new ConverseCommand(request));
    assert.equal(converse.stopReason, 'guardrail_intervened');
    const wire = tee.last() as { trace: { guardrail: unknown } };
    assert.ok(converse.trace?.guardrail?.outputAssessments, 'an output assessment');
    assertAllRead(wire.trace, converse.trace, 8);

    const streamed = await runtime().send(
      new ConverseStreamCommand({
        ...request,
        guardrailConfig: { ...request.guardrailConfig, streamProcessingMode: 'sync' },
      }),
    );
    let metadata;
    for await (const event of streamed.stream ?? []) if (event.metadata) metadata = event.metadata;
    const sent = frames(tee.bodies.at(-1)!).find((f) => f.type === 'metadata')?.payload as { trace?: unknown };
    assert.ok(sent?.trace && metadata?.trace?.guardrail, 'the metadata event carries the trace');
    assertAllRead(sent.trace, metadata.trace, 8);
  });
});

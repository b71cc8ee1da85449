// The /_emulator admin API for tests, benchmarks and people: one table from method and path to
// a route, one way to read a JSON body, and one rule for who may call it (a loopback Host and
// no browser Origin, so no web page can reach it, by DNS rebinding or a cross-origin POST).
import * as v from 'valibot';
import type { Stories } from './bedrock-runtime/stories';
import type { ClientConfig } from './config';
import { AwsError } from './errors';
import type { Faults } from './faults';
import type { EmuRequest, Reply } from './http';
import type { Outbox } from './outbox';

export interface AdminDeps {
  outbox: Outbox;
  faults: Faults;
  stories: Stories;
  clients: ClientConfig[];
  /** What GET /_emulator/info answers: the emulator's details, null until it listens. */
  info(): unknown;
}

/** The admin API's one way to read a body: JSON, checked against the route's schema. */
function jsonBody<S extends v.GenericSchema>(req: EmuRequest, schema: S): v.InferOutput<S> {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsError('ValidationException', 'The body must be JSON');
  }
  const result = v.safeParse(schema, body);
  if (!result.success) throw new AwsError('ValidationException', result.issues[0].message);
  return result.output;
}

const OBJECT = 'The body must be a JSON object';
const STORY_SHAPE = 'The body is {"text"?: string, "tokens"?: integer >= 1}, with at least one of them';
const TOKENS = 'tokens must be an integer >= 1';
const RATE = 'tokensPerSecond must be a number >= 0';

const isObject = (x: unknown): x is object => typeof x === 'object' && x !== null && !Array.isArray(x);
/** A JSON object with these fields only; `unknownField` is the answer to any other, a missing one gets its own. */
const body = <T extends v.ObjectEntries>(entries: T, unknownField: string) =>
  v.pipe(
    // valibot takes an array for an object.
    v.custom<object>(isObject, OBJECT),
    v.strictObject(entries, (issue) => {
      if (issue.expected === 'never') return unknownField;
      const key = String(issue.path?.[0]?.key ?? '');
      return (key in entries && v.safeParse(entries[key]!, undefined).issues?.[0].message) || unknownField;
    }),
  );

/** One fault, or a list of them; each is checked by Faults.apply. */
const FaultsBody = v.pipe(
  v.custom<object>((x) => typeof x === 'object' && x !== null, OBJECT),
  v.transform((x): unknown[] => (Array.isArray(x) ? x : [x])),
  v.array(v.custom<object>(isObject, 'Each fault is a JSON object')),
);
const StreamRateBody = body({ tokensPerSecond: v.pipe(v.number(RATE), v.finite(RATE), v.minValue(0, RATE)) }, RATE);
const StoryBody = v.pipe(
  body(
    {
      text: v.exactOptional(v.string('text must be a string')),
      tokens: v.exactOptional(v.pipe(v.number(TOKENS), v.integer(TOKENS), v.minValue(1, TOKENS))),
    },
    STORY_SHAPE,
  ),
  v.check((story) => story.text !== undefined || story.tokens !== undefined, STORY_SHAPE),
);

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

/** A route answers 200 with what it returns, or throws an AwsError. */
type Route = (req: EmuRequest, d: AdminDeps) => unknown;

const ROUTES = new Map<string, Route>([
  ['GET /_emulator/outbox', (req, d) => d.outbox.list(req.query.get('to'))],
  ['GET /_emulator/counters', (_req, d) => Object.fromEntries(d.faults.counters)],
  [
    'DELETE /_emulator/counters',
    (_req, d) => {
      d.faults.counters.clear();
      return {};
    },
  ],
  ['GET /_emulator/faults', (_req, d) => d.faults.list()],
  [
    'DELETE /_emulator/faults',
    (_req, d) => {
      d.faults.clear();
      return {};
    },
  ],
  [
    'POST /_emulator/faults',
    (req, d) => {
      return { applied: jsonBody(req, FaultsBody).map((spec) => d.faults.apply(spec)) };
    },
  ],
  // Tests slow streams down at run time, e.g. to stop one mid-way.
  [
    'PUT /_emulator/stream-rate',
    (req, d) => {
      const rate = jsonBody(req, StreamRateBody).tokensPerSecond;
      d.stories.setStreamRate(rate);
      return { tokensPerSecond: rate };
    },
  ],
  // Tests tell a given story (a hostile one) or one of a given length (benchmarks).
  [
    'PUT /_emulator/story',
    (req, d) => {
      const body = jsonBody(req, StoryBody);
      const override = {
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.tokens !== undefined ? { tokens: body.tokens } : {}),
      };
      d.stories.setOverride(override);
      return override;
    },
  ],
  [
    'DELETE /_emulator/story',
    (_req, d) => {
      d.stories.setOverride(null);
      return {};
    },
  ],
  ['GET /_emulator/streams/last', (_req, d) => d.stories.lastStream() ?? {}],
  ['GET /_emulator/info', (_req, d) => d.info()],
  [
    'GET /_emulator/clients',
    (_req, d) =>
      d.clients.map((c) => ({
        clientId: c.id,
        name: c.name,
        hasSecret: c.secret !== null,
        explicitAuthFlows: c.explicitAuthFlows,
      })),
  ],
]);

export function adminApi(d: AdminDeps): (req: EmuRequest, reply: Reply) => Promise<void> {
  return async (req, reply) => {
    const json = (status: number, body: unknown): void =>
      reply.send(status, { 'content-type': 'application/json' }, JSON.stringify(body, null, 1));
    if (!isLoopbackHost(req.headers.host ?? req.headers[':authority'] ?? '') || req.headers.origin !== undefined) {
      return json(403, {
        error: 'Forbidden',
        message:
          'The emulator admin API answers only local tools: a loopback Host (127.0.0.1, localhost, [::1]) and no Origin header.',
      });
    }
    const route = `${req.method} ${req.path}`;
    const handle = ROUTES.get(route);
    if (!handle) return json(404, { message: `No admin route ${route}` });
    try {
      return json(200, handle(req, d));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      return json(err.status, { error: err.code, message: err.message });
    }
  };
}

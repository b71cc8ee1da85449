// The /_emulator admin API for tests, benchmarks and people: one table from method and path to
// a route, one way to read a JSON body, and one rule for who may call it (a loopback Host and
// no browser Origin, so no web page can reach it, by DNS rebinding or a cross-origin POST).
import type { Stories } from './bedrock-runtime/stories';
import type { ClientConfig } from './config';
import type { EmulatorInfo } from './emulator';
import { AwsError } from './errors';
import type { Faults } from './faults';
import type { EmuRequest, Reply } from './http';
import type { Outbox } from './outbox';

export interface AdminDeps {
  outbox: Outbox;
  faults: Faults;
  stories: Stories;
  clients: ClientConfig[];
  info(): EmulatorInfo | null;
}

/** The admin API's one way to read a body: a JSON object (or, where allowed, a list). */
function jsonBody(req: EmuRequest, listAllowed = false): unknown {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsError('ValidationException', 'The body must be JSON');
  }
  if (typeof body !== 'object' || body === null || (Array.isArray(body) && !listAllowed))
    throw new AwsError('ValidationException', 'The body must be a JSON object');
  return body;
}

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
      const body = jsonBody(req, true);
      const specs = Array.isArray(body) ? body : [body];
      if (specs.some((x) => typeof x !== 'object' || x === null || Array.isArray(x)))
        throw new AwsError('ValidationException', 'Each fault is a JSON object');
      return { applied: specs.map((s) => d.faults.apply(s as Record<string, unknown>)) };
    },
  ],
  // Tests slow streams down at run time, e.g. to stop one mid-way.
  [
    'PUT /_emulator/stream-rate',
    (req, d) => {
      const rate = Number((jsonBody(req) as { tokensPerSecond?: unknown }).tokensPerSecond);
      if (!Number.isFinite(rate) || rate < 0)
        throw new AwsError('ValidationException', 'tokensPerSecond must be a number >= 0');
      d.stories.setStreamRate(rate);
      return { tokensPerSecond: rate };
    },
  ],
  // Tests tell a given story (a hostile one) or one of a given length (benchmarks).
  [
    'PUT /_emulator/story',
    (req, d) => {
      const body = jsonBody(req) as { text?: unknown; tokens?: unknown };
      const keys = Object.keys(body);
      if (keys.length === 0 || keys.some((k) => k !== 'text' && k !== 'tokens')) {
        throw new AwsError(
          'ValidationException',
          'The body is {"text"?: string, "tokens"?: integer >= 1}, with at least one of them',
        );
      }
      if (body.text !== undefined && typeof body.text !== 'string')
        throw new AwsError('ValidationException', 'text must be a string');
      if (body.tokens !== undefined && !(Number.isInteger(body.tokens) && (body.tokens as number) >= 1))
        throw new AwsError('ValidationException', 'tokens must be an integer >= 1');
      const override = {
        ...(body.text !== undefined ? { text: body.text as string } : {}),
        ...(body.tokens !== undefined ? { tokens: body.tokens as number } : {}),
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

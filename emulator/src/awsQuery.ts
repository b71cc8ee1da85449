// The AWS query protocol (CloudFormation): `POST /` with a form body `Action=<Op>&Version=…`,
// answered in XML as `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…` and errors as
// `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. Lists are `<member>` elements (not
// flattened), dates ISO 8601: what `AwsQueryProtocol` in @aws-sdk/core reads.
import { randomUUID } from 'node:crypto';
import { AwsError } from './errors';
import type { Faults } from './faults';
import type { EmuRequest, Reply } from './http';
import type { AuthKind } from './operation';
import type { Shape } from './validate';
import { validate } from './validate';

/** A query-protocol operation, typed with the SDK's input and output (dates stay `Date`). */
export interface QueryOperation<Req, Res, Deps> {
  name: string;
  auth: AuthKind;
  input: Shape;
  handle(input: Req, deps: Deps): Promise<Res> | Res;
}

export interface QueryService<Deps> {
  /** The XML namespace, e.g. http://cloudformation.amazonaws.com/doc/2010-05-15/ */
  xmlns: string;
  signingName: string;
  operations: readonly QueryOperation<never, unknown, Deps>[];
  deps: Deps;
}

export const isQueryRequest = (req: EmuRequest): boolean =>
  req.method === 'POST' &&
  req.path === '/' &&
  (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

const escapeXml = (s: string): string =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/** One value as the query protocol's XML: structures by member name, lists as `<member>`. */
export function queryXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${queryXml(v)}</member>`).join('');
  if (typeof value === 'object')
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${queryXml(v)}</${k}>`)
      .join('');
  return escapeXml(String(value));
}

function errorXml(xmlns: string, err: AwsError, requestId: string): string {
  const type = err.status < 500 ? 'Sender' : 'Receiver';
  return `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** The form's scalar members (what the served operations take); `Action` and `Version` removed. */
function formInput(req: EmuRequest): { action: string; input: Record<string, string> } {
  const form = new URLSearchParams(req.body.toString('utf8'));
  const action = form.get('Action') ?? '';
  form.delete('Action');
  form.delete('Version');
  return { action, input: Object.fromEntries(form) };
}

export interface QueryDispatch {
  faults: Faults;
  log?: (line: string) => void;
  /** Authenticates as the operation declares (the router's SigV4 check); throws an AwsError. */
  authenticate(req: EmuRequest, auth: AuthKind, signingName: string): void;
}

export async function awsQuery(
  o: QueryDispatch,
  services: readonly QueryService<unknown>[],
  req: EmuRequest,
  reply: Reply,
): Promise<void> {
  const requestId = randomUUID();
  const { action, input } = formInput(req);
  const service = services.find((s) => s.operations.some((op) => op.name === action)) ?? services[0];
  const xmlns = service?.xmlns ?? '';
  const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
  try {
    const op = service?.operations.find((x) => x.name === action);
    if (!service || !op)
      throw new AwsError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
    o.log?.(`${service.signingName} ${op.name}`);
    o.faults.count(op.name);
    await o.faults.delay(op.name);
    o.authenticate(req, op.auth, service.signingName);
    o.faults.checkError(op.name);
    const valid = validate(input, op.input, 'ValidationError');
    const output = await op.handle(valid as never, service.deps);
    const result = `<${op.name}Result>${queryXml(output)}</${op.name}Result>`;
    const metadata = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
    reply.send(200, headers, `<${op.name}Response xmlns="${xmlns}">${result}${metadata}</${op.name}Response>`);
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    reply.send(err.status, headers, errorXml(xmlns, err, requestId));
  }
}

// GetGuardrail (control plane): GET /guardrails/{guardrailIdentifier}?guardrailVersion=…, for
// tools run by the stack's operator (any signed caller, as the emulator's admin calls).
import type { BedrockDeps } from '../bedrock-runtime/invocation';
import { AwsError } from '../errors';
import { findGuardrail } from '../guardrails/config';
import type { RestOperation } from '../operation';
import type { Shape } from '../validate';
import { validate } from '../validate';
import { guardrailDetails } from './guardrailDetails';

const QUERY: Shape = { guardrailVersion: { type: 'string', pattern: '(([1-9][0-9]{0,7})|(DRAFT))' } };

export const getGuardrail: RestOperation<BedrockDeps, undefined> = {
  name: 'GetGuardrail',
  auth: 'sigv4Any',
  method: 'GET',
  path: /^\/guardrails\/([^/]+)$/,
  async handle(req, reply, deps, _caller, [identifier = '']) {
    validate(Object.fromEntries(req.query), QUERY, 'ValidationException');
    const version = req.query.get('guardrailVersion') ?? 'DRAFT';
    const g = findGuardrail(deps.guardrails, identifier, version);
    if (!g) throw new AwsError('ResourceNotFoundException', 'The guardrail or its version does not exist.', 404);
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(guardrailDetails(g, version)));
  },
};

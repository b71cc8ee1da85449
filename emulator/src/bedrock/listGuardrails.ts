// ListGuardrails (control plane): GET /guardrails, each guardrail's DRAFT, or with
// ?guardrailIdentifier=… that guardrail's versions. One page: a stack has few guardrails.
import type { BedrockDeps } from '../bedrock-runtime/invocation';
import type { RestOperation } from '../operation';
import type { Shape } from '../validate';
import { validate } from '../validate';
import { guardrailSummary } from './guardrailDetails';

const QUERY: Shape = {
  guardrailIdentifier: { type: 'string', max: 2048 },
  maxResults: { type: 'string', pattern: '[1-9][0-9]{0,2}|1000' },
  nextToken: { type: 'string' },
};

export const listGuardrails: RestOperation<BedrockDeps, undefined> = {
  name: 'ListGuardrails',
  auth: 'sigv4Any',
  method: 'GET',
  path: /^\/guardrails$/,
  async handle(req, reply, deps) {
    validate(Object.fromEntries(req.query), QUERY, 'ValidationException');
    const identifier = req.query.get('guardrailIdentifier');
    const id = identifier?.slice(identifier.lastIndexOf('/') + 1);
    const guardrails = identifier
      ? deps.guardrails.filter((g) => g.id === id).flatMap((g) => g.versions.map((v) => guardrailSummary(g, v)))
      : deps.guardrails.map((g) => guardrailSummary(g, 'DRAFT'));
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify({ guardrails }));
  },
};

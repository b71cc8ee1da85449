// ApplyGuardrail: POST /guardrail/{guardrailIdentifier}/version/{guardrailVersion}/apply, the
// template's guardrail run on text without a model (the local classifier, guardrails/classifier.ts).
import type { ApplyGuardrailRequest, ApplyGuardrailResponse } from '@aws-sdk/client-bedrock-runtime';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { invalid } from '../errors';
import { assess } from '../guardrails/classifier';
import { findGuardrail } from '../guardrails/config';
import { decide } from '../iam';
import type { RestOperation, Wire } from '../operation';
import type { Shape } from '../validate';
import { validate } from '../validate';
import { GUARDRAIL_CONFIG } from './guardrailRequest';
import type { BedrockDeps } from './invocation';
import { accessDenied } from './invocation';

const INPUT: Shape = {
  source: { type: 'string', required: true, enum: ['INPUT', 'OUTPUT'] },
  content: {
    type: 'list',
    required: true,
    member: {
      type: 'structure',
      fields: { text: { type: 'structure', fields: { text: { type: 'string', required: true } } } },
    },
  },
  outputScope: { type: 'string', enum: ['INTERVENTIONS', 'FULL'] },
};

export const applyGuardrail: RestOperation<BedrockDeps, IssuedCredentials> = {
  name: 'ApplyGuardrail',
  auth: 'sigv4',
  method: 'POST',
  path: /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/,
  async handle(req, reply, deps, creds, [identifier = '', version = '']) {
    validate(
      { guardrailConfig: { guardrailIdentifier: identifier, guardrailVersion: version } },
      GUARDRAIL_CONFIG,
      'ValidationException',
    );
    const id = identifier.slice(identifier.lastIndexOf('/') + 1);
    const arn = identifier.startsWith('arn:')
      ? identifier
      : `arn:aws:bedrock:${deps.region}:${deps.accountId}:guardrail/${id}`;
    const decision = decide(creds.role, 'bedrock:ApplyGuardrail', arn);
    if (decision !== 'allow')
      throw accessDenied(deps.accountId, creds, 'bedrock:ApplyGuardrail', arn, decision === 'explicitDeny');
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8') || '{}');
    } catch {
      throw invalid('Malformed input request, please reformat your input and try again.');
    }
    validate(body as Record<string, unknown>, INPUT, 'ValidationException');
    const input = body as Wire<ApplyGuardrailRequest>;
    const guardrail = findGuardrail(deps.guardrails, arn, version);
    if (!guardrail) throw invalid('The guardrail identifier or version provided in the request does not exist.');
    const text = (input.content ?? []).map((c) => ('text' in c && c.text ? c.text.text : '')).join('\n');
    const source = input.source === 'OUTPUT' ? 'OUTPUT' : 'INPUT';
    const verdict = assess(guardrail, source, text);
    const message = source === 'INPUT' ? guardrail.blockedInputMessaging : guardrail.blockedOutputsMessaging;
    const out: Wire<ApplyGuardrailResponse> = {
      usage: verdict.usage,
      action: verdict.blocked ? 'GUARDRAIL_INTERVENED' : 'NONE',
      ...(verdict.blocked ? { actionReason: 'Guardrail blocked.' } : {}),
      outputs: verdict.blocked ? [{ text: message }] : [],
      assessments: [verdict.assessment],
      guardrailCoverage: verdict.assessment.invocationMetrics?.guardrailCoverage,
    };
    reply.send(200, { 'content-type': 'application/json' }, JSON.stringify(out));
  },
};

// Which guardrail a model call asks for: `guardrailConfig` in a Converse body, or the
// X-Amzn-Bedrock-Guardrail* headers of InvokeModel. IAM sees it as the condition key
// bedrock:GuardrailIdentifier: the guardrail's ARN with `:<version>` for a numeric version,
// without for DRAFT (docs: guardrails-permissions-id).
import { invalid } from '../errors';
import type { EmuRequest } from '../http';
import type { Shape } from '../validate';
import { validate } from '../validate';

export interface GuardrailRequest {
  /** The guardrail's id, whether the caller sent an id or an ARN. */
  id: string;
  version: string;
  /** arn:aws:bedrock:<region>:<account>:guardrail/<id> (ApplyGuardrail's resource). */
  arn: string;
  /** The value of bedrock:GuardrailIdentifier. */
  conditionValue: string;
  trace: 'enabled' | 'disabled' | 'enabled_full';
  /** ConverseStream only; the SDK's default is sync. */
  streamProcessingMode: 'sync' | 'async';
}

const IDENTIFIER = '(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))';
export const GUARDRAIL_CONFIG: Shape = {
  guardrailConfig: {
    type: 'structure',
    fields: {
      guardrailIdentifier: { type: 'string', required: true, max: 2048, pattern: IDENTIFIER },
      guardrailVersion: { type: 'string', required: true, pattern: '(([1-9][0-9]{0,7})|(DRAFT))' },
      trace: { type: 'string', enum: ['enabled', 'disabled', 'enabled_full'] },
      streamProcessingMode: { type: 'string', enum: ['sync', 'async'] },
    },
  },
};

function request(
  identifier: string,
  version: string,
  trace: unknown,
  mode: unknown,
  region: string,
  accountId: string,
): GuardrailRequest {
  const slash = identifier.lastIndexOf('/');
  const id = slash < 0 ? identifier : identifier.slice(slash + 1);
  const arn = slash < 0 ? `arn:aws:bedrock:${region}:${accountId}:guardrail/${id}` : identifier;
  return {
    id,
    version,
    arn,
    conditionValue: version === 'DRAFT' ? arn : `${arn}:${version}`,
    trace: trace === 'enabled' || trace === 'enabled_full' ? trace : 'disabled',
    streamProcessingMode: mode === 'async' ? 'async' : 'sync',
  };
}

/** The guardrail of a Converse or ConverseStream body, or null without `guardrailConfig`. */
export function converseGuardrail(
  body: Record<string, unknown>,
  region: string,
  accountId: string,
): GuardrailRequest | null {
  if (body.guardrailConfig === undefined || body.guardrailConfig === null) return null;
  validate(body, GUARDRAIL_CONFIG, 'ValidationException');
  const g = body.guardrailConfig as Record<string, string>;
  return request(
    g.guardrailIdentifier as string,
    g.guardrailVersion as string,
    g.trace,
    g.streamProcessingMode,
    region,
    accountId,
  );
}

/** The guardrail of an InvokeModel call (headers), or null without one. */
export function invokeGuardrail(req: EmuRequest, region: string, accountId: string): GuardrailRequest | null {
  const identifier = req.headers['x-amzn-bedrock-guardrailidentifier'];
  const version = req.headers['x-amzn-bedrock-guardrailversion'];
  if (identifier === undefined) {
    if (version !== undefined) throw invalid('Guardrail identifier must be specified when guardrail version is.');
    return null;
  }
  if (version === undefined) throw invalid('Guardrail version must be specified when guardrail identifier is.');
  validate(
    { guardrailConfig: { guardrailIdentifier: identifier, guardrailVersion: version } },
    GUARDRAIL_CONFIG,
    'ValidationException',
  );
  const trace = req.headers['x-amzn-bedrock-trace'];
  return request(identifier, version, trace === 'ENABLED' ? 'enabled' : 'disabled', 'sync', region, accountId);
}

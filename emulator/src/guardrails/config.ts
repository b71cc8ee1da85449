// The template's AWS::Bedrock::Guardrail resources (and the versions it publishes of them), as
// the emulator applies them: filters, denied topics, word lists and blocked messages.
import type { Json, JsonObject, Stack } from '../template';
import { GUARDRAIL_VERSION } from '../template';

export type Strength = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
export const FILTER_TYPES = ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT', 'PROMPT_ATTACK'] as const;
export type FilterType = (typeof FILTER_TYPES)[number];

export interface ContentFilter {
  type: FilterType;
  inputStrength: Strength;
  outputStrength: Strength;
}

export interface DeniedTopic {
  name: string;
  definition: string;
  examples: string[];
}

export interface GuardrailConfig {
  logicalId: string;
  id: string;
  arn: string;
  name: string;
  description: string;
  blockedInputMessaging: string;
  blockedOutputsMessaging: string;
  filters: ContentFilter[];
  topics: DeniedTopic[];
  words: string[];
  managedWordLists: string[];
  /** Versions the stack publishes (GuardrailVersion resources), plus DRAFT. */
  versions: string[];
  /** When the stack "created" it: the emulator's start. */
  createdAt: Date;
}

const obj = (v: Json | undefined): JsonObject => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {});
const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);
const str = (v: Json | undefined): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const strength = (v: Json | undefined): Strength => {
  const s = str(v);
  return s === 'LOW' || s === 'MEDIUM' || s === 'HIGH' ? s : 'NONE';
};

export function guardrailConfigs(stack: Stack, createdAt: Date): GuardrailConfig[] {
  const resources = Object.values(stack.resources);
  return resources
    .filter((r) => r.type === 'AWS::Bedrock::Guardrail')
    .map((r): GuardrailConfig => {
      const p = r.properties;
      const published = resources.filter((v) => {
        if (v.type !== 'AWS::Bedrock::GuardrailVersion') return false;
        const identifier = str(v.properties.GuardrailIdentifier);
        return identifier.slice(identifier.lastIndexOf('/') + 1) === r.physicalId;
      });
      return {
        logicalId: r.logicalId,
        id: r.physicalId,
        arn: `arn:aws:bedrock:${stack.region}:${stack.accountId}:guardrail/${r.physicalId}`,
        name: str(p.Name) || r.logicalId,
        description: str(p.Description),
        blockedInputMessaging: str(p.BlockedInputMessaging),
        blockedOutputsMessaging: str(p.BlockedOutputsMessaging),
        filters: list(obj(p.ContentPolicyConfig).FiltersConfig)
          .map(obj)
          .filter((f) => (FILTER_TYPES as readonly string[]).includes(str(f.Type)))
          .map((f) => ({
            type: str(f.Type) as FilterType,
            inputStrength: strength(f.InputStrength),
            outputStrength: strength(f.OutputStrength),
          })),
        topics: list(obj(p.TopicPolicyConfig).TopicsConfig)
          .map(obj)
          .map((t) => ({ name: str(t.Name), definition: str(t.Definition), examples: list(t.Examples).map(str) })),
        words: list(obj(p.WordPolicyConfig).WordsConfig)
          .map(obj)
          .map((w) => str(w.Text)),
        managedWordLists: list(obj(p.WordPolicyConfig).ManagedWordListsConfig)
          .map(obj)
          .map((w) => str(w.Type)),
        versions: ['DRAFT', ...(published.length > 0 ? [GUARDRAIL_VERSION] : [])],
        createdAt,
      };
    });
}

/** The guardrail a call names (by id or ARN) at a version the stack has, or undefined. */
export function findGuardrail(
  guardrails: readonly GuardrailConfig[],
  identifier: string,
  version: string,
): GuardrailConfig | undefined {
  const id = identifier.slice(identifier.lastIndexOf('/') + 1);
  const g = guardrails.find((x) => x.id === id && (!identifier.startsWith('arn:') || x.arn === identifier));
  return g && g.versions.includes(version) ? g : undefined;
}

// The Bedrock control plane's operations the emulator serves (restJson1, by method and path).
import type { BedrockDeps } from '../bedrock-runtime/invocation';
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation } from '../operation';
import { getGuardrail } from './getGuardrail';
import { listFoundationModels } from './listFoundationModels';
import { listGuardrails } from './listGuardrails';
import { listInferenceProfiles } from './listInferenceProfiles';

export const BEDROCK_OPERATIONS: readonly RestOperation<BedrockDeps, IssuedCredentials | undefined>[] = [
  listFoundationModels,
  listInferenceProfiles,
  getGuardrail,
  listGuardrails,
];

// The Bedrock runtime's operations (restJson1, by method and path).
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import { applyGuardrail } from './applyGuardrail';
import type { RestOperation } from '../operation';
import { converse } from './converse';
import { converseStream } from './converseStream';
import type { BedrockDeps } from './invocation';
import { invokeModel } from './invokeModel';
import { invokeModelWithResponseStream } from './invokeModelWithResponseStream';

export const BEDROCK_RUNTIME_OPERATIONS: readonly RestOperation<BedrockDeps, IssuedCredentials>[] = [
  converse,
  converseStream,
  invokeModel,
  invokeModelWithResponseStream,
  applyGuardrail,
];

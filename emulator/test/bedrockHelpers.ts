// Bedrock helpers for the suite: credentials through the identity pool, runtime clients, streams.
import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RunningEmulator } from '../src/emulator';
import { newSignedInUser } from './helpers';

export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export async function credentialsFor(emu: RunningEmulator): Promise<AwsCredentialIdentity> {
  const { tokens } = await newSignedInUser(emu);
  return fromCognitoIdentityPool({
    identityPoolId: emu.identityPoolId,
    logins: { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: tokens.IdToken as string },
    clientConfig: { region: emu.region, endpoint: emu.endpoints.cognitoIdentity },
  })();
}

export function runtime(emu: RunningEmulator, credentials: AwsCredentialIdentity, http1 = false): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: emu.region,
    endpoint: emu.endpoints.bedrockRuntime,
    credentials,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

export async function streamStory(
  client: BedrockRuntimeClient,
  input: ConverseStreamCommandInput,
): Promise<{
  text: string;
  deltas: number;
  stopReason?: string;
  usage?: { inputTokens?: number | undefined; outputTokens?: number | undefined; totalTokens?: number | undefined };
}> {
  const out = await client.send(new ConverseStreamCommand(input));
  let text = '';
  let deltas = 0;
  let stopReason: string | undefined;
  let usage;
  for await (const event of out.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text !== undefined) {
      text += event.contentBlockDelta.delta.text;
      deltas++;
    }
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) usage = event.metadata.usage;
  }
  return { text, deltas, ...(stopReason ? { stopReason } : {}), ...(usage ? { usage } : {}) };
}

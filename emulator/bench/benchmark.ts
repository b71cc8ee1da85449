// The emulator's own figures: start-up time, unthrottled stream throughput as the SDK sees it,
// and p50 GetCredentialsForIdentity latency. Run: npx tsx emulator/bench/benchmark.ts
import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../src/emulator';
import { credentialsFor, runtime, streamStory } from '../test/bedrockHelpers';
import { identityClient, newSignedInUser } from '../test/helpers';
import { DIRECT_MODE_TEAM } from '../src/presets';

async function main(): Promise<void> {
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const e = await startEmulator({ stackName: `bench-${i}` });
    starts.push(performance.now() - t0);
    await e.stop();
  }
  const emu = await startEmulator({ params: DIRECT_MODE_TEAM, streamRate: 0 });
  try {
    const client = runtime(emu, await credentialsFor(emu));
    const prompt = 'Write a 4000 word fantasy story about a dragon named Ember in a mountain kingdom.';
    await streamStory(client, {
      modelId: 'amazon.nova-lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'warm up' }] }],
    });
    let tokens = 0;
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) {
      const r = await streamStory(client, {
        modelId: 'amazon.nova-lite-v1:0',
        messages: [{ role: 'user', content: [{ text: `${prompt} Part ${i}.` }] }],
        inferenceConfig: { maxTokens: 10000 },
      });
      tokens += r.usage?.outputTokens ?? 0;
    }
    const seconds = (performance.now() - t0) / 1000;

    const { tokens: auth } = await newSignedInUser(emu);
    const logins = { [`cognito-idp.${emu.region}.amazonaws.com/${emu.userPoolId}`]: auth.IdToken as string };
    const ci = identityClient(emu);
    const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId: emu.identityPoolId, Logins: logins }));
    const lat: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    starts.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        startupMsMedian: Math.round(starts[2] ?? 0),
        streamTokensPerSecond: Math.round(tokens / seconds),
        streamedTokens: tokens,
        getCredentialsP50Ms: Number((lat[100] ?? 0).toFixed(2)),
        getCredentialsP95Ms: Number((lat[190] ?? 0).toFixed(2)),
      }),
    );
  } finally {
    await emu.stop();
  }
}

void main();

// Cross-region inference profiles of every geography the extension knows, each from a region of it:
// listed by ListInferenceProfiles, authorised on the profile's ARN, run by Converse.
import { BedrockClient, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { strict as assert } from 'node:assert';

import { INFERENCE_PROFILE_PREFIXES, profilePrefixesFrom } from '../../../src/core/story/generation/inferenceProfiles';
import type { RunningEmulator } from '../../src/emulator';
import { credentialsFor, runtime } from '../bedrockHelpers';
import type { AwsCredentialIdentity } from '../bedrockHelpers';
import { rejectsWith, start } from '../helpers';
import { DIRECT_MODE_TEAM } from '../../src/presets';

const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const user = (text: string) => [{ role: 'user' as const, content: [{ text }] }];

// The four the emulator's old list (us, eu, apac, global) refused.
const CASES: [prefix: string, region: string][] = [
  ['jp', 'ap-northeast-1'],
  ['au', 'ap-southeast-2'],
  ['ca', 'ca-central-1'],
  ['us-gov', 'us-gov-west-1'],
];

describe('bedrock inference profiles of every geography', () => {
  it('covers each prefix of the helper that the old list lacked', () => {
    const covered = new Set(['us', 'eu', 'apac', 'global', ...CASES.map(([prefix]) => prefix)]);
    assert.deepEqual([...covered].sort(), [...INFERENCE_PROFILE_PREFIXES].sort());
  });

  for (const [prefix, region] of CASES) {
    describe(`${prefix}. from ${region}`, () => {
      const profileId = `${prefix}.${HAIKU}`;
      let emu: RunningEmulator;
      let creds: AwsCredentialIdentity;
      before(async () => {
        // eu. is allowed too, so its refusal below is the geography's, not IAM's.
        emu = await start({ region, params: { ...DIRECT_MODE_TEAM, AllowedModelIds: `${profileId},eu.${HAIKU}` } });
        creds = await credentialsFor(emu);
      });
      after(() => emu.stop());

      const listed = async () => {
        const bedrock = new BedrockClient({ region, endpoint: emu.endpoints.bedrock, credentials: creds });
        return (await bedrock.send(new ListInferenceProfilesCommand({}))).inferenceProfileSummaries ?? [];
      };

      it("lists the profile, with its ARN in this region, among those of the region's geographies", async () => {
        const list = await listed();
        const found = list.find((p) => p.inferenceProfileId === profileId);
        assert.ok(found, `${profileId} not listed`);
        assert.match(
          found.inferenceProfileArn ?? '',
          new RegExp(`^arn:aws:bedrock:${region}:\\d{12}:inference-profile/`),
        );
        assert.equal(found.type, 'SYSTEM_DEFINED');
        const prefixes = new Set(list.map((p) => p.inferenceProfileId?.split('.')[0]));
        assert.deepEqual([...prefixes].sort(), [...profilePrefixesFrom(region)].sort());
      });

      it('runs Converse with the profile id and with its ARN', async () => {
        const client = runtime(emu, creds, true);
        const out = await client.send(
          new ConverseCommand({ modelId: profileId, messages: user('A story about a lighthouse.') }),
        );
        assert.ok((out.output?.message?.content?.[0]?.text ?? '').length > 0);
        assert.equal(out.stopReason, 'end_turn');
        const arn = (await listed()).find((p) => p.inferenceProfileId === profileId)?.inferenceProfileArn;
        assert.ok(arn);
        const viaArn = await client.send(
          new ConverseCommand({ modelId: arn, messages: user('A story about a lighthouse.') }),
        );
        assert.equal(viaArn.output?.message?.content?.[0]?.text, out.output?.message?.content?.[0]?.text);
      });

      it("refuses another geography's profile as AWS does, though IAM allows it", async () => {
        await rejectsWith(
          runtime(emu, creds, true).send(new ConverseCommand({ modelId: `eu.${HAIKU}`, messages: user('A story.') })),
          'ValidationException',
          'The provided model identifier is invalid.',
        );
      });
    });
  }
});

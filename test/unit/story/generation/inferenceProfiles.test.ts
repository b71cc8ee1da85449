import * as assert from 'node:assert/strict';
import type { FoundationModelSummary, InferenceProfileSummary } from '@aws-sdk/client-bedrock';
import { pickModels } from '../../../../src/core/story/generation/bedrock';
import {
  INFERENCE_PROFILE_PREFIXES,
  baseModelId,
  profilePrefixesFrom,
  splitProfile,
} from '../../../../src/core/story/generation/inferenceProfiles';
import { modelInfoFromId } from '../../../../src/core/story/generation/models';
import { maxTokensFor } from '../../../../src/core/story/protocol/lengths';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('inference profiles', () => {
  it("lists Bedrock's prefixes once each", () => {
    assert.deepEqual([...INFERENCE_PROFILE_PREFIXES].sort(), [
      'apac',
      'au',
      'ca',
      'eu',
      'global',
      'jp',
      'us',
      'us-gov',
    ]);
  });

  it('splits every known prefix off a profile id, and its ARN', () => {
    for (const prefix of INFERENCE_PROFILE_PREFIXES) {
      assert.deepEqual(splitProfile(`${prefix}.${SONNET}`), { prefix, modelId: SONNET });
      assert.deepEqual(splitProfile(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/${prefix}.${SONNET}`), {
        prefix,
        modelId: SONNET,
      });
      assert.equal(baseModelId(`${prefix}.${SONNET}`), SONNET);
    }
  });

  it('leaves a plain model id, a foundation-model ARN and an unknown first segment alone', () => {
    assert.deepEqual(splitProfile('amazon.nova-lite-v1:0'), { modelId: 'amazon.nova-lite-v1:0' });
    assert.deepEqual(splitProfile('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0'), {
      modelId: 'amazon.nova-lite-v1:0',
    });
    // Only the first segment: "us" inside an id is part of the model's name.
    assert.deepEqual(splitProfile('cohere.us.example-v1:0'), { modelId: 'cohere.us.example-v1:0' });
    assert.deepEqual(splitProfile('sa.amazon.nova-lite-v1:0'), { modelId: 'sa.amazon.nova-lite-v1:0' });
    assert.deepEqual(splitProfile('us-govx.amazon.nova-lite-v1:0'), { modelId: 'us-govx.amazon.nova-lite-v1:0' });
    assert.deepEqual(splitProfile('us'), { modelId: 'us' });
  });

  it('maps a region to the geographies a call from it may name, the most local first', () => {
    const cases: [string, string[]][] = [
      ['us-east-1', ['us', 'global']],
      ['us-west-2', ['us', 'global']],
      ['us-gov-west-1', ['us-gov']],
      ['us-gov-east-1', ['us-gov']],
      ['eu-central-1', ['eu', 'global']],
      ['eu-west-3', ['eu', 'global']],
      ['ap-northeast-1', ['jp', 'apac', 'global']],
      ['ap-northeast-3', ['jp', 'apac', 'global']],
      ['ap-southeast-2', ['au', 'apac', 'global']],
      ['ap-southeast-4', ['au', 'apac', 'global']],
      ['ap-northeast-2', ['apac', 'global']],
      ['ap-south-1', ['apac', 'global']],
      ['ca-central-1', ['ca', 'us', 'global']],
      ['ca-west-1', ['ca', 'us', 'global']],
      ['sa-east-1', ['global']],
      ['cn-north-1', []],
      ['us-iso-east-1', []],
      ['us-isob-east-1', []],
    ];
    for (const [region, prefixes] of cases) assert.deepEqual(profilePrefixesFrom(region), prefixes, region);
  });

  it('gives every geographic prefix a region, so none is listed that no call could use', () => {
    const regions = ['us-east-1', 'us-gov-west-1', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2', 'ca-central-1'];
    const reachable = new Set(regions.flatMap((r) => profilePrefixesFrom(r)));
    assert.deepEqual([...reachable].sort(), [...INFERENCE_PROFILE_PREFIXES].sort());
  });

  it('reads a profile of every prefix as its model: picker name and output limit', () => {
    for (const prefix of INFERENCE_PROFILE_PREFIXES) {
      assert.deepEqual(modelInfoFromId(`${prefix}.${SONNET}`), {
        id: `${prefix}.${SONNET}`,
        name: 'Claude Sonnet 4.5',
        provider: 'Anthropic',
      });
      assert.equal(maxTokensFor('long', `${prefix}.amazon.titan-text-lite-v1`), 4096, prefix);
    }
  });

  describe('the picker chooses the most local profile the region lists', () => {
    const model: FoundationModelSummary = {
      modelArn: `arn:aws:bedrock:ap-northeast-1::foundation-model/${SONNET}`,
      modelId: SONNET,
      modelName: 'Claude Sonnet 4.5',
      providerName: 'Anthropic',
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      // The SDK's enum predates INFERENCE_PROFILE, which Bedrock returns.
      inferenceTypesSupported: ['INFERENCE_PROFILE' as never],
    };
    const profile = (prefix: string): InferenceProfileSummary =>
      ({
        inferenceProfileId: `${prefix}.${SONNET}`,
        status: 'ACTIVE',
        models: [{ modelArn: model.modelArn }],
      }) as InferenceProfileSummary;
    const pick = (region: string, prefixes: string[]) =>
      pickModels([model], prefixes.map(profile), region).map((m) => m.id);

    it('jp. before apac. and global. in Tokyo, whatever the order listed', () => {
      assert.deepEqual(pick('ap-northeast-1', ['global', 'apac', 'jp']), [`jp.${SONNET}`]);
      assert.deepEqual(pick('ap-northeast-1', ['global', 'apac']), [`apac.${SONNET}`]);
    });

    it('au. in Sydney, apac. in Seoul, us-gov. in GovCloud, us. before global. in Canada', () => {
      assert.deepEqual(pick('ap-southeast-2', ['apac', 'au', 'global']), [`au.${SONNET}`]);
      assert.deepEqual(pick('ap-northeast-2', ['global', 'apac']), [`apac.${SONNET}`]);
      assert.deepEqual(pick('us-gov-west-1', ['us-gov']), [`us-gov.${SONNET}`]);
      assert.deepEqual(pick('ca-central-1', ['global', 'us']), [`us.${SONNET}`]);
      assert.deepEqual(pick('ca-central-1', ['global', 'us', 'ca']), [`ca.${SONNET}`]);
    });

    it('global. where no geography is listed, else the first listed', () => {
      assert.deepEqual(pick('sa-east-1', ['global']), [`global.${SONNET}`]);
      assert.deepEqual(pick('us-east-1', ['eu']), [`eu.${SONNET}`]);
    });
  });
});

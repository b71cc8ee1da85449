import * as assert from 'node:assert/strict';
import { modelInfoFromId } from '../../../../src/core/story/generation/models';

describe('modelInfoFromId', () => {
  it('names a model, and an inference profile, by its id: a short name a person can tell apart, and the provider', () => {
    assert.deepEqual(modelInfoFromId('amazon.nova-lite-v1:0'), {
      id: 'amazon.nova-lite-v1:0',
      name: 'Nova Lite',
      provider: 'Amazon',
    });
    assert.deepEqual(modelInfoFromId('us.anthropic.claude-haiku-4-5-20251001-v1:0'), {
      id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      name: 'Claude Haiku 4.5',
      provider: 'Anthropic',
    });
    assert.equal(modelInfoFromId('meta.llama3-1-8b-instruct-v1:0').name, 'Llama3.1 8B Instruct');
    assert.equal(modelInfoFromId('mistral.mistral-large-2402-v1:0').provider, 'Mistral AI');
    assert.equal(modelInfoFromId('amazon.titan-text-premier-v1:0').name, 'Titan Text Premier');
    assert.equal(modelInfoFromId('anthropic.claude-3-5-sonnet-20240620-v1:0').name, 'Claude 3.5 Sonnet');
  });

  it('gives every default model a different name', () => {
    const ids = ['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0', 'amazon.nova-premier-v1:0'];
    assert.deepEqual(
      ids.map((id) => modelInfoFromId(id).name),
      ['Nova Lite', 'Nova Micro', 'Nova Pro', 'Nova Premier'],
    );
  });
});

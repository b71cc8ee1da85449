import * as assert from 'node:assert/strict';
import { modelInfoFromId } from '../../../src/core/story/models';

describe('modelInfoFromId', () => {
  it('names a model, and an inference profile, by its id', () => {
    assert.deepEqual(modelInfoFromId('amazon.nova-lite-v1:0'), { id: 'amazon.nova-lite-v1:0', name: 'nova lite', provider: 'Amazon' });
    assert.deepEqual(modelInfoFromId('us.anthropic.claude-haiku-4-5-20251001-v1:0'), {
      id: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      name: 'claude haiku 4 5 20251001',
      provider: 'Anthropic',
    });
  });
});

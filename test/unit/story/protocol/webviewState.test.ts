// The state the webview keeps across reloads.
import * as assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import { EMPTY_DRAFT, parseWebviewState } from '../../../../src/core/story/protocol/webviewState';
import { wire } from './fixtures';

describe('story protocol', () => {
  describe('parseWebviewState', () => {
    it('round-trips a draft and the shown story', () => {
      const state = {
        version: 1 as const,
        draft: { ...EMPTY_DRAFT, premise: 'half a thought', temperature: '1.7' },
        storyId: 's-1',
      };
      assert.deepEqual(parseWebviewState(wire(state)), state);
    });

    it('clips over-long drafts instead of losing them', () => {
      const s = parseWebviewState({ version: 1, draft: { ...EMPTY_DRAFT, premise: 'p'.repeat(100_000) } });
      assert.ok(s);
      assert.equal(s.draft.premise.length, LIMITS.premiseMax * 4);
    });

    it('rejects other versions, missing fields and unknown keys (e.g. a token)', () => {
      assert.equal(parseWebviewState(undefined), undefined);
      assert.equal(parseWebviewState({ version: 2, draft: EMPTY_DRAFT }), undefined);
      const { premise: _p, ...partial } = EMPTY_DRAFT;
      assert.equal(parseWebviewState({ version: 1, draft: partial }), undefined);
      assert.equal(parseWebviewState({ version: 1, draft: EMPTY_DRAFT, accessToken: 'x' }), undefined);
    });
  });
});

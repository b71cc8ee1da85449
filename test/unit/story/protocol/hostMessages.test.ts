// Host → webview: the NOTIFICATIONS and responses the webview accepts, and everything it drops.
import * as assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import { errorResponse, hostEvent, parseHostMessage, parseResult } from '../../../../src/core/story/protocol/messages';
import type { HostEvent } from '../../../../src/core/story/protocol/messages';
import { controls, cost, item, story, usage, wire } from './fixtures';

/** When the day's budget starts again: relative to now, so the tests mean the same on any date. */
const RESETS_AT = Date.now() + 3 * 3_600_000;

describe('story protocol', () => {
  describe('parseHostMessage', () => {
    const valid: HostEvent[] = [
      hostEvent('state', {
        auth: { kind: 'signedIn', email: 'a@example.com' },
        models: [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }],
        defaultModelId: 'amazon.nova-lite-v1:0',
      }),
      hostEvent('state', { auth: { kind: 'signedOut' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { kind: 'offline', email: 'a@example.com' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { kind: 'offline' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { kind: 'sessionExpired' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { kind: 'unconfigured' }, models: [], defaultModelId: '' }),
      hostEvent('story.started', { storyId: 's-1', modelId: 'm.x', controls, kind: 'new' }),
      hostEvent('story.started', { storyId: 's-1', modelId: 'm.x', controls, kind: 'continue' }),
      hostEvent('story.delta', { storyId: 's-1', text: 'Once' }),
      hostEvent('story.done', { storyId: 's-1', usage, cost, stopReason: 'end_turn' }),
      hostEvent('story.done', { storyId: 's-1', usage, cost: null, stopReason: 'max_tokens' }),
      hostEvent('story.stopped', { storyId: 's-1' }),
      hostEvent('story.stopped', { storyId: 's-1', usage, cost: null }),
      hostEvent('story.error', {
        storyId: 's-1',
        code: 'throttled',
        message: 'Bedrock is busy.',
        actions: ['retry', 'continue'],
        partialKept: true,
      }),
      hostEvent('story.error', {
        code: 'signedOut',
        message: 'Sign in first.',
        actions: ['signIn'],
        partialKept: false,
      }),
      hostEvent('story.error', { code: 'accessDenied', message: 'No access.', actions: [], partialKept: false }),
      hostEvent('history', { items: [item as never] }),
      hostEvent('history', { items: [] }),
      hostEvent('story.opened', { story }),
      hostEvent('usage.today', { inputTokens: 1, outputTokens: 2, cost }),
      hostEvent('usage.today', { inputTokens: 0, outputTokens: 0, cost: null }),
      hostEvent('usage.today', {
        inputTokens: 3,
        outputTokens: 4,
        cost: null,
        projects: [{ project: 'The <Salt> Road', requests: 2, totalTokens: 7, cost: null }],
      }),
      hostEvent('usage.budget', { dailyTokens: 50_000, tokensLeft: 12_400, resetsAt: RESETS_AT }),
      hostEvent('usage.budget', { dailyTokens: 2000, tokensLeft: 0, resetsAt: RESETS_AT }),
      hostEvent('usage.budget', null),
      hostEvent('contentPolicy', { policy: 'Strict' }),
      hostEvent('contentPolicy', { policy: 'Off' }),
    ];

    it('accepts every well-formed event unchanged', () => {
      for (const m of valid) assert.deepEqual(parseHostMessage(wire(m)), m, JSON.stringify(m));
    });

    it('accepts responses and leaves the result to parseResult', () => {
      const ok = { kind: 'response', id: 3, ok: true, result: { storyId: 's-9' } } as const;
      assert.deepEqual(parseHostMessage(wire(ok)), ok);
      const err = errorResponse(4, 'No such story.', { code: 'notFound' });
      assert.deepEqual(parseHostMessage(wire(err)), err);
      assert.deepEqual(
        parseHostMessage(wire(errorResponse(5, 'x'.repeat(10_000)))),
        errorResponse(5, 'x'.repeat(10_000)),
      );
      assert.equal(
        (errorResponse(5, 'x'.repeat(10_000)) as { error: { message: string } }).error.message.length,
        LIMITS.messageMax,
      );
      assert.deepEqual(parseHostMessage({ kind: 'response', id: 6, ok: true, result: null }), {
        kind: 'response',
        id: 6,
        ok: true,
        result: null,
      });
    });

    const malformed: [string, unknown][] = [
      ['undefined', undefined],
      ['a request from the host', { kind: 'request', id: 1, method: 'signIn', params: {} }],
      ['a webview event', { kind: 'event', type: 'ready', data: { protocolVersion: 1 } }],
      ['response without ok', { kind: 'response', id: 1, result: null }],
      ['ok response without result', { kind: 'response', id: 1, ok: true }],
      ['ok response with error', { kind: 'response', id: 1, ok: true, result: null, error: { message: 'x' } }],
      ['error response without error', { kind: 'response', id: 1, ok: false }],
      ['error response with string error', { kind: 'response', id: 1, ok: false, error: 'bad' }],
      ['error with a bad code', { kind: 'response', id: 1, ok: false, error: { message: 'x', code: 'has spaces' } }],
      ['response with string id', { kind: 'response', id: 'abc', ok: true, result: null }],
      [
        'state with unknown auth status',
        { kind: 'event', type: 'state', data: { auth: { status: 'admin' }, models: [], defaultModelId: '' } },
      ],
      [
        'state signedIn without email',
        { kind: 'event', type: 'state', data: { auth: { kind: 'signedIn' }, models: [], defaultModelId: '' } },
      ],
      [
        'state signedOut with a token',
        {
          kind: 'event',
          type: 'state',
          data: { auth: { kind: 'signedOut', idToken: 'eyJ' }, models: [], defaultModelId: '' },
        },
      ],
      [
        'state with a bad model',
        {
          kind: 'event',
          type: 'state',
          data: { auth: { kind: 'signedOut' }, models: [{ id: 'm' }], defaultModelId: '' },
        },
      ],
      [
        'state without models',
        { kind: 'event', type: 'state', data: { auth: { kind: 'signedOut' }, defaultModelId: '' } },
      ],
      ['delta with empty text', { kind: 'event', type: 'story.delta', data: { storyId: 's', text: '' } }],
      ['delta with numeric text', { kind: 'event', type: 'story.delta', data: { storyId: 's', text: 42 } }],
      ['delta without storyId', { kind: 'event', type: 'story.delta', data: { text: 'x' } }],
      [
        'delta too large',
        { kind: 'event', type: 'story.delta', data: { storyId: 's', text: 'x'.repeat(LIMITS.deltaMax + 1) } },
      ],
      [
        'started with unknown kind',
        { kind: 'event', type: 'story.started', data: { storyId: 's', modelId: 'm', controls, kind: 'remix' } },
      ],
      [
        'started with invalid controls',
        {
          kind: 'event',
          type: 'story.started',
          data: { storyId: 's', modelId: 'm', controls: { ...controls, premise: '' }, kind: 'new' },
        },
      ],
      [
        'done with negative tokens',
        {
          kind: 'event',
          type: 'story.done',
          data: { storyId: 's', usage: { ...usage, outputTokens: -1 }, cost: null, stopReason: 'end_turn' },
        },
      ],
      [
        'done with fractional tokens',
        {
          kind: 'event',
          type: 'story.done',
          data: { storyId: 's', usage: { ...usage, inputTokens: 1.5 }, cost: null, stopReason: 'end_turn' },
        },
      ],
      [
        'done with a cost not marked estimated',
        {
          kind: 'event',
          type: 'story.done',
          data: { storyId: 's', usage, cost: { amount: 1, currency: 'USD', estimated: false }, stopReason: 'end_turn' },
        },
      ],
      [
        'done with a lowercase currency',
        {
          kind: 'event',
          type: 'story.done',
          data: { storyId: 's', usage, cost: { ...cost, currency: 'usd' }, stopReason: 'end_turn' },
        },
      ],
      [
        'done with a negative cost',
        {
          kind: 'event',
          type: 'story.done',
          data: { storyId: 's', usage, cost: { ...cost, amount: -1 }, stopReason: 'end_turn' },
        },
      ],
      [
        'done without cost (must be null)',
        { kind: 'event', type: 'story.done', data: { storyId: 's', usage, stopReason: 'end_turn' } },
      ],
      [
        'stopped with undefined usage',
        { kind: 'event', type: 'story.stopped', data: { storyId: 's', usage: undefined } },
      ],
      [
        'error with unknown action',
        {
          kind: 'event',
          type: 'story.error',
          data: { code: 'x', message: 'm', actions: ['format'], partialKept: false },
        },
      ],
      [
        'error with duplicate actions',
        {
          kind: 'event',
          type: 'story.error',
          data: { code: 'x', message: 'm', actions: ['retry', 'retry'], partialKept: false },
        },
      ],
      [
        'error without partialKept',
        { kind: 'event', type: 'story.error', data: { code: 'x', message: 'm', actions: [] } },
      ],
      [
        'error with empty message',
        { kind: 'event', type: 'story.error', data: { code: 'x', message: '', actions: [], partialKept: false } },
      ],
      [
        'error with html in code',
        { kind: 'event', type: 'story.error', data: { code: '<b>', message: 'm', actions: [], partialKept: false } },
      ],
      [
        'history item with bad status',
        { kind: 'event', type: 'history', data: { items: [{ ...item, status: 'queued' }] } },
      ],
      [
        'history item with ISO date',
        { kind: 'event', type: 'history', data: { items: [{ ...item, createdAt: '2024-01-01' }] } },
      ],
      ['history not an array', { kind: 'event', type: 'history', data: { items: item } }],
      [
        'opened story without text',
        { kind: 'event', type: 'story.opened', data: { story: { ...story, text: undefined } } },
      ],
      [
        'opened story with extra key',
        { kind: 'event', type: 'story.opened', data: { story: { ...story, html: '<script>' } } },
      ],
      [
        'usage.today with string tokens',
        { kind: 'event', type: 'usage.today', data: { inputTokens: '1', outputTokens: 2, cost: null } },
      ],
      [
        'usage.today with an empty project name',
        {
          kind: 'event',
          type: 'usage.today',
          data: {
            inputTokens: 1,
            outputTokens: 2,
            cost: null,
            projects: [{ project: '', requests: 1, totalTokens: 3, cost: null }],
          },
        },
      ],
      [
        'usage.today with a project name over 200 characters',
        {
          kind: 'event',
          type: 'usage.today',
          data: {
            inputTokens: 1,
            outputTokens: 2,
            cost: null,
            projects: [{ project: 'x'.repeat(201), requests: 1, totalTokens: 3, cost: null }],
          },
        },
      ],
      [
        'usage.budget with more left than the budget',
        { kind: 'event', type: 'usage.budget', data: { dailyTokens: 10, tokensLeft: 11, resetsAt: 0 } },
      ],
      [
        'usage.budget with an ISO reset time',
        {
          kind: 'event',
          type: 'usage.budget',
          data: { dailyTokens: 10, tokensLeft: 1, resetsAt: '2026-12-02T00:00:00.000Z' },
        },
      ],
      [
        'usage.budget with negative tokens left',
        { kind: 'event', type: 'usage.budget', data: { dailyTokens: 10, tokensLeft: -1, resetsAt: 0 } },
      ],
      [
        'usage.budget with an extra key',
        { kind: 'event', type: 'usage.budget', data: { dailyTokens: 10, tokensLeft: 1, resetsAt: 0, sub: 'x' } },
      ],
      ['usage.budget without data', { kind: 'event', type: 'usage.budget' }],
      ['contentPolicy with an unknown policy', { kind: 'event', type: 'contentPolicy', data: { policy: 'strict' } }],
      [
        'contentPolicy with a guardrail id (the panel is never told one)',
        { kind: 'event', type: 'contentPolicy', data: { policy: 'Standard', guardrailId: 'abc' } },
      ],
      ['event type from the prototype', { kind: 'event', type: 'constructor', data: {} }],
    ];
    for (const [name, message] of malformed) {
      it(`rejects ${name}`, () => assert.equal(parseHostMessage(message), undefined));
    }
  });
  describe('parseResult', () => {
    it('checks results per method', () => {
      assert.deepEqual(parseResult('generate', { storyId: 's' }), { storyId: 's' });
      assert.equal(parseResult('generate', { id: 's' }), undefined);
      assert.equal(parseResult('stop', null), null);
      assert.equal(parseResult('stop', {}), undefined);
      assert.deepEqual(parseResult('history.open', { story }), { story });
      assert.equal(parseResult('history.open', { story: { ...story, status: 'lost' } }), undefined);
      assert.deepEqual(parseResult('export', { exported: false }), { exported: false });
      assert.equal(parseResult('export', { exported: 'yes' }), undefined);
      assert.deepEqual(parseResult('listModels', { models: [], defaultModelId: '' }), {
        models: [],
        defaultModelId: '',
      });
      assert.equal(parseResult('history.delete', null), undefined);
      const origin = { project: 'The Salt Road', chapter: 'chapters/02.md', command: 'continue' };
      assert.deepEqual(parseResult('history.open', { story: { ...story, origin } }), { story: { ...story, origin } });
      for (const bad of [
        { ...origin, command: 'rewrite' },
        { ...origin, chapter: '' },
        { ...origin, chapter: 'x'.repeat(1025) },
        { ...origin, extra: 1 },
      ])
        assert.equal(parseResult('history.open', { story: { ...story, origin: bad } }), undefined, JSON.stringify(bad));
      assert.equal(parseResult('history.openChapter', null), null);
      assert.equal(parseResult('history.openChapter', { opened: true }), undefined);
    });
  });

  describe('refusals (ok:false) carry the buttons that fix them in `actions`', () => {
    const refusal = (error: unknown): unknown => ({ kind: 'response', id: 7, ok: false, error });

    it('accepts a refusal with its actions, or none, and gives them to the webview unchanged', () => {
      for (const error of [
        { message: 'Sign in to write stories.', code: 'notSignedIn', actions: ['signIn'] },
        { message: 'Storyteller is not configured.', code: 'notConfigured', actions: ['openSettings'] },
        { message: 'Bedrock is busy.', code: 'throttled', actions: ['retry', 'pickModel'] },
        { message: 'That story is no longer in the history.', code: 'notFound', actions: [] },
        { message: 'Something failed.', actions: ['retry'] },
      ])
        assert.deepEqual(parseHostMessage(wire(refusal(error))), refusal(error), JSON.stringify(error));
    });

    it('drops a refusal without actions, with unknown or repeated actions, or with a bad code', () => {
      for (const error of [
        { message: 'Sign in to write stories.', code: 'signIn' },
        { message: 'x', code: 'busy', actions: ['format'] },
        { message: 'x', code: 'busy', actions: ['retry', 'retry'] },
        { message: 'x', code: 'busy', actions: 'signIn' },
        { message: 'x', code: 'has spaces', actions: [] },
        { message: 'x', code: '<b>', actions: ['retry'] },
        { message: 'x', actions: [], extra: 1 },
      ])
        assert.equal(parseHostMessage(refusal(error)), undefined, JSON.stringify(error));
    });

    it('errorResponse keeps the code apart from the actions, and never builds a refusal the webview would drop', () => {
      assert.deepEqual(errorResponse(1, 'Sign in to write stories.', { code: 'notSignedIn', actions: ['signIn'] }), {
        kind: 'response',
        id: 1,
        ok: false,
        error: { message: 'Sign in to write stories.', code: 'notSignedIn', actions: ['signIn'] },
      });
      assert.deepEqual(errorResponse(2, 'Busy.', { code: 'busy' }), {
        kind: 'response',
        id: 2,
        ok: false,
        error: { message: 'Busy.', code: 'busy', actions: [] },
      });
      // What a thrown error may carry: a code with spaces, a number, unknown or repeated actions.
      const odd = errorResponse(3, 'Odd.', { code: 'not an id', actions: ['retry', 'format', 'retry', 'signIn'] });
      assert.deepEqual(odd, {
        kind: 'response',
        id: 3,
        ok: false,
        error: { message: 'Odd.', actions: ['retry', 'signIn'] },
      });
      assert.deepEqual(parseHostMessage(wire(odd)), odd);
      const thrown = Object.assign(new Error('Numeric.'), { code: 42, actions: 'retry' });
      const numeric = errorResponse(4, thrown.message, thrown as unknown as { code?: string; actions?: string[] });
      assert.deepEqual(numeric, { kind: 'response', id: 4, ok: false, error: { message: 'Numeric.', actions: [] } });
    });
  });
});

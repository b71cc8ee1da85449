import * as assert from 'node:assert/strict';
import {
  DEFAULT_CONTROLS,
  EMPTY_DRAFT,
  LIMITS,
  PROTOCOL_VERSION,
  errorResponse,
  hostEvent,
  isSafeLink,
  linkToOpen,
  okResponse,
  parseHostMessage,
  parseParams,
  parseResult,
  parseWebviewMessage,
  parseWebviewState,
  request,
  validateControls,
  webviewEvent,
} from '../../../src/core/story/protocol';
import type { HostEvent, StoryControls, StoryRecord, WebviewMessage } from '../../../src/core/story/protocol';

const controls: StoryControls = { ...DEFAULT_CONTROLS, premise: 'A lighthouse keeper befriends a storm.' };
const usage = { inputTokens: 120, outputTokens: 800, totalTokens: 920 };
const cost = { amount: 0.0012, currency: 'USD', estimated: true as const };
const story: StoryRecord = {
  id: 's-1',
  title: 'The Storm',
  modelId: 'amazon.nova-lite-v1:0',
  controls,
  text: '# The Storm\n\nOnce upon a time…',
  status: 'done',
  usage,
  cost,
  createdAt: 1_700_000_000_000,
};
const item = {
  id: 's-1',
  title: 'The Storm',
  modelId: 'amazon.nova-lite-v1:0',
  createdAt: 1_700_000_000_000,
  status: 'done',
  outputTokens: 800,
};

/** Round trip through JSON, as postMessage does in VS Code. */
const wire = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));

describe('story protocol', () => {
  describe('validateControls', () => {
    it('accepts the defaults with a premise and trims text', () => {
      const r = validateControls({
        ...controls,
        premise: '  Hello  ',
        genre: ' sci-fi ',
        characters: '   ',
        setting: ' Mars ',
      });
      assert.ok(r.ok);
      assert.equal(r.value.premise, 'Hello');
      assert.equal(r.value.genre, 'sci-fi');
      assert.equal(r.value.setting, 'Mars');
      assert.equal('characters' in r.value, false, 'empty optional fields are dropped');
    });

    it('allows empty genre and tone (the model chooses) but not a missing one', () => {
      assert.ok(validateControls({ ...controls, genre: '', tone: '' }).ok);
      const { genre: _g, ...noGenre } = controls;
      const r = validateControls(noGenre);
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['genre'],
      );
    });

    it('reports an empty, blank or missing premise', () => {
      for (const premise of ['', '   \n\t', undefined]) {
        const r = validateControls({ ...controls, premise });
        assert.ok(!r.ok, `premise ${JSON.stringify(premise)}`);
        assert.deepEqual(r.errors, [{ field: 'premise', message: 'Premise is required.' }]);
      }
    });

    it('enforces the premise limit exactly', () => {
      assert.ok(validateControls({ ...controls, premise: 'x'.repeat(LIMITS.premiseMax) }).ok);
      const r = validateControls({ ...controls, premise: 'x'.repeat(LIMITS.premiseMax + 1) });
      assert.ok(!r.ok);
      assert.equal(r.errors[0]?.field, 'premise');
      assert.match(r.errors[0]!.message, /4,001 characters.*limit is 4,000/, 'numbers formatted as in the counter');
    });

    it('checks temperature is a finite number in 0..1', () => {
      for (const t of [0, 0.5, 1]) assert.ok(validateControls({ ...controls, temperature: t }).ok, String(t));
      for (const t of [-0.01, 1.01, NaN, Infinity, '0.5', null, undefined]) {
        const r = validateControls({ ...controls, temperature: t });
        assert.ok(!r.ok, String(t));
        assert.deepEqual(
          r.errors.map((e) => e.field),
          ['temperature'],
        );
      }
    });

    it('checks audience and length against their options', () => {
      const r = validateControls({ ...controls, audience: 'toddlers', length: 'epic' });
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['audience', 'length'],
      );
      assert.match(r.errors[0]!.message, /children, young adult, adult/);
    });

    it('reports every problem at once, in form order, and unknown fields', () => {
      const r = validateControls({
        premise: 5,
        genre: 'g'.repeat(101),
        audience: 'adult',
        tone: 't',
        length: 'short',
        temperature: 2,
        characters: 7,
        extra: 1,
      });
      assert.ok(!r.ok);
      assert.deepEqual(
        r.errors.map((e) => e.field),
        ['controls', 'premise', 'genre', 'temperature', 'characters'],
      );
    });

    it('rejects non-objects', () => {
      for (const x of [null, undefined, 'premise', 42, [controls]]) assert.ok(!validateControls(x).ok);
    });
  });

  describe('parseWebviewMessage', () => {
    const valid: WebviewMessage[] = [
      request(1, 'generate', { controls, modelId: 'amazon.nova-lite-v1:0' }),
      request(2, 'stop', { storyId: 's-1' }),
      request(3, 'continue', { storyId: 's-1' }),
      request(4, 'regenerate', { storyId: 's-1' }),
      request(5, 'refine', { storyId: 's-1', instruction: 'Make it scarier.' }),
      request(6, 'listModels', {}),
      request(7, 'history.list', {}),
      request(8, 'history.open', { id: 's-1' }),
      request(9, 'history.delete', { id: 's-1' }),
      request(10, 'export', { id: 's-1', target: 'editor' }),
      request(11, 'export', { id: 's-1', target: 'copy' }),
      request(12, 'signIn', {}),
      request(13, 'openSettings', {}),
      request(14, 'openLink', { url: 'https://example.com/a?b=c' }),
      request(15, 'openLink', { url: 'mailto:someone@example.com' }),
      webviewEvent('ready', { protocolVersion: PROTOCOL_VERSION }),
      webviewEvent('log', { level: 'error', message: 'boom' }),
    ];

    it('accepts every well-formed message, after a JSON round trip, unchanged', () => {
      for (const m of valid) assert.deepEqual(parseWebviewMessage(wire(m)), m, JSON.stringify(m));
    });

    it('normalises the controls of generate', () => {
      const m = parseWebviewMessage(
        wire(request(1, 'generate', { controls: { ...controls, premise: '  spaced  ', setting: '' }, modelId: 'm.x' })),
      );
      assert.ok(m && m.kind === 'request' && m.method === 'generate');
      assert.equal(m.params.controls.premise, 'spaced');
      assert.equal('setting' in m.params.controls, false);
    });

    const malformed: [string, unknown][] = [
      ['null', null],
      ['a string', 'generate'],
      ['a number', 1],
      ['an array', [{ kind: 'request' }]],
      ['no kind', { id: 1, method: 'stop', params: { storyId: 'a' } }],
      ['unknown kind', { kind: 'command', id: 1, method: 'stop', params: { storyId: 'a' } }],
      ['a response from the webview', { kind: 'response', id: 1, ok: true, result: null }],
      ['unknown method', { kind: 'request', id: 1, method: 'deleteEverything', params: {} }],
      ['method from the prototype', { kind: 'request', id: 1, method: 'toString', params: {} }],
      ['method __proto__', { kind: 'request', id: 1, method: '__proto__', params: {} }],
      ['string id', { kind: 'request', id: '1', method: 'signIn', params: {} }],
      ['negative id', { kind: 'request', id: -1, method: 'signIn', params: {} }],
      ['fractional id', { kind: 'request', id: 1.5, method: 'signIn', params: {} }],
      ['missing id', { kind: 'request', method: 'signIn', params: {} }],
      ['missing params', { kind: 'request', id: 1, method: 'signIn' }],
      ['null params', { kind: 'request', id: 1, method: 'signIn', params: null }],
      ['params on a no-params method', { kind: 'request', id: 1, method: 'signIn', params: { force: true } }],
      ['extra envelope key', { kind: 'request', id: 1, method: 'signIn', params: {}, extra: 1 }],
      ['stop without storyId', { kind: 'request', id: 1, method: 'stop', params: {} }],
      ['stop with empty storyId', { kind: 'request', id: 1, method: 'stop', params: { storyId: '' } }],
      ['stop with numeric storyId', { kind: 'request', id: 1, method: 'stop', params: { storyId: 7 } }],
      [
        'stop with a huge storyId',
        { kind: 'request', id: 1, method: 'stop', params: { storyId: 'x'.repeat(LIMITS.idMax + 1) } },
      ],
      ['generate without controls', { kind: 'request', id: 1, method: 'generate', params: { modelId: 'm' } }],
      ['generate without modelId', { kind: 'request', id: 1, method: 'generate', params: { controls } }],
      [
        'generate with empty premise',
        {
          kind: 'request',
          id: 1,
          method: 'generate',
          params: { controls: { ...controls, premise: ' ' }, modelId: 'm' },
        },
      ],
      [
        'generate with too long premise',
        {
          kind: 'request',
          id: 1,
          method: 'generate',
          params: { controls: { ...controls, premise: 'p'.repeat(4001) }, modelId: 'm' },
        },
      ],
      [
        'generate with temperature 1.5',
        {
          kind: 'request',
          id: 1,
          method: 'generate',
          params: { controls: { ...controls, temperature: 1.5 }, modelId: 'm' },
        },
      ],
      [
        'generate with extra control',
        {
          kind: 'request',
          id: 1,
          method: 'generate',
          params: { controls: { ...controls, maxTokens: 1e6 }, modelId: 'm' },
        },
      ],
      [
        'generate with extra param',
        { kind: 'request', id: 1, method: 'generate', params: { controls, modelId: 'm', accessKey: 'AKIA' } },
      ],
      [
        'refine with blank instruction',
        { kind: 'request', id: 1, method: 'refine', params: { storyId: 's', instruction: '  ' } },
      ],
      [
        'refine with too long instruction',
        { kind: 'request', id: 1, method: 'refine', params: { storyId: 's', instruction: 'i'.repeat(2001) } },
      ],
      [
        'export to an unknown target',
        { kind: 'request', id: 1, method: 'export', params: { id: 's', target: 'email' } },
      ],
      ['export without id', { kind: 'request', id: 1, method: 'export', params: { target: 'file' } }],
      ['openLink javascript:', { kind: 'request', id: 1, method: 'openLink', params: { url: 'javascript:alert(1)' } }],
      ['openLink file:', { kind: 'request', id: 1, method: 'openLink', params: { url: 'file:///etc/passwd' } }],
      [
        'openLink command:',
        { kind: 'request', id: 1, method: 'openLink', params: { url: 'command:workbench.action.terminal.new' } },
      ],
      [
        'openLink vscode:',
        { kind: 'request', id: 1, method: 'openLink', params: { url: 'vscode://some.extension/do' } },
      ],
      [
        'openLink data:',
        { kind: 'request', id: 1, method: 'openLink', params: { url: 'data:text/html,<script>1</script>' } },
      ],
      ['openLink relative', { kind: 'request', id: 1, method: 'openLink', params: { url: '/etc/passwd' } }],
      [
        'openLink with whitespace inside',
        { kind: 'request', id: 1, method: 'openLink', params: { url: 'https://a b' } },
      ],
      ['unknown event', { kind: 'event', type: 'story.delta', data: { storyId: 's', text: 'x' } }],
      ['ready without data', { kind: 'event', type: 'ready' }],
      ['ready with version 0', { kind: 'event', type: 'ready', data: { protocolVersion: 0 } }],
      ['log with unknown level', { kind: 'event', type: 'log', data: { level: 'info', message: 'x' } }],
      ['event with extra key', { kind: 'event', type: 'ready', data: { protocolVersion: 1 }, id: 3 }],
    ];
    for (const [name, message] of malformed) {
      it(`rejects ${name}`, () => assert.equal(parseWebviewMessage(message), undefined));
    }

    it('returns fresh objects (a getter-free copy, not the input)', () => {
      const input = wire(request(1, 'stop', { storyId: 's' })) as { params: object };
      const m = parseWebviewMessage(input);
      assert.ok(m && m.kind === 'request');
      assert.notEqual(m.params, input.params);
    });
  });

  describe('parseHostMessage', () => {
    const valid: HostEvent[] = [
      hostEvent('state', {
        auth: { status: 'signedIn', email: 'a@example.com' },
        models: [{ id: 'amazon.nova-lite-v1:0', name: 'Nova Lite', provider: 'Amazon' }],
        defaultModelId: 'amazon.nova-lite-v1:0',
      }),
      hostEvent('state', { auth: { status: 'signedOut' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { status: 'offline', email: 'a@example.com' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { status: 'offline' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { status: 'sessionExpired' }, models: [], defaultModelId: '' }),
      hostEvent('state', { auth: { status: 'unconfigured' }, models: [], defaultModelId: '' }),
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
    ];

    it('accepts every well-formed event unchanged', () => {
      for (const m of valid) assert.deepEqual(parseHostMessage(wire(m)), m, JSON.stringify(m));
    });

    it('accepts responses and leaves the result to parseResult', () => {
      const ok = okResponse(3, 'generate', { storyId: 's-9' });
      assert.deepEqual(parseHostMessage(wire(ok)), ok);
      const err = errorResponse(4, 'No such story.', 'notFound');
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
        { kind: 'event', type: 'state', data: { auth: { status: 'signedIn' }, models: [], defaultModelId: '' } },
      ],
      [
        'state signedOut with a token',
        {
          kind: 'event',
          type: 'state',
          data: { auth: { status: 'signedOut', idToken: 'eyJ' }, models: [], defaultModelId: '' },
        },
      ],
      [
        'state with a bad model',
        {
          kind: 'event',
          type: 'state',
          data: { auth: { status: 'signedOut' }, models: [{ id: 'm' }], defaultModelId: '' },
        },
      ],
      [
        'state without models',
        { kind: 'event', type: 'state', data: { auth: { status: 'signedOut' }, defaultModelId: '' } },
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
      ['event type from the prototype', { kind: 'event', type: 'constructor', data: {} }],
    ];
    for (const [name, message] of malformed) {
      it(`rejects ${name}`, () => assert.equal(parseHostMessage(message), undefined));
    }
  });

  describe('parseResult and parseParams', () => {
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
    });

    it('checks params per method', () => {
      assert.deepEqual(parseParams('refine', { storyId: 's', instruction: 'shorter' }), {
        storyId: 's',
        instruction: 'shorter',
      });
      assert.equal(parseParams('refine', { storyId: 's' }), undefined);
    });
  });

  describe('isSafeLink', () => {
    it('allows http, https and mailto only', () => {
      for (const url of ['http://a.example', 'https://a.example/x?y#z', 'HTTPS://A.EXAMPLE', 'mailto:a@example.com'])
        assert.ok(isSafeLink(url), url);
      for (const url of [
        'javascript:alert(1)',
        'JavaScript:alert(1)',
        ' javascript:x',
        'vbscript:x',
        'data:text/html,x',
        'file:///x',
        'command:x',
        'vscode:x',
        'ftp://x',
        '//evil.example',
        'https://',
        'mailto:',
        'http://a b',
      ])
        assert.ok(!isSafeLink(url), url);
    });
  });

  describe('linkToOpen', () => {
    it('opens mailto with only the address, subject and body: no attachments, recipients or headers', () => {
      const cases: [string, string][] = [
        [
          'mailto:ann@example.com?subject=Hi&attach=/etc/passwd&body=Dear%20Ann',
          'mailto:ann@example.com?subject=Hi&body=Dear%20Ann',
        ],
        ['mailto:ann@example.com?attach=~/.ssh/id_rsa', 'mailto:ann@example.com'],
        ['mailto:ann@example.com?ATTACHMENT=x&Subject=Hi', 'mailto:ann@example.com?subject=Hi'],
        [
          'mailto:ann@example.com?cc=eve@example.com&bcc=eve@example.com&to=eve@example.com&in-reply-to=x',
          'mailto:ann@example.com',
        ],
        ['mailto:ann@example.com?%61ttach=x&subject=a&subject=b', 'mailto:ann@example.com?subject=a'],
        ['mailto:ann@example.com#frag', 'mailto:ann@example.com'],
        ['mailto:ann@example.com', 'mailto:ann@example.com'],
        ['MAILTO:ann@example.com?body=x&%zz=1', 'mailto:ann@example.com?body=x'],
      ];
      for (const [url, opened] of cases) assert.equal(linkToOpen(url), opened, url);
    });

    it('opens http(s) links as they are, and nothing unsafe', () => {
      assert.equal(linkToOpen('https://a.example/x?attach=y#z'), 'https://a.example/x?attach=y#z');
      for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'command:x', 'mailto:'])
        assert.equal(linkToOpen(url), undefined, url);
    });
  });

  describe('history limits and the other-window flag, both ways', () => {
    const item = { id: 'h1', title: 'T', modelId: 'm', createdAt: 1, status: 'streaming' as const, outputTokens: 0 };
    it('accepts elsewhere: true and omitted counts', () => {
      const page = { items: [{ ...item, elsewhere: true as const }], omitted: 12 };
      assert.deepEqual(parseHostMessage(wire(hostEvent('history', page))), hostEvent('history', page));
      assert.deepEqual(parseResult('history.list', wire(page)), page);
      assert.deepEqual(parseResult('history.list', { items: [item] }), { items: [item] });
    });
    it('rejects anything else in those fields', () => {
      for (const page of [
        { items: [{ ...item, elsewhere: false }] },
        { items: [{ ...item, elsewhere: 'yes' }] },
        { items: [item], omitted: -1 },
        { items: [item], omitted: 1.5 },
        { items: [item], more: 1 },
      ]) {
        assert.equal(parseHostMessage({ kind: 'event', type: 'history', data: page }), undefined, JSON.stringify(page));
        assert.equal(parseResult('history.list', page), undefined, JSON.stringify(page));
      }
    });
  });

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

// Webview → host: the REQUESTS and COMMANDS the host accepts, and everything it drops.
import * as assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/story/protocol/limits';
import {
  PROTOCOL_VERSION,
  parseWebviewMessage,
  request,
  webviewEvent,
} from '../../../../src/core/story/protocol/messages';
import type { WebviewMessage } from '../../../../src/core/story/protocol/messages';
import { controls, paramsOf, wire } from './fixtures';

describe('story protocol', () => {
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
      request(16, 'configure', {}),
      request(17, 'history.openChapter', { id: 's-1' }),
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
      [
        'history.openChapter with a path instead of an id',
        { kind: 'request', id: 1, method: 'history.openChapter', params: { path: '/etc/passwd' } },
      ],
      [
        'history.openChapter with a path beside the id',
        { kind: 'request', id: 1, method: 'history.openChapter', params: { id: 's-1', chapter: '../x.md' } },
      ],
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

  describe('params per method', () => {
    it('checks params per method', () => {
      assert.deepEqual(paramsOf('refine', { storyId: 's', instruction: 'shorter' }), {
        storyId: 's',
        instruction: 'shorter',
      });
      assert.equal(paramsOf('refine', { storyId: 's' }), undefined);
    });
  });

  describe('the protocol version', () => {
    it('is checked by the host: a ready of another version is dropped, so nothing is exchanged with it', () => {
      assert.ok(parseWebviewMessage(wire(webviewEvent('ready', { protocolVersion: PROTOCOL_VERSION }))));
      for (const protocolVersion of [PROTOCOL_VERSION + 1, PROTOCOL_VERSION - 1, String(PROTOCOL_VERSION)])
        assert.equal(
          parseWebviewMessage({ kind: 'event', type: 'ready', data: { protocolVersion } }),
          undefined,
          String(protocolVersion),
        );
    });
  });

  it('drops params that are an array, even an empty one where no params are expected', () => {
    for (const method of ['signIn', 'listModels', 'openSettings', 'configure', 'history.list']) {
      assert.deepEqual(paramsOf(method, {}), {}, method);
      assert.equal(paramsOf(method, []), undefined, method);
    }
  });
});

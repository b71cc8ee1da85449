// The links a story may open, and what the host opens for them.
import * as assert from 'node:assert/strict';
import { isSafeLink, linkToOpen } from '../../../../src/core/story/protocol/links';

describe('story protocol', () => {
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
});

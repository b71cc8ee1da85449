// Which callback route a host gets, the URLs they send to Cognito (they must equal the template's
// CallbackURLs and LogoutURLs exactly), the paste check, and how an account is labelled.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accountLabel, signedInHow } from '../../../src/core/auth/account';
import {
  editorCallback,
  editorSignedOut,
  getRoutes,
  loopbackCallback,
  loopbackSignedOut,
  pastedCallbackProblem,
} from '../../../src/core/auth/browser/routes';

const ids = (q: Parameters<typeof getRoutes>[0]) => getRoutes(q).map((r) => r.id);

describe('browser sign-in routes', () => {
  it('desktop, local: loopback first, then the URI handler, then paste', () => {
    assert.deepEqual(ids({ remote: false, web: false, uriScheme: 'vscode' }), ['loopback', 'uriHandler', 'paste']);
    assert.deepEqual(ids({ remote: false, web: false, uriScheme: 'vscode-insiders' }), [
      'loopback',
      'uriHandler',
      'paste',
    ]);
  });

  it('remote (SSH, WSL, containers): no loopback, since the port would open on the remote side', () => {
    assert.deepEqual(ids({ remote: true, web: false, uriScheme: 'vscode' }), ['uriHandler', 'paste']);
  });

  it('web (code-server, vscode.dev) or an editor scheme the app client does not list: paste only', () => {
    assert.deepEqual(ids({ remote: true, web: true, uriScheme: 'code-oss' }), ['paste']);
    assert.deepEqual(ids({ remote: false, web: true, uriScheme: 'vscode' }), ['paste']);
    assert.deepEqual(ids({ remote: false, web: false, uriScheme: 'cursor' }), ['loopback', 'paste']);
  });

  it("sends exactly the template's CallbackURLs and LogoutURLs", () => {
    const template = readFileSync('infra/template.yaml', 'utf8');
    const listed = (key: string) => {
      const block = template.split(`${key}:`)[1]!.split(/\n\s{6}\w/)[0]!;
      return [...block.matchAll(/- (?:!Sub )?'?([^'\n]+)'?/g)].map((m) =>
        m[1]!.replace('${LoopbackCallbackPort}', '53682'),
      );
    };
    assert.deepEqual(listed('CallbackURLs'), [
      editorCallback('vscode'),
      editorCallback('vscode-insiders'),
      loopbackCallback(53682),
    ]);
    assert.deepEqual(listed('LogoutURLs'), [
      editorSignedOut('vscode'),
      editorSignedOut('vscode-insiders'),
      loopbackSignedOut(53682),
    ]);
  });

  it('a pasted address must be a URL with code and state, or an error', () => {
    assert.equal(pastedCallbackProblem('http://127.0.0.1:53682/callback?code=abc&state=xyz'), undefined);
    assert.equal(pastedCallbackProblem(' http://127.0.0.1:53682/callback?error=access_denied&state=x '), undefined);
    assert.match(pastedCallbackProblem('abc')!, /whole address/);
    assert.equal(
      pastedCallbackProblem('http://127.0.0.1:53682/callback?code=abc'),
      'This address has the sign-in code but not its state, so part of it is missing. Copy the whole address from the address bar, to its very end.',
      'a copy cut short says what is missing (#24)',
    );
    assert.match(pastedCallbackProblem('http://127.0.0.1:53682/callback')!, /no sign-in code/);
  });
});

describe('account label and how the user signed in', () => {
  it('labels with the email, else the name the provider shared, else the user name', () => {
    assert.equal(accountLabel({ email: 'a@example.com', name: 'Ada', username: 'u' }), 'a@example.com');
    assert.equal(accountLabel({ email: '', name: 'Ada Lovelace', username: 'LoginWithAmazon_1' }), 'Ada Lovelace');
    assert.equal(accountLabel({ email: '', username: 'Google_1' }), 'Google_1');
  });

  it('says password, the managed login page, or the social provider', () => {
    assert.equal(signedInHow({}), 'with a password in VS Code');
    assert.equal(signedInHow({ method: 'password' }), 'with a password in VS Code');
    assert.equal(
      signedInHow({ method: 'browser', provider: 'COGNITO' }),
      "in the browser, on Amazon Cognito's sign-in page",
    );
    assert.equal(
      signedInHow({ method: 'browser', provider: 'LoginWithAmazon' }),
      'in the browser, with Login with Amazon',
    );
    assert.equal(signedInHow({ method: 'browser', provider: 'Google' }), 'in the browser, with Google');
  });
});

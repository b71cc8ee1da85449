import * as assert from 'node:assert/strict';
import * as l10n from '@vscode/l10n';
import {
  describeChange,
  notConfiguredMessage,
  originChangedMessage,
  sameOrigin,
  unboundMessage,
} from '../../../src/core/auth/origin';
import type { SessionOrigin } from '../../../src/core/auth/origin';

const FROM: SessionOrigin = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_A',
  clientId: 'client',
  cognitoIdp: '',
  identityPoolId: 'us-east-1:pool',
  cognitoIdentity: '',
};

describe('session origin messages', () => {
  afterEach(() => l10n.config({ contents: {} }));

  it('names what changed, in English by default', () => {
    assert.equal(describeChange(FROM, FROM), 'nothing');
    assert.equal(
      describeChange(FROM, { ...FROM, userPoolId: 'us-east-1_B' }),
      'the user pool (us-east-1_A → us-east-1_B)',
    );
    assert.equal(
      describeChange(FROM, { ...FROM, region: 'eu-west-1', clientId: 'other', cognitoIdp: 'http://127.0.0.1:4566' }),
      'the region (us-east-1 → eu-west-1), the app client (client → other) and the Cognito user pool endpoint (AWS default → http://127.0.0.1:4566)',
    );
    assert.equal(sameOrigin(FROM, { ...FROM }), true);
  });

  it('says every sentence and every part of one in the language VS Code loaded', () => {
    l10n.config({
      contents: {
        'the user pool': 'der Benutzerpool',
        'the region': 'die Region',
        'AWS default': 'AWS-Standard',
        nothing: 'nichts',
        '{0} ({1} → {2})': '{0} ({1} ⇒ {2})',
        '{0} and {1}': '{0} und {1}',
        'Your sign-in settings changed since you signed in: {0}. Nothing was sent with the old session; sign in again.':
          'Ihre Anmeldeeinstellungen haben sich geändert: {0}. Melden Sie sich erneut an.',
        'Sign in again: this version remembers which user pool each session belongs to, and your saved session predates that.':
          'Melden Sie sich erneut an.',
        'Storyteller is not configured, so the saved session was not used. Run "Storyteller: Configure from Stack Outputs…", then sign in.':
          'Storyteller ist nicht eingerichtet.',
      },
    });
    assert.equal(describeChange(FROM, FROM), 'nichts');
    assert.equal(
      originChangedMessage(FROM, { ...FROM, region: 'eu-west-1', userPoolId: 'eu-west-1_B' }),
      'Ihre Anmeldeeinstellungen haben sich geändert: die Region (us-east-1 ⇒ eu-west-1) und der Benutzerpool (us-east-1_A ⇒ eu-west-1_B). Melden Sie sich erneut an.',
    );
    assert.equal(describeChange(FROM, { ...FROM, region: '' }), 'die Region (us-east-1 ⇒ AWS-Standard)');
    assert.equal(unboundMessage(), 'Melden Sie sich erneut an.');
    assert.equal(notConfiguredMessage(), 'Storyteller ist nicht eingerichtet.');
  });
});

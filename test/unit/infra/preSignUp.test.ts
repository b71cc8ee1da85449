import * as assert from 'node:assert/strict';
import type { PreSignUpTriggerEvent } from 'aws-lambda';
import {
  decide,
  emailDomain,
  handler,
  isAllowedEmail,
  isPlusAddress,
  parseDomains,
  PLUS_ADDRESS_MESSAGE,
  readConfig,
  rejectionMessage,
  selfSignUpOffMessage,
} from '../../../infra/src/preSignUp';
import type { PreSignUpConfig } from '../../../infra/src/preSignUp';

type Source = PreSignUpTriggerEvent['triggerSource'];

/** A pre sign-up event as Cognito sends it (shape from the Cognito developer guide). */
function event(
  triggerSource: Source,
  userAttributes: Record<string, string>,
  userName = triggerSource === 'PreSignUp_ExternalProvider'
    ? 'Google_110168563424871234567'
    : '2f6e6d2a-8c4b-4e8f-9a3b-1c2d3e4f5a6b',
): PreSignUpTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_AbCdEf123',
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1h57kf5cpq17m0eml12example' },
    triggerSource,
    request: {
      userAttributes: { 'cognito:user_status': 'UNCONFIRMED', ...userAttributes },
      validationData: {},
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  } as PreSignUpTriggerEvent;
}

const restricted: PreSignUpConfig = {
  allowedDomains: ['example.com', 'example.org'],
  autoConfirm: false,
  allowPlusAddressing: true,
  allowSelfSignUp: true,
};
const SOURCES: Source[] = ['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'];

describe('PreSignUp trigger (infra/src/preSignUp.ts)', () => {
  describe('email domain rule', () => {
    const cases: [string | undefined, boolean, string][] = [
      ['ada@example.com', true, 'an allowed domain'],
      ['grace@example.org', true, 'the second allowed domain'],
      ['Ada.Lovelace@EXAMPLE.COM', true, 'upper case'],
      ['  ada@example.com \n', true, 'surrounding whitespace'],
      ['ada+storyteller@example.com', true, 'plus-addressing'],
      ['ada@evil-example.com', false, 'a look-alike domain'],
      ['ada@example.com.evil.org', false, 'the allowed domain as a sub-domain of another'],
      ['ada@mail.example.com', false, 'a sub-domain of the allowed domain (exact match only)'],
      ['ada@b@example.com', false, 'two @ signs'],
      ['', false, 'an empty email'],
      ['   ', false, 'a blank email'],
      [undefined, false, 'no email attribute'],
      ['example.com', false, 'no @ at all'],
      ['@example.com', false, 'no local part'],
      ['ada@', false, 'no domain'],
      ['ada @example.com', false, 'whitespace inside'],
      ['ada@example.com.', false, 'a trailing dot'],
    ];
    for (const [email, allowed, why] of cases) {
      it(`${allowed ? 'allows' : 'rejects'} ${JSON.stringify(email)}: ${why}`, () => {
        assert.equal(isAllowedEmail(email, restricted.allowedDomains), allowed);
      });
    }

    it('allows anyone when no domains are configured', () => {
      assert.equal(isAllowedEmail('someone@anywhere.net', []), true);
      assert.equal(isAllowedEmail(undefined, []), true);
    });

    it('reads ALLOWED_EMAIL_DOMAINS forgivingly: case, spaces, a leading @, empty items, duplicates', () => {
      assert.deepEqual(parseDomains(' Example.com, @example.org,,EXAMPLE.COM , '), ['example.com', 'example.org']);
      assert.deepEqual(parseDomains(''), []);
      assert.deepEqual(parseDomains(undefined), []);
    });

    it('extracts the domain only from a well-formed address', () => {
      assert.equal(emailDomain(' A@Example.COM '), 'example.com');
      assert.equal(emailDomain('a@b@example.com'), undefined);
    });
  });

  describe('every trigger source', () => {
    for (const source of SOURCES) {
      it(`${source}: lets an allowed email through unchanged`, () => {
        const input = event(source, { email: 'ada@example.com' });
        const output = decide(structuredClone(input), restricted);
        assert.deepEqual(output, input);
      });

      it(`${source}: rejects a disallowed email with a message that says what is allowed`, () => {
        assert.throws(() => decide(event(source, { email: 'ada@evil-example.com' }), restricted), {
          message:
            'Sign-up is limited to email addresses at example.com or example.org. Please use an address at one of those domains.',
        });
      });

      it(`${source}: rejects a missing email attribute when domains are restricted`, () => {
        const noEmail = event(source, { name: 'Ada' });
        assert.throws(() => decide(noEmail, restricted), /limited to email addresses at example\.com or example\.org/);
      });
    }
  });

  describe('plus-addressing (AllowPlusAddressing)', () => {
    const noPlus: PreSignUpConfig = {
      allowedDomains: [],
      autoConfirm: false,
      allowPlusAddressing: false,
      allowSelfSignUp: true,
    };
    const cases: [string, boolean][] = [
      ['ada+storyteller@example.com', true],
      ['ada+@example.com', true],
      ['+tag@example.com', true],
      ['  Ada+Tag@Example.com ', true],
      ['ada@example.com', false],
      ['ada.lovelace@example.com', false],
      ['ada@plus+domain.example', false],
      ['', false],
    ];
    for (const [email, plus] of cases) {
      it(`${plus ? 'sees' : 'sees no'} a + tag in ${JSON.stringify(email)}`, () =>
        assert.equal(isPlusAddress(email), plus));
    }

    for (const source of SOURCES) {
      it(`${source}: refuses a + tag when AllowPlusAddressing=false, with a sentence that says what to do`, () => {
        assert.throws(() => decide(event(source, { email: 'ada+second@example.com' }), noPlus), {
          message: PLUS_ADDRESS_MESSAGE,
        });
        assert.match(PLUS_ADDRESS_MESSAGE, /without the tag\.$/);
      });
    }

    it('accepts the plain address when refusing tags, and tags when allowed (the default)', () => {
      assert.equal(
        decide(event('PreSignUp_SignUp', { email: 'ada@example.com' }), noPlus).response.autoConfirmUser,
        false,
      );
      assert.doesNotThrow(() =>
        decide(event('PreSignUp_SignUp', { email: 'ada+second@example.com' }), {
          ...noPlus,
          allowPlusAddressing: true,
        }),
      );
    });

    it('checks the domain first, so a tagged address at another domain hears about the domain', () => {
      assert.throws(
        () =>
          decide(event('PreSignUp_SignUp', { email: 'ada+x@evil.example' }), {
            ...noPlus,
            allowedDomains: ['example.com'],
          }),
        /limited to email addresses at example\.com/,
      );
    });

    it('reads ALLOW_PLUS_ADDRESSING: only "false" refuses', () => {
      assert.equal(readConfig({ ALLOW_PLUS_ADDRESSING: 'false' }).allowPlusAddressing, false);
      assert.equal(readConfig({ ALLOW_PLUS_ADDRESSING: ' FALSE ' }).allowPlusAddressing, false);
      assert.equal(readConfig({ ALLOW_PLUS_ADDRESSING: 'true' }).allowPlusAddressing, true);
      assert.equal(readConfig({}).allowPlusAddressing, true);
    });
  });

  describe('auto-confirm', () => {
    const autoConfirm: PreSignUpConfig = {
      allowedDomains: [],
      autoConfirm: true,
      allowPlusAddressing: true,
      allowSelfSignUp: true,
    };

    it('confirms the user and verifies the email on self sign-up', () => {
      const { response } = decide(event('PreSignUp_SignUp', { email: 'ada@example.com' }), autoConfirm);
      assert.deepEqual(response, { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false });
    });

    it('confirms and verifies users an administrator creates', () => {
      const { response } = decide(event('PreSignUp_AdminCreateUser', { email: 'ada@example.com' }), autoConfirm);
      assert.deepEqual(response, { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false });
    });

    it('leaves external-provider users alone: their email was never checked by this pool', () => {
      const { response } = decide(event('PreSignUp_ExternalProvider', { email: 'ada@example.com' }), autoConfirm);
      assert.deepEqual(response, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
    });

    it('does not verify an email that is not there', () => {
      const { response } = decide(event('PreSignUp_SignUp', { phone_number: '+15555550100' }), autoConfirm);
      assert.deepEqual(response, { autoConfirmUser: true, autoVerifyEmail: false, autoVerifyPhone: false });
    });

    it('changes nothing when auto-confirm is off', () => {
      const { response } = decide(event('PreSignUp_SignUp', { email: 'ada@example.com' }), {
        allowedDomains: [],
        autoConfirm: false,
        allowPlusAddressing: true,
        allowSelfSignUp: true,
      });
      assert.deepEqual(response, { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
    });

    it('never confirms a rejected user', () => {
      const input = event('PreSignUp_SignUp', { email: 'ada@evil.example' });
      assert.throws(() =>
        decide(input, {
          allowedDomains: ['example.com'],
          autoConfirm: true,
          allowPlusAddressing: true,
          allowSelfSignUp: false,
        }),
      );
      assert.equal(input.response.autoConfirmUser, false);
    });
  });

  describe('self sign-up off (AllowSelfSignUp=false): Cognito still creates new Google and Amazon users (#23)', () => {
    const closed: PreSignUpConfig = {
      allowedDomains: [],
      autoConfirm: false,
      allowPlusAddressing: true,
      allowSelfSignUp: false,
    };
    const amazonUser = 'LoginWithAmazon_amzn1.account.AFLOCALADA0000000000000000';

    it('refuses a new external user, naming the provider and the next step', () => {
      assert.throws(() => decide(event('PreSignUp_ExternalProvider', { email: 'ada@example.com' }), closed), {
        message:
          'Only an administrator can create accounts here, so signing in with Google cannot open a new one. Please ask your administrator for an account.',
      });
      assert.throws(
        () => decide(event('PreSignUp_ExternalProvider', { email: 'ada@example.com' }, amazonUser), closed),
        { message: selfSignUpOffMessage(amazonUser) },
      );
      assert.match(selfSignUpOffMessage(amazonUser), /signing in with Login with Amazon cannot open a new one\./);
      assert.match(selfSignUpOffMessage('MyCorp_ada'), /signing in with MyCorp cannot/);
    });

    it('admits a new external user whose domain the list names, and tells another where to go', () => {
      const listed = { ...closed, allowedDomains: ['example.com'] };
      const input = event('PreSignUp_ExternalProvider', { email: 'Ada@Example.com' }, amazonUser);
      assert.deepEqual(decide(structuredClone(input), listed), input);
      assert.throws(() => decide(event('PreSignUp_ExternalProvider', { email: 'mallory@elsewhere.test' }), listed), {
        message: rejectionMessage(['example.com']),
      });
    });

    it('still lets an administrator create users, and changes nothing with self sign-up on', () => {
      const created = decide(event('PreSignUp_AdminCreateUser', { email: 'ada@elsewhere.test' }), closed);
      assert.equal(created.response.autoConfirmUser, false);
      assert.doesNotThrow(() =>
        decide(event('PreSignUp_ExternalProvider', { email: 'ada@elsewhere.test' }), {
          ...closed,
          allowSelfSignUp: true,
        }),
      );
    });

    it('reads ALLOW_SELF_SIGN_UP: only "false" turns it off, as the template passes AllowSelfSignUp', () => {
      assert.equal(readConfig({ ALLOW_SELF_SIGN_UP: 'false' }).allowSelfSignUp, false);
      assert.equal(readConfig({ ALLOW_SELF_SIGN_UP: ' False ' }).allowSelfSignUp, false);
      assert.equal(readConfig({ ALLOW_SELF_SIGN_UP: 'true' }).allowSelfSignUp, true);
      assert.equal(readConfig({}).allowSelfSignUp, true);
    });

    it('the handler refuses through the environment the template sets', async () => {
      const saved = process.env['ALLOW_SELF_SIGN_UP'];
      const original = console.log;
      const logged: string[] = [];
      process.env['ALLOW_SELF_SIGN_UP'] = 'false';
      console.log = (line: string) => void logged.push(line);
      try {
        await assert.rejects(handler(event('PreSignUp_ExternalProvider', { email: 'ada@example.com' })), {
          message: selfSignUpOffMessage('Google_110168563424871234567'),
        });
      } finally {
        console.log = original;
        if (saved === undefined) delete process.env['ALLOW_SELF_SIGN_UP'];
        else process.env['ALLOW_SELF_SIGN_UP'] = saved;
      }
      assert.deepEqual(
        logged.map((l) => JSON.parse(l) as unknown),
        [{ rejected: 'PreSignUp_ExternalProvider', domain: 'example.com' }],
      );
    });
  });

  describe('configuration and messages', () => {
    it('reads the environment the template sets', () => {
      assert.deepEqual(
        readConfig({ ALLOWED_EMAIL_DOMAINS: 'example.com', AUTO_CONFIRM_USERS: 'true', ALLOW_SELF_SIGN_UP: 'false' }),
        { allowedDomains: ['example.com'], autoConfirm: true, allowPlusAddressing: true, allowSelfSignUp: false },
      );
      assert.deepEqual(readConfig({ AUTO_CONFIRM_USERS: 'TRUE ' }), {
        allowedDomains: [],
        autoConfirm: true,
        allowPlusAddressing: true,
        allowSelfSignUp: true,
      });
      assert.deepEqual(readConfig({ AUTO_CONFIRM_USERS: 'false' }), {
        allowedDomains: [],
        autoConfirm: false,
        allowPlusAddressing: true,
        allowSelfSignUp: true,
      });
      assert.deepEqual(readConfig({}), {
        allowedDomains: [],
        autoConfirm: false,
        allowPlusAddressing: true,
        allowSelfSignUp: true,
      });
    });

    it('words the rejection for one domain, and stops listing when there are many', () => {
      assert.equal(
        rejectionMessage(['example.com']),
        'Sign-up is limited to email addresses at example.com. Please use an address at that domain.',
      );
      assert.equal(
        rejectionMessage(['a.com', 'b.com', 'c.com']),
        'Sign-up is limited to email addresses at a.com, b.com or c.com. Please use an address at one of those domains.',
      );
      const many = rejectionMessage(['a.com', 'b.com', 'c.com', 'd.com', 'e.com', 'f.com']);
      assert.doesNotMatch(many, /a\.com/);
      assert.match(many, /approved organisations/);
    });

    it('never mentions internals in a rejection', () => {
      for (const message of [
        rejectionMessage(['example.com']),
        rejectionMessage(['a', 'b', 'c', 'd', 'e', 'f']),
        selfSignUpOffMessage('Google_110168563424871234567'),
      ]) {
        assert.doesNotMatch(message, /ALLOWED_EMAIL_DOMAINS|AllowedEmailDomains|Lambda|trigger|environment/i);
      }
    });
  });

  describe('handler', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of ['ALLOWED_EMAIL_DOMAINS', 'AUTO_CONFIRM_USERS', 'ALLOW_PLUS_ADDRESSING']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    it('reads its configuration from the environment and returns the event', async () => {
      process.env['ALLOWED_EMAIL_DOMAINS'] = 'example.com';
      process.env['AUTO_CONFIRM_USERS'] = 'true';
      const result = await handler(event('PreSignUp_SignUp', { email: 'Ada@Example.com' }));
      assert.equal(result.response.autoConfirmUser, true);
    });

    it('refuses a + tag when the template sets ALLOW_PLUS_ADDRESSING=false', async () => {
      process.env['ALLOW_PLUS_ADDRESSING'] = 'false';
      const original = console.log;
      console.log = () => undefined; // the rejection is logged (tested below)
      try {
        await assert.rejects(handler(event('PreSignUp_SignUp', { email: 'ada+2@example.com' })), {
          message: PLUS_ADDRESS_MESSAGE,
        });
      } finally {
        console.log = original;
      }
    });

    it('rejects with a promise rejection and logs the domain, not the address', async () => {
      process.env['ALLOWED_EMAIL_DOMAINS'] = 'example.com';
      const logged: string[] = [];
      const original = console.log;
      console.log = (line: string) => void logged.push(line);
      try {
        await assert.rejects(
          handler(event('PreSignUp_SignUp', { email: 'mallory@evil-example.com' })),
          /limited to email addresses at example\.com/,
        );
      } finally {
        console.log = original;
      }
      assert.deepEqual(
        logged.map((l) => JSON.parse(l) as unknown),
        [{ rejected: 'PreSignUp_SignUp', domain: 'evil-example.com' }],
      );
    });
  });
});

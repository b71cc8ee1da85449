import * as assert from 'node:assert/strict';
import {
  checkCode,
  checkEmail,
  checkExistingPassword,
  checkPassword,
  MAX_PASSWORD_LENGTH,
  normalizeCode,
  normalizeEmail,
  SYMBOLS,
  passwordRules,
} from '../../../src/core/auth/validation';

describe('auth input validation', () => {
  const emails: [string, string | undefined][] = [
    ['ann@example.com', undefined],
    ['  Ann.Lee+stories@Mail.Example.co.uk ', undefined],
    ['', 'Enter your email address.'],
    ['ann', 'Enter an email address like name@example.com.'],
    ['@example.com', 'Enter an email address like name@example.com.'],
    ['a@b@example.com', 'Enter an email address like name@example.com.'],
    ['ann@example', '"example" is not a valid email domain. Enter an address like name@example.com.'],
    ['ann@-example.com', '"-example.com" is not a valid email domain. Enter an address like name@example.com.'],
    ['ann@exa mple.com', 'An email address cannot contain spaces.'],
    // Not '"" is not a valid email domain' (#24).
    ['ann.reader@', 'Add the domain after the @, as in ann.reader@example.com.'],
    ['ann@example..com', '"example..com" is not a valid email domain. Enter an address like name@example.com.'],
  ];
  for (const [input, message] of emails) {
    it(`email ${JSON.stringify(input)} → ${message ?? 'ok'}`, () => assert.equal(checkEmail(input), message));
  }

  it('says the password rules before anything is typed (#24)', () => {
    assert.equal(
      passwordRules(),
      'At least 10 characters, with a lowercase letter, an uppercase letter, a number and a symbol such as ! or #.',
    );
    const loose = {
      minimumLength: 8,
      requireLowercase: false,
      requireUppercase: false,
      requireNumbers: false,
      requireSymbols: false,
    };
    assert.equal(passwordRules(loose), 'At least 8 characters.');
    assert.equal(passwordRules({ ...loose, requireNumbers: true }), 'At least 8 characters, with a number.');
  });

  const passwords: [string, string | undefined][] = [
    ['Correct-Horse-9', undefined],
    ['', 'Enter a password.'],
    ['short1!A', 'The password needs at least 10 characters.'],
    ['alllowercase1!', 'The password needs an uppercase letter.'],
    ['ALLUPPERCASE1!', 'The password needs a lowercase letter.'],
    ['NoDigitsHere!', 'The password needs a number.'],
    ['NoSymbols123', 'The password needs a symbol such as ! or #.'],
    ['abc', 'The password needs at least 10 characters, an uppercase letter, a number and a symbol such as ! or #.'],
    [' Leading-space-9', 'A password cannot start or end with a space.'],
  ];
  for (const [input, message] of passwords) {
    it(`password ${JSON.stringify(input)} → ${message ?? 'ok'}`, () => assert.equal(checkPassword(input), message));
  }

  it('does not count a space as a symbol: the symbol set has no space', () => {
    assert.equal(SYMBOLS.includes(' '), false);
    assert.equal(checkPassword('Correct Horse 9'), 'The password needs a symbol such as ! or #.');
    assert.equal(checkPassword('Correct Horse-9'), undefined, 'a space inside a password is allowed');
  });

  it('refuses a password over 256 characters before any call, new or existing', () => {
    assert.equal(MAX_PASSWORD_LENGTH, 256);
    const ok = `Aa1!${'x'.repeat(252)}`;
    assert.equal(checkPassword(ok), undefined);
    assert.equal(checkExistingPassword(ok), undefined);
    assert.equal(checkPassword(`${ok}x`), 'A password can have at most 256 characters.');
    assert.equal(checkExistingPassword(`${ok}x`), 'A password can have at most 256 characters.');
  });

  it('honours a looser policy from the settings', () => {
    const policy = {
      minimumLength: 6,
      requireLowercase: true,
      requireUppercase: false,
      requireNumbers: false,
      requireSymbols: false,
    };
    assert.equal(checkPassword('simple', policy), undefined);
    assert.equal(checkPassword('tiny', policy), 'The password needs at least 6 characters.');
  });

  const codes: [string, string | undefined][] = [
    ['123456', undefined],
    ['123 456', undefined],
    ['', 'Enter the 6-digit code.'],
    ['12345', 'The code is 6 digits, like 123456.'],
    ['1234567', 'The code is 6 digits, like 123456.'],
    ['12a456', 'The code is 6 digits, like 123456.'],
  ];
  for (const [input, message] of codes) {
    it(`code ${JSON.stringify(input)} → ${message ?? 'ok'}`, () => assert.equal(checkCode(input), message));
  }

  it('normalizes what it sends', () => {
    assert.equal(normalizeCode(' 123 456 '), '123456');
    assert.equal(normalizeEmail('  Ann@Example.COM '), 'ann@example.com');
  });
});

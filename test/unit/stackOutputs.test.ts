import * as assert from 'node:assert/strict';
import { notificationLinks } from '../../src/core/notificationText';
import { parseStackOutputs } from '../../src/core/stackOutputs';

const outputs = {
  Region: 'us-east-1',
  UserPoolId: 'us-east-1_AbCdEf123',
  UserPoolClientId: '1h57kf5cpq17m0eml12example',
  IdentityPoolId: 'us-east-1:0d9f7f4e-8a3b-4b1c-9c1d-2e3f4a5b6c7d',
  HostedUiDomain: '',
};

function samList(values: Record<string, string> = outputs) {
  return Object.entries(values).map(([OutputKey, OutputValue]) => ({
    OutputKey,
    OutputValue,
    Description: `The ${OutputKey}`,
  }));
}

function describeStacks(...stacks: [string, Record<string, string>][]) {
  return {
    Stacks: stacks.map(([StackName, values]) => ({
      StackName,
      StackStatus: 'CREATE_COMPLETE',
      Outputs: samList(values),
    })),
  };
}

const expected = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_AbCdEf123',
  clientId: '1h57kf5cpq17m0eml12example',
  identityPoolId: 'us-east-1:0d9f7f4e-8a3b-4b1c-9c1d-2e3f4a5b6c7d',
  // A stack without browser sign-in or budget mode clears those settings.
  'hostedUi.domain': '',
  'hostedUi.identityProviders': [],
  'hostedUi.callbackPort': 53682,
  storyGatewayUrl: '',
  'contentSafety.policy': 'Off',
  'contentSafety.standardGuardrailId': '',
  'contentSafety.standardGuardrailVersion': '',
  'contentSafety.strictGuardrailId': '',
  'contentSafety.strictGuardrailVersion': '',
  // A stack before SelfSignUpAllowed: its pool allowed self sign-up by default.
  selfSignUp: true,
};

describe('parseStackOutputs', () => {
  it('reads `aws cloudformation describe-stacks` output', () => {
    const result = parseStackOutputs(JSON.stringify(describeStacks(['storyteller', outputs]), null, 2));
    assert.deepEqual(result, { ok: true, settings: expected, stackName: 'storyteller' });
  });

  it('reads `sam list stack-outputs --output json` output', () => {
    assert.deepEqual(parseStackOutputs(JSON.stringify(samList())), { ok: true, settings: expected });
  });

  it('reads a single stack object, and tolerates a BOM and stray spaces in values', () => {
    const stack = { StackName: 's', Outputs: samList({ ...outputs, UserPoolId: ' us-east-1_AbCdEf123\n' }) };
    assert.deepEqual(parseStackOutputs(`\uFEFF${JSON.stringify(stack)}`), {
      ok: true,
      settings: expected,
      stackName: 's',
    });
  });

  it('reads browser sign-in and budget mode: a bare domain becomes https, providers a list, the port a number', () => {
    const result = parseStackOutputs(
      JSON.stringify(
        samList({
          ...outputs,
          HostedUiDomain: 'storyteller-demo.auth.us-east-1.amazoncognito.com',
          IdentityProviders: 'COGNITO, LoginWithAmazon,Google',
          LoopbackCallbackPort: '49152',
          StoryGatewayUrl: 'https://abc123.lambda-url.us-east-1.on.aws/',
        }),
      ),
    );
    assert.deepEqual(result, {
      ok: true,
      settings: {
        ...expected,
        'hostedUi.domain': 'https://storyteller-demo.auth.us-east-1.amazoncognito.com',
        'hostedUi.identityProviders': ['COGNITO', 'LoginWithAmazon', 'Google'],
        'hostedUi.callbackPort': 49152,
        storyGatewayUrl: 'https://abc123.lambda-url.us-east-1.on.aws/',
      },
    });
  });

  it('reads the content policy and its guardrails (#27)', () => {
    const guardrails = {
      ContentSafety: 'Strict',
      StandardGuardrailId: 'abc123std',
      StandardGuardrailVersion: '1',
      StrictGuardrailId: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/xyz789',
      StrictGuardrailVersion: '2',
    };
    assert.deepEqual(parseStackOutputs(JSON.stringify(samList({ ...outputs, ...guardrails }))), {
      ok: true,
      settings: {
        ...expected,
        'contentSafety.policy': 'Strict',
        'contentSafety.standardGuardrailId': 'abc123std',
        'contentSafety.standardGuardrailVersion': '1',
        'contentSafety.strictGuardrailId': 'arn:aws:bedrock:us-east-1:123456789012:guardrail/xyz789',
        'contentSafety.strictGuardrailVersion': '2',
      },
    });
    // Off with empty guardrails (what the template outputs then) is Off.
    const off = { ...guardrails, ContentSafety: 'Off', StrictGuardrailId: '', StandardGuardrailId: '' };
    const offResult = parseStackOutputs(JSON.stringify(samList({ ...outputs, ...off })));
    assert.ok(offResult.ok);
    assert.equal(offResult.settings['contentSafety.policy'], 'Off');
  });

  it('refuses a content policy without its guardrails, or an unknown one, writing nothing', () => {
    const partial = parseStackOutputs(
      JSON.stringify(
        samList({ ...outputs, ContentSafety: 'Standard', StandardGuardrailId: 'abc', StandardGuardrailVersion: '1' }),
      ),
    );
    assert.ok(!partial.ok);
    assert.match(
      partial.message,
      /content policy is Standard, but its outputs lack StrictGuardrailId, StrictGuardrailVersion/,
    );
    const unknown = parseStackOutputs(JSON.stringify(samList({ ...outputs, ContentSafety: 'Lenient' })));
    assert.ok(!unknown.ok);
    assert.match(unknown.message, /^Output ContentSafety: Setting "storyteller\.contentSafety\.policy"/);
  });

  it('reads whether the pool allows self sign-up into storyteller.selfSignUp, and refuses anything but true or false (#24)', () => {
    const read = (value: string) =>
      parseStackOutputs(JSON.stringify(samList({ ...outputs, SelfSignUpAllowed: value })));
    assert.deepEqual(read('false'), { ok: true, settings: { ...expected, selfSignUp: false } });
    assert.deepEqual(read(' true '), { ok: true, settings: { ...expected, selfSignUp: true } });
    const wrong = read('no');
    assert.ok(!wrong.ok);
    assert.match(
      wrong.message,
      /^Output SelfSignUpAllowed: Setting "storyteller\.selfSignUp" is "no", but it must be true or false\.$/,
    );
  });

  it('an older stack without the optional outputs at all clears them too', () => {
    const { HostedUiDomain: _, ...old } = outputs;
    assert.deepEqual(parseStackOutputs(JSON.stringify(samList(old))), { ok: true, settings: expected });
  });

  it('refuses optional outputs that would send sign-ins or stories somewhere unsafe, writing nothing', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { StoryGatewayUrl: 'http://gateway.example.com/' },
        /^Output StoryGatewayUrl: Setting "storyteller\.storyGatewayUrl"/,
      ],
      [{ HostedUiDomain: 'http://evil.example' }, /^Output HostedUiDomain: Setting "storyteller\.hostedUi\.domain"/],
      [{ LoopbackCallbackPort: '80' }, /^Output LoopbackCallbackPort: /],
      [{ IdentityProviders: 'Login With Amazon' }, /^Output IdentityProviders: /],
    ];
    for (const [extra, message] of cases) {
      const result = parseStackOutputs(JSON.stringify(samList({ ...outputs, ...extra })));
      assert.ok(!result.ok, JSON.stringify(extra));
      assert.match(result.message, message);
    }
  });

  it('picks the one Storyteller stack out of several stacks', () => {
    const result = parseStackOutputs(
      JSON.stringify(describeStacks(['other', { BucketName: 'b' }], ['storyteller', outputs])),
    );
    assert.ok(result.ok);
    assert.equal(result.stackName, 'storyteller');
  });

  const failures: [string, string, RegExp][] = [
    [
      'malformed JSON',
      '{"Stacks": [',
      /^That is not valid JSON \(it ends too early\)\. Paste the output of `aws cloudformation describe-stacks/,
    ],
    ['an empty paste', '', /^That is not valid JSON/],
    ['JSON that holds no outputs', '{"hello": "world"}', /^No stack outputs found: expected a "Stacks" list/],
    ['an empty list', '[]', /^No stack outputs found/],
    [
      'missing outputs',
      JSON.stringify(describeStacks(['old', { Region: 'us-east-1', UserPoolId: 'us-east-1_A' }])),
      /^The outputs of stack "old" lack UserPoolClientId, IdentityPoolId\. Deploy infra\/template\.yaml/,
    ],
    [
      'an invalid pool id',
      JSON.stringify(samList({ ...outputs, UserPoolId: 'not-a-pool' })),
      /^Output UserPoolId: Setting "storyteller\.userPoolId" is "not-a-pool", but it must be a user pool id/,
    ],
    [
      'an empty client id',
      JSON.stringify(samList({ ...outputs, UserPoolClientId: '' })),
      /^Output UserPoolClientId: Setting "storyteller\.clientId" would be empty\.$/,
    ],
    [
      'a non-string output',
      JSON.stringify([{ OutputKey: 'Region', OutputValue: 7 }, ...samList().slice(1)]),
      /^Output Region: Setting "storyteller\.region" is number 7/,
    ],
    [
      'ids from another region',
      JSON.stringify(samList({ ...outputs, Region: 'eu-west-1' })),
      /which is in region us-east-1, but "storyteller\.region" is eu-west-1/,
    ],
    [
      'two complete stacks',
      JSON.stringify(describeStacks(['a', outputs], ['b', outputs])),
      /^The JSON holds 2 Storyteller stacks \(a, b\)\. Describe just one with --stack-name\.$/,
    ],
  ];
  it('never echoes what was pasted when it is not JSON, only where it broke', () => {
    const pasted = [
      'hunter2-Secret AKIAABCDEFGHIJKLMNOP',
      '{"Password": "hunter2-Secret" x}',
      '{"Stacks": [{"ClientSecret": "hunter2-Secret"',
      '{"a":1,\n "hunter2-Secret"',
    ];
    const messages = pasted.map((text) => {
      const result = parseStackOutputs(text);
      assert.ok(!result.ok);
      return result.message;
    });
    for (const message of messages) assert.doesNotMatch(message, /hunter2|AKIA|Password|ClientSecret/, message);
    assert.match(messages[1]!, /^That is not valid JSON \(line 1, column 31\)\./);
    assert.match(messages[2]!, /^That is not valid JSON \(line 1, column 46\)\./);
    assert.match(messages[3]!, /^That is not valid JSON \(it ends too early\)\./);
  });

  it('keeps a stack name from becoming a link in the notification', () => {
    const hostile = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)';
    for (const json of [
      describeStacks([hostile, { Region: 'us-east-1' }]),
      describeStacks([hostile, outputs], ['b', outputs]),
    ]) {
      const result = parseStackOutputs(JSON.stringify(json));
      assert.ok(!result.ok);
      assert.match(result.message, /Fix it/);
      assert.deepEqual(notificationLinks(result.message), [], result.message);
      assert.equal(notificationLinks(JSON.stringify(json)).length > 0, true, 'the unescaped name would link');
    }
    const bad = parseStackOutputs(
      JSON.stringify(samList({ ...outputs, UserPoolId: '[x](command:workbench.action.quit)' })),
    );
    assert.ok(!bad.ok);
    assert.deepEqual(notificationLinks(bad.message), [], bad.message);
  });

  for (const [name, text, message] of failures) {
    it(`explains ${name}`, () => {
      const result = parseStackOutputs(text);
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.match(result.message, message);
    });
  }
});

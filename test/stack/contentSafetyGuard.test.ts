// The content-safety guard rules (infra/rules/content-safety.guard, #27): each planted defect is
// named by the right rule, resource and property, and the real template passes.
import * as assert from 'node:assert/strict';
import { formatFinding } from '../../infra/check/finding';
import { runGuard } from '../../infra/check/guard';
import type { Template } from '../../infra/check/template';
import { Scratch, TEMPLATE_PATH, assertFinding, at, mutateTemplate } from '../unit/infra/plant';

type Statement = Record<string, unknown>;

describe('guard rules for content safety (Bedrock Guardrails)', function () {
  this.timeout(30_000);
  const scratch = new Scratch();
  after(() => scratch.cleanup());
  const guard = (mutate: (t: Template) => void) =>
    runGuard(scratch.write(JSON.stringify(mutateTemplate(mutate)), 'json'));
  const statements = (t: Template, role: string) =>
    at(t, 'Resources', role, 'Properties', 'Policies', 0, 'PolicyDocument')['Statement'] as Statement[];
  const filters = (t: Template, guardrail: string) =>
    at(t, 'Resources', guardrail, 'Properties', 'ContentPolicyConfig')['FiltersConfig'] as Statement[];
  const filter = (t: Template, guardrail: string, type: string) =>
    filters(t, guardrail).find((f) => f['Type'] === type) ?? assert.fail(`${guardrail} has no ${type} filter`);

  it('passes infra/template.yaml', () => {
    assert.deepEqual(runGuard(TEMPLATE_PATH).map(formatFinding), []);
  });

  it("a role may invoke Bedrock only with the guardrail condition: catches it removed from the users' and the gateway's role", () => {
    for (const role of ['AuthenticatedRole', 'StoryGatewayRole']) {
      assertFinding(
        guard((t) => {
          delete (statements(t, role)[0] as Statement)['Condition'];
        }),
        'content_safety_invoke_needs_guardrail',
        role,
        'Policies[0].PolicyDocument.Statement[0]',
      );
    }
  });

  it('catches the condition under another Fn::If condition, and a new statement without it', () => {
    const other = guard((t) => {
      const condition = (statements(t, 'AuthenticatedRole')[0] as Statement)['Condition'] as Record<string, unknown[]>;
      condition['Fn::If']![0] = 'DirectMode';
    });
    assertFinding(
      other,
      'content_safety_invoke_needs_guardrail',
      'AuthenticatedRole',
      'Policies[0].PolicyDocument.Statement[0].Condition',
    );
    assertFinding(
      guard((t) => {
        statements(t, 'StoryGatewayRole').push({
          Effect: 'Allow',
          Action: 'bedrock:InvokeModel',
          Resource: 'arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0',
        });
      }),
      'content_safety_invoke_needs_guardrail',
      'StoryGatewayRole',
      'Policies[0].PolicyDocument.Statement[5]',
    );
  });

  it('a role that may invoke Bedrock has the explicit Deny: catches it removed', () => {
    const findings = guard((t) => {
      const list = statements(t, 'AuthenticatedRole');
      list.splice(
        list.findIndex((s) => JSON.stringify(s).includes('InvokeOnlyWithStackGuardrail')),
        1,
      );
    });
    assertFinding(findings, 'content_safety_invoke_explicit_deny', 'AuthenticatedRole', undefined);
  });

  it('every guardrail has blocked messages: catches an empty input message and a missing output message', () => {
    assertFinding(
      guard((t) => {
        at(t, 'Resources', 'StrictGuardrail', 'Properties')['BlockedInputMessaging'] = ' ';
      }),
      'guardrail_blocked_messages',
      'StrictGuardrail',
      'BlockedInputMessaging',
    );
    assertFinding(
      guard((t) => {
        delete at(t, 'Resources', 'StandardGuardrail', 'Properties')['BlockedOutputsMessaging'];
      }),
      'guardrail_blocked_messages',
      'StandardGuardrail',
      'BlockedOutputsMessaging',
    );
  });

  it('the strict guardrail is not weaker: catches a weaker filter on input and on output, and a missing filter', () => {
    assertFinding(
      guard((t) => {
        filter(t, 'StrictGuardrail', 'SEXUAL')['InputStrength'] = 'MEDIUM';
      }),
      'strict_guardrail_not_weaker',
      'StrictGuardrail',
      'ContentPolicyConfig.FiltersConfig[2].InputStrength',
    );
    assertFinding(
      guard((t) => {
        filter(t, 'StandardGuardrail', 'VIOLENCE')['OutputStrength'] = 'MEDIUM';
        filter(t, 'StrictGuardrail', 'VIOLENCE')['OutputStrength'] = 'LOW';
      }),
      'strict_guardrail_not_weaker',
      'StrictGuardrail',
      'ContentPolicyConfig.FiltersConfig[3].OutputStrength',
    );
    const missing = guard((t) => {
      filters(t, 'StrictGuardrail').splice(1, 1);
    });
    assert.ok(missing.length >= 1, missing.map(formatFinding).join('\n'));
    assert.ok(missing.every((f) => f.message.startsWith('[strict_guardrail_not_weaker] ')));
    assert.ok(missing.some((f) => /lacks a content filter/.test(f.message)));
  });

  it('the strict guardrail denies every standard topic and word list: catches a topic and PROFANITY left out', () => {
    const topic = guard((t) => {
      const topics = at(t, 'Resources', 'StrictGuardrail', 'Properties', 'TopicPolicyConfig')[
        'TopicsConfig'
      ] as Statement[];
      topics.splice(0, 1);
    });
    assert.equal(topic.length, 1, topic.map(formatFinding).join('\n'));
    assert.match(topic[0]!.message, /^\[strict_guardrail_not_weaker\] .*denied topics/);
    const list = guard((t) => {
      delete at(t, 'Resources', 'StrictGuardrail', 'Properties', 'WordPolicyConfig')['ManagedWordListsConfig'];
    });
    // Guard names both ends of the missing list: the strict guardrail, and the standard one's entry.
    assert.deepEqual(
      list.map((f) => [f.resource, /^\[strict_guardrail_not_weaker\] .*PROFANITY/.test(f.message)]).sort(),
      [
        ['StandardGuardrail', true],
        ['StrictGuardrail', true],
      ],
      list.map(formatFinding).join('\n'),
    );
  });
});

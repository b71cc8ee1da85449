// Managed login's guard rules (infra/rules/managed-login.guard, #15): each planted defect is named
// by the right rule, resource and property, and the real template passes.
import * as assert from 'node:assert/strict';
import { formatFinding } from '../../infra/check/finding';
import { runGuard } from '../../infra/check/guard';
import type { Template } from '../../infra/check/template';
import { Scratch, TEMPLATE_PATH, assertFinding, at, mutateTemplate } from '../unit/infra/plant';

describe('guard rules for managed login (hosted UI and social providers)', function () {
  this.timeout(30_000);
  const scratch = new Scratch();
  after(() => scratch.cleanup());
  const guard = (mutate: (t: Template) => void) =>
    runGuard(scratch.write(JSON.stringify(mutateTemplate(mutate)), 'json'));
  const client = (t: Template) => at(t, 'Resources', 'UserPoolClient', 'Properties');
  const details = (t: Template, id: string) => at(t, 'Resources', id, 'Properties', 'ProviderDetails');

  it('passes infra/template.yaml', () => {
    assert.deepEqual(runGuard(TEMPLATE_PATH).map(formatFinding), []);
  });

  it('no implicit grant: catches implicit added to AllowedOAuthFlows', () => {
    assertFinding(
      guard((t) => {
        client(t)['AllowedOAuthFlows'] = ['code', 'implicit'];
      }),
      'user_pool_client_no_implicit_grant',
      'UserPoolClient',
      'AllowedOAuthFlows[1]',
    );
  });

  it('callback URLs: catches plain http to another host, another scheme, and a URL from a parameter', () => {
    for (const [url, index] of [
      ['http://example.com/callback', 3],
      ['myapp://callback', 3],
    ] as const) {
      assertFinding(
        guard((t) => {
          (client(t)['CallbackURLs'] as unknown[]).push(url);
        }),
        'user_pool_client_callback_urls',
        'UserPoolClient',
        `CallbackURLs[${index}]`,
      );
    }
    assertFinding(
      guard((t) => {
        (client(t)['CallbackURLs'] as unknown[])[2] = { 'Fn::Sub': 'http://${AWS::StackName}.example.com/callback' };
      }),
      'user_pool_client_callback_urls',
      'UserPoolClient',
      'CallbackURLs[2]',
    );
    const fromParameter = guard((t) => {
      (client(t)['CallbackURLs'] as unknown[]).push({ Ref: 'HostedUiDomainPrefix' });
    });
    assert.ok(
      fromParameter.some((f) => f.resource === 'UserPoolClient' && /user_pool_client_callback_urls/.test(f.message)),
      fromParameter.map(formatFinding).join('\n'),
    );
  });

  it('sign-out URLs: catches plain http to another host', () => {
    assertFinding(
      guard((t) => {
        (client(t)['LogoutURLs'] as unknown[]).push('http://example.com/bye');
      }),
      'user_pool_client_logout_urls',
      'UserPoolClient',
      'LogoutURLs[3]',
    );
  });

  it('provider secrets: catches a literal secret, and a parameter that is not NoEcho', () => {
    assertFinding(
      guard((t) => {
        details(t, 'GoogleIdentityProvider')['client_secret'] = 'GOCSPX-literal-secret';
      }),
      'identity_provider_secret_not_in_template',
      'GoogleIdentityProvider',
      'ProviderDetails.client_secret',
    );
    assertFinding(
      guard((t) => {
        delete at(t, 'Parameters', 'LoginWithAmazonClientSecret')['NoEcho'];
      }),
      'identity_provider_secret_parameter_no_echo',
      'Parameters.LoginWithAmazonClientSecret',
      'NoEcho',
    );
    // A dynamic reference is fine.
    assert.deepEqual(
      guard((t) => {
        details(t, 'GoogleIdentityProvider')['client_secret'] =
          '{{resolve:secretsmanager:google-oauth:SecretString:secret}}';
      }).map(formatFinding),
      [],
    );
  });

  it('federated users pass the pre sign-up trigger: catches the trigger removed while providers exist', () => {
    const findings = guard((t) => {
      delete at(t, 'Resources', 'UserPool', 'Properties')['LambdaConfig'];
    });
    assert.ok(
      findings.some((f) => f.resource === 'UserPool' && /federated_users_pass_the_pre_sign_up_trigger/.test(f.message)),
      findings.map(formatFinding).join('\n'),
    );
  });
});

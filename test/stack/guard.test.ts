import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { formatFinding } from '../../infra/check/finding';
import { runGuard } from '../../infra/check/guard';
import { Scratch, TEMPLATE_PATH, assertFinding, at, mutateTemplate, plantText } from '../unit/infra/plant';
import type { Template } from '../../infra/check/template';

describe('guard rules (infra/rules/*.guard via cfn-guard)', function () {
  this.timeout(30_000);
  const scratch = new Scratch();
  after(() => scratch.cleanup());

  const guardYaml = (from: string, to: string) => runGuard(scratch.write(plantText(from, to)));
  // runGuard reads JSON as well as YAML, so object-level plants are written as JSON.
  const guardObject = (template: Template) => runGuard(scratch.write(JSON.stringify(template), 'json'));

  it('passes infra/template.yaml', () => {
    assert.deepEqual(runGuard(TEMPLATE_PATH).map(formatFinding), []);
  });

  it('no unauthenticated identities: catches guest access turned on', () => {
    const findings = guardYaml('AllowUnauthenticatedIdentities: false', 'AllowUnauthenticatedIdentities: true');
    assertFinding(
      findings,
      'identity_pool_no_unauthenticated_identities',
      'IdentityPool',
      'AllowUnauthenticatedIdentities',
    );
  });

  it('token revocation on: catches it turned off, and catches it left out', () => {
    assertFinding(
      guardYaml('EnableTokenRevocation: true', 'EnableTokenRevocation: false'),
      'user_pool_client_token_revocation',
      'UserPoolClient',
      'EnableTokenRevocation',
    );
    assertFinding(
      guardYaml('      EnableTokenRevocation: true\n', ''),
      'user_pool_client_token_revocation',
      'UserPoolClient',
      'EnableTokenRevocation',
    );
  });

  it('user-existence errors prevented: catches LEGACY', () => {
    const findings = guardYaml('PreventUserExistenceErrors: ENABLED', 'PreventUserExistenceErrors: LEGACY');
    assertFinding(
      findings,
      'user_pool_client_prevent_user_existence_errors',
      'UserPoolClient',
      'PreventUserExistenceErrors',
    );
  });

  it("no '*' resource on bedrock invoke: catches Resource: '*' on InvokeModel", () => {
    const findings = guardObject(
      mutateTemplate((t) => {
        at(t, 'Resources', 'AuthenticatedRole', 'Properties', 'Policies', 0, 'PolicyDocument', 'Statement', 0)[
          'Resource'
        ] = '*';
      }),
    );
    assertFinding(
      findings,
      'bedrock_invoke_no_wildcard_resource_in_roles',
      'AuthenticatedRole',
      'Policies[0].PolicyDocument.Statement[0].Resource',
    );
    assert.match(findings[0]!.message, /Resource is '\*'/);
  });

  it("no '*' resource on bedrock invoke: catches every model allowed, bedrock:* actions, and separate policies", () => {
    const family = guardObject(
      mutateTemplate((t) => {
        const statement = at(
          t,
          'Resources',
          'AuthenticatedRole',
          'Properties',
          'Policies',
          0,
          'PolicyDocument',
          'Statement',
          0,
        );
        statement['Action'] = 'bedrock:*';
        statement['Resource'] = [
          'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
          'arn:aws:bedrock:*::foundation-model/*',
        ];
      }),
    );
    assertFinding(
      family,
      'bedrock_invoke_no_wildcard_resource_in_roles',
      'AuthenticatedRole',
      'Policies[0].PolicyDocument.Statement[0].Resource[1]',
    );
    const managed = guardObject(
      mutateTemplate((t) => {
        at(t, 'Resources')['ExtraPolicy'] = {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            Roles: [{ Ref: 'AuthenticatedRole' }],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModelWithResponseStream'], Resource: '*' }],
            },
          },
        };
      }),
    );
    assertFinding(
      managed,
      'bedrock_invoke_no_wildcard_resource_in_policies',
      'ExtraPolicy',
      'PolicyDocument.Statement[0].Resource',
    );
  });

  it('password minimum length >= 10: catches 8, and catches it left out (Cognito defaults to 8)', () => {
    assertFinding(
      guardYaml('MinimumLength: 10', 'MinimumLength: 8'),
      'user_pool_password_min_length',
      'UserPool',
      'Policies.PasswordPolicy.MinimumLength',
    );
    assertFinding(
      guardYaml('          MinimumLength: 10\n', ''),
      'user_pool_password_min_length',
      'UserPool',
      'Policies.PasswordPolicy.MinimumLength',
    );
  });

  it('deletion protection on: catches INACTIVE', () => {
    assertFinding(
      guardYaml('DeletionProtection: ACTIVE', 'DeletionProtection: INACTIVE'),
      'user_pool_deletion_protection',
      'UserPool',
      'DeletionProtection',
    );
  });

  it('no client secret in outputs: catches !GetAtt, and a !Sub that embeds it', () => {
    const output = '  HostedUiDomain:\n';
    const getAtt = guardYaml(output, '  ClientSecret:\n    Value: !GetAtt UserPoolClient.ClientSecret\n' + output);
    assertFinding(getAtt, 'outputs_no_client_secret', 'Outputs.ClientSecret', 'Value');
    const sub = guardYaml(
      output,
      "  ClientSecret:\n    Value: !Sub 'secret=${UserPoolClient.ClientSecret}'\n" + output,
    );
    assertFinding(sub, 'outputs_no_client_secret', 'Outputs.ClientSecret', 'Value');
  });
});

describe('npm run check:infra (infra/check/cli.ts)', function () {
  this.timeout(60_000);
  const scratch = new Scratch();
  after(() => scratch.cleanup());
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'infra', 'check', 'cli.ts'), ...args], {
      encoding: 'utf8',
    });

  it('exits 0 with no findings on the real template', () => {
    const result = cli();
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout, '');
  });

  it('exits 1 with one line per finding, naming resource and property, from every check', () => {
    const text = plantText('AllowUnauthenticatedIdentities: false', 'AllowUnauthenticatedIdentitie: true');
    const result = cli('--template', scratch.write(text));
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.replace(/ \(did you mean.*|: \[.*/, '')),
      [
        'IdentityPool.AllowUnauthenticatedIdentitie: unknown property',
        'IdentityPool.AllowUnauthenticatedIdentities: required property is missing',
        // Guard reports the property it expected and could not find.
        'IdentityPool.AllowUnauthenticatedIdentities',
        // cfn-lint, with its rule and the line.
        'IdentityPool',
        'IdentityPool.AllowUnauthenticatedIdentitie',
      ],
    );
    assert.match(
      lines[2]!,
      /\[identity_pool_no_unauthenticated_identities\] unauthenticated \(guest\) identities must be off/,
    );
    assert.match(
      lines[3]!,
      /\[cfn-lint E3003 error, line \d+\] 'AllowUnauthenticatedIdentities' is a required property/,
    );
    assert.match(lines[4]!, /\[cfn-lint E3002 error, line \d+\] Additional properties are not allowed/);
  });

  it('exits 2 when cfn-lint cannot run, and says how to install it', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '..', '..', 'infra', 'check', 'cli.ts')],
      {
        encoding: 'utf8',
        env: { ...process.env, STORYTELLER_CFN_LINT: '/nonexistent/cfn-lint' },
      },
    );
    assert.equal(result.status, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /cfn-lint could not run .*Install it with: pip install cfn-lint==/);
  });

  it('exits 2 on an unreadable template or a bad argument', () => {
    assert.equal(cli('--template', join(__dirname, 'no-such-template.yaml')).status, 2);
    assert.equal(cli('--templates', 'x').status, 2);
  });
});

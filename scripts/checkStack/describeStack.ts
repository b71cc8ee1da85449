// `--stack <name>`: the stack's outputs read with CloudFormation's DescribeStacks and the
// deployer's credentials (the default chain, no AWS CLI), as the same describe-stacks JSON a
// file or stdin would give, so every later check reads them one way.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackHost } from '../../src/core/auth/endpoints';
import { describeError, fail } from './report';
import type { CheckResult } from './report';

export interface DescribeOptions {
  readonly stackName: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

export type DescribeRead =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly result: CheckResult };

const ID = 'outputs';
const TITLE = 'Stack outputs';

/** The failure's next step, by what DescribeStacks said (codes, never its English message). */
function fixFor(e: unknown, o: DescribeOptions): string {
  const name = (e as { name?: unknown } | null)?.name;
  const where = o.region ? ` in ${o.region}` : '';
  if (name === 'ValidationError')
    return `Check the stack name and the Region${where}: the CloudFormation console lists your stacks per Region (pass --region if it is in another one).`;
  if (name === 'CredentialsProviderError')
    return 'Give the AWS SDK credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass the outputs JSON instead of --stack.';
  if (name === 'AccessDenied' || name === 'AccessDeniedException')
    return 'Your credentials need cloudformation:DescribeStacks on this stack, or pass the outputs JSON instead of --stack.';
  if (/region is missing/i.test(describeError(e))) return 'Pass --region <the stack’s Region>.';
  return 'Check your network and credentials, or pass the outputs JSON (aws cloudformation describe-stacks) instead of --stack.';
}

export async function describeStackOutputs(o: DescribeOptions): Promise<DescribeRead> {
  // The emulator takes a signature for any Region, so locally none need be configured.
  const local = o.endpoint && isLoopbackHost(new URL(o.endpoint).hostname);
  const region =
    o.region ?? (local ? (process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1') : undefined);
  const cfn = new CloudFormationClient({
    ...(region ? { region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: o.stackName }));
    const stack = out.Stacks?.[0];
    if (!stack)
      throw Object.assign(new Error(`Stack with id ${o.stackName} does not exist`), { name: 'ValidationError' });
    const text = JSON.stringify({ Stacks: [{ StackName: stack.StackName, Outputs: stack.Outputs ?? [] }] });
    return { ok: true, text };
  } catch (e) {
    return { ok: false, result: fail(ID, TITLE, `DescribeStacks ${o.stackName}: ${describeError(e)}`, fixFor(e, o)) };
  } finally {
    cfn.destroy();
  }
}

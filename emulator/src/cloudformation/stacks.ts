// The one stack the emulator runs, as CloudFormation describes it: its name and id, and its
// outputs with the emulator's own addresses where the template's would name AWS hosts (the
// story gateway's function URL, the managed login domain), so what it lists is what works here.
import type { Output, Stack as CfnStack } from '@aws-sdk/client-cloudformation';
import { stackIdOf } from '../template';
import type { Stack } from '../template';

export const CLOUDFORMATION_XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface CloudFormationDeps {
  /** Null until the emulator listens (its addresses are part of the outputs). */
  describe(): CfnStack | null;
}

/** The template's outputs as strings (lists joined with commas, as CloudFormation prints them). */
export function outputValues(
  stack: Pick<Stack, 'outputs'>,
  local: { storyGatewayUrl: string | null; hostedUiDomain: string | null },
): Record<string, string> {
  const values = Object.fromEntries(
    Object.entries(stack.outputs).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
  if ('StoryGatewayUrl' in values) values.StoryGatewayUrl = local.storyGatewayUrl ?? '';
  if ('HostedUiDomain' in values) values.HostedUiDomain = local.hostedUiDomain ?? '';
  return values;
}

export function describedStack(
  stack: Pick<Stack, 'region' | 'accountId' | 'stackName' | 'outputDescriptions'>,
  created: Date,
  outputs: Record<string, string>,
): CfnStack {
  const descriptions = stack.outputDescriptions ?? {};
  const Outputs: Output[] = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({
    OutputKey,
    OutputValue,
    ...(descriptions[OutputKey] ? { Description: descriptions[OutputKey] } : {}),
  }));
  return {
    StackId: stackIdOf(stack),
    StackName: stack.stackName,
    CreationTime: created,
    StackStatus: 'CREATE_COMPLETE',
    DisableRollback: false,
    Outputs,
  };
}

/** The `aws cloudformation describe-stacks` JSON of these outputs (check:stack, Configure from Stack Outputs). */
export function describeStacksJson(stackName: string, outputs: Record<string, string>): string {
  const Outputs = Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
  return JSON.stringify({ Stacks: [{ StackName: stackName, Outputs }] }, null, 2);
}

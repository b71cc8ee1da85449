// DescribeStacks (AWS query protocol): the emulator's own stack by name or stack id, or every
// stack (just this one) without a name; any other name is CloudFormation's ValidationError
// "Stack with id <name> does not exist". Callers are the deployer (any signature, as locally
// whoever runs the emulator is the administrator).
import type { DescribeStacksInput, DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import type { QueryOperation } from '../awsQuery';
import { AwsError } from '../errors';
import type { Shape } from '../validate';
import type { CloudFormationDeps } from './stacks';

const INPUT: Shape = {
  // StackName: a name or a stack id (ARN); the API reference bounds neither more tightly.
  StackName: { type: 'string', min: 1, max: 2048 },
  NextToken: { type: 'string', min: 1, max: 1024 },
};

export const describeStacks: QueryOperation<DescribeStacksInput, DescribeStacksOutput, CloudFormationDeps> = {
  name: 'DescribeStacks',
  auth: 'sigv4Any',
  input: INPUT,
  handle({ StackName }, deps) {
    const stack = deps.describe();
    if (!stack) throw new AwsError('ServiceUnavailable', 'The emulator is starting.', 503);
    if (StackName === undefined) return { Stacks: [stack] };
    if (StackName !== stack.StackName && StackName !== stack.StackId)
      throw new AwsError('ValidationError', `Stack with id ${StackName} does not exist`);
    return { Stacks: [stack] };
  },
};

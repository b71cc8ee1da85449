// The CloudFormation operations the emulator serves (AWS query protocol, by Action).
import type { QueryOperation } from '../awsQuery';
import { describeStacks } from './describeStacks';
import type { CloudFormationDeps } from './stacks';

export const CLOUDFORMATION_OPERATIONS: readonly QueryOperation<never, unknown, CloudFormationDeps>[] = [
  describeStacks,
];

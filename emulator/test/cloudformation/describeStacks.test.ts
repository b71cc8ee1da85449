// DescribeStacks through the real CloudFormation client (AWS query protocol, XML): the emulator's
// own stack by name, by stack id and without a name, with the template's outputs at the
// emulator's addresses; any other name is CloudFormation's ValidationError.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import { strict as assert } from 'node:assert';
import type { RunningEmulator } from '../../src/emulator';
import { ADMIN_CREDENTIALS, rejectsWith, start } from '../helpers';

const cfnClient = (emu: RunningEmulator, credentials = ADMIN_CREDENTIALS) =>
  new CloudFormationClient({ region: emu.region, endpoint: emu.endpoints.cognitoIdp, credentials });

const outputsOf = (out: DescribeStacksOutput): Record<string, string | undefined> =>
  Object.fromEntries((out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));

describe('DescribeStacks (CloudFormation)', () => {
  let emu: RunningEmulator;
  let cfn: CloudFormationClient;
  before(async () => {
    emu = await start({ stackName: 'storyteller-test', params: { HostedUiDomainPrefix: 'storyteller-test' } });
    cfn = cfnClient(emu);
  });
  after(async () => {
    cfn.destroy();
    await emu.stop();
  });
  afterEach(() => emu.clearFaults());

  it('describes its stack by name: status, id, and the outputs at the emulator’s addresses', async () => {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: 'storyteller-test' }));
    assert.equal(out.Stacks?.length, 1);
    const stack = out.Stacks![0]!;
    assert.equal(stack.StackName, 'storyteller-test');
    assert.match(
      stack.StackId ?? '',
      /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/storyteller-test\/[0-9a-f-]{36}$/,
    );
    assert.equal(stack.StackStatus, 'CREATE_COMPLETE');
    assert.ok(stack.CreationTime instanceof Date && !Number.isNaN(stack.CreationTime.getTime()));
    assert.ok(out.$metadata.requestId, 'ResponseMetadata.RequestId');
    const outputs = outputsOf(out);
    assert.equal(outputs.UserPoolId, emu.userPoolId);
    assert.equal(outputs.UserPoolClientId, emu.clientId);
    assert.equal(outputs.IdentityPoolId, emu.identityPoolId);
    assert.equal(outputs.Region, emu.region);
    // Where the template names AWS hosts, the emulator's own (what works against it).
    assert.equal(outputs.StoryGatewayUrl, emu.storyGatewayUrl);
    assert.equal(outputs.HostedUiDomain, emu.hostedUiDomain);
    assert.equal(outputs.ContentSafety, emu.outputs.ContentSafety);
    assert.equal(outputs.StandardGuardrailId, emu.outputs.StandardGuardrailId);
    const region = stack.Outputs?.find((o) => o.OutputKey === 'Region');
    assert.equal(region?.Description, 'AWS region of the stack.');
    // The same as `npm run local` writes for Configure from Stack Outputs.
    const written = JSON.parse(emu.stackOutputsJson()) as DescribeStacksOutput;
    assert.deepEqual(outputsOf(written), outputs);
  });

  it('by stack id, and without a name (every stack: this one)', async () => {
    const byName = await cfn.send(new DescribeStacksCommand({ StackName: 'storyteller-test' }));
    const id = byName.Stacks?.[0]?.StackId;
    const byId = await cfn.send(new DescribeStacksCommand({ StackName: id }));
    assert.equal(byId.Stacks?.[0]?.StackName, 'storyteller-test');
    const all = await cfn.send(new DescribeStacksCommand({}));
    assert.deepEqual(
      all.Stacks?.map((s) => s.StackName),
      ['storyteller-test'],
    );
  });

  it('any other name: ValidationError "Stack with id … does not exist", as CloudFormation says it', async () => {
    const err = await rejectsWith(
      cfn.send(new DescribeStacksCommand({ StackName: 'bedrock-storyteller-prod' })),
      'ValidationError',
    );
    assert.equal((err as Error).message, 'Stack with id bedrock-storyteller-prod does not exist');
    assert.equal((err as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode, 400);
  });

  it('an unsigned call is refused; an injected fault reaches the client in the query protocol’s error shape', async () => {
    const res = await fetch(emu.endpoints.cognitoIdp, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeStacks&Version=2010-05-15',
    });
    // The router's answer for every unsigned admin call (AWS's is 403); the SDK does not retry either.
    assert.ok([400, 403].includes(res.status), String(res.status));
    assert.match(await res.text(), /<Code>MissingAuthenticationTokenException<\/Code>/);
    emu.fault({ kind: 'error', operation: 'DescribeStacks', error: 'Throttling', status: 400, count: 5 });
    await rejectsWith(cfn.send(new DescribeStacksCommand({ StackName: 'storyteller-test' })), 'Throttling');
  });

  it('an unknown action is InvalidAction', async () => {
    const res = await fetch(emu.endpoints.cognitoIdp, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'AWS4-HMAC-SHA256 x' },
      body: 'Action=DeleteStack&Version=2010-05-15&StackName=storyteller-test',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>InvalidAction<\/Code>/);
  });
});

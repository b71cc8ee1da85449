// The story gateway's reserved concurrency (#23): long streams hold an execution environment for
// minutes, so without a cap many stories at once could take the account's whole unreserved pool,
// and the pre sign-up trigger (and every other function) would be throttled.
import * as assert from 'node:assert/strict';
import { loadStack } from '../../../emulator/src/template';
import { parseTemplate } from '../../../infra/check/template';
import { TEMPLATE_PATH, TEMPLATE_TEXT, at } from './plant';

const template = parseTemplate(TEMPLATE_TEXT);

/** The gateway function's properties as CloudFormation resolves them for these parameters. */
function gatewayProperties(params: Record<string, string>): Record<string, unknown> {
  const stack = loadStack({ templatePath: TEMPLATE_PATH, params: { DailyTokensPerUser: '5000', ...params } });
  const fn = stack.resources['StoryGatewayFunction'];
  assert.ok(fn, 'budget mode has the gateway');
  return fn.properties;
}

describe('story gateway reserved concurrency (#23)', () => {
  it('is a parameter, GatewayReservedConcurrency: a number from 0, 10 by default, described', () => {
    const parameter = at(template, 'Parameters', 'GatewayReservedConcurrency');
    assert.equal(parameter['Type'], 'Number');
    assert.equal(parameter['Default'], 10);
    assert.equal(parameter['MinValue'], 0);
    assert.ok(typeof parameter['MaxValue'] === 'number' && parameter['MaxValue'] >= 100);
    assert.match(String(parameter['Description']), /0 (means|=) (no reservation|unreserved)/i);
    const groups = at(template, 'Metadata', 'AWS::CloudFormation::Interface')['ParameterGroups'] as {
      Parameters: string[];
    }[];
    assert.ok(
      groups.some((g) => g.Parameters.includes('GatewayReservedConcurrency')),
      'shown in a parameter group',
    );
  });

  it('reserves that many executions for the gateway, by default 10', () => {
    assert.equal(Number(gatewayProperties({})['ReservedConcurrentExecutions']), 10);
    assert.equal(Number(gatewayProperties({ GatewayReservedConcurrency: '25' })['ReservedConcurrentExecutions']), 25);
  });

  it('reserves nothing with 0: the property is left out, not set to 0 (which would stop the gateway)', () => {
    const properties = gatewayProperties({ GatewayReservedConcurrency: '0' });
    assert.ok(
      !('ReservedConcurrentExecutions' in properties),
      JSON.stringify(properties['ReservedConcurrentExecutions']),
    );
  });

  it('caps only the gateway: the pre sign-up trigger keeps drawing on the unreserved pool', () => {
    const stack = loadStack({ templatePath: TEMPLATE_PATH, params: { DailyTokensPerUser: '5000' } });
    const capped = Object.values(stack.resources)
      .filter((r) => 'ReservedConcurrentExecutions' in r.properties)
      .map((r) => r.logicalId);
    assert.deepEqual(capped, ['StoryGatewayFunction']);
  });
});

// Runs every check in the order the extension meets them, and always deletes the throwaway user.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { appClientChecks, describeClient } from './appClient';
import { contentSafetyCheck } from './contentSafety';
import { describeStackOutputs } from './describeStack';
import type { DescribeRead } from './describeStack';
import { bedrockRefused, gatewayChecks } from './gateway';
import { managedLoginChecks } from './managedLogin';
import { modelChecks, runtimeClient } from './models';
import { fail, pass, skip } from './report';
import type { CheckResult } from './report';
import { signInChecks } from './session';
import { readStack } from './stack';
import type { CheckOptions, StackUnderTest } from './stack';
import { Cleanup, createThrowawayUser } from './throwawayUser';

/** Every check's result; `cleanup` is run here too, and may be run early (Ctrl-C) by the caller. */
export async function runChecks(options: CheckOptions, cleanup = new Cleanup()): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (...more: CheckResult[]) => {
    results.push(...more);
    for (const r of more) options.onResult?.(r);
  };
  const outputs = await outputsText(options);
  if (!outputs.ok) return (report(outputs.result), results);
  const read = readStack(outputs.text, options.region);
  if (!read.ok) {
    report(
      fail(
        'outputs',
        'Stack outputs',
        read.message,
        'Pass the JSON of aws cloudformation describe-stacks --stack-name <name>.',
      ),
    );
    return results;
  }
  const { stack } = read;
  report(
    pass(
      'outputs',
      'Stack outputs',
      `${stack.stackName ?? 'stack'} in ${stack.settings.region}, ${stack.settings.storyGatewayUrl ? 'budget' : 'direct'} mode`,
    ),
  );
  const idp = new CognitoIdentityProviderClient({
    region: stack.settings.region,
    credentials: options.adminCredentials ?? fromNodeProviderChain(),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  try {
    await userChecks(options, stack, idp, cleanup, report);
  } finally {
    report(...(await cleanup.run()));
    idp.destroy();
  }
  report(...(await managedLoginChecks(stack, options.endpoint)));
  return results;
}

/** The outputs JSON given, or read with DescribeStacks (`--stack`). */
async function outputsText(options: CheckOptions): Promise<DescribeRead> {
  if (options.outputsText !== undefined) return { ok: true, text: options.outputsText };
  if (!options.stackName)
    return {
      ok: false,
      result: fail(
        'outputs',
        'Stack outputs',
        'no outputs JSON and no --stack',
        'Pass the outputs JSON or --stack <name>.',
      ),
    };
  return describeStackOutputs({
    stackName: options.stackName,
    credentials: options.adminCredentials ?? fromNodeProviderChain(),
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

async function userChecks(
  options: CheckOptions,
  stack: StackUnderTest,
  idp: CognitoIdentityProviderClient,
  cleanup: Cleanup,
  report: (...r: CheckResult[]) => void,
): Promise<void> {
  const described = await describeClient(idp, stack);
  if (!described.client) return report(described.result!);
  report(...appClientChecks(described.client, stack, options.clientSecretMeant ?? false));
  const created = await createThrowawayUser(
    idp,
    stack.settings.userPoolId,
    options.emailDomain ?? 'example.com',
    cleanup,
  );
  report(created.result);
  if (!created.user) return report(skip('signIn.srp', 'Sign-in with SRP', 'no throwaway user to sign in with'));
  const signInResults: CheckResult[] = [];
  const signedIn = await signInChecks(
    stack,
    created.user,
    options.endpoint,
    described.client.ClientSecret,
    signInResults,
  );
  report(...signInResults);
  if (!signedIn?.credentials) return report(skip('models', 'Models', 'no identity-pool credentials to call with'));
  const bedrock = runtimeClient(stack.settings.region, options.endpoint, signedIn.credentials);
  try {
    report(...(await pathChecks(stack, bedrock, signedIn.credentials, signedIn.session.idToken)));
    report(await contentSafetyCheck(stack, bedrock));
  } finally {
    bedrock.destroy();
  }
}

/** Direct mode: each model answers. Budget mode: Bedrock refuses, the gateway serves. */
async function pathChecks(
  stack: StackUnderTest,
  bedrock: BedrockRuntimeClient,
  credentials: Parameters<typeof gatewayChecks>[1],
  idToken: string,
): Promise<CheckResult[]> {
  if (stack.settings.storyGatewayUrl)
    return [await bedrockRefused(bedrock, stack.models[0]), ...(await gatewayChecks(stack, credentials, idToken))];
  return modelChecks(stack.models, stack.settings.region, bedrock, stack.guardrail);
}

// The PreSignUp trigger as Cognito calls it: the event it sends the function and the two answers
// it reads back. A function that throws refuses the sign-up with its message.
import { AwsError } from '../errors';
import type { LambdaRunner } from '../triggers';

export type PreSignUpSource = 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider';

export interface PreSignUpAnswer {
  autoConfirmUser: boolean;
  autoVerifyEmail: boolean;
}

export interface PreSignUpRequest {
  source: PreSignUpSource;
  username: string;
  clientId: string | null;
  attributes: Record<string, string>;
  validationData: Record<string, string> | null;
  clientMetadata: unknown;
}

/** Without a trigger, neither answer: the user confirms and verifies as usual. */
export async function runPreSignUp(
  runner: LambdaRunner | undefined,
  pool: { region: string; userPoolId: string },
  r: PreSignUpRequest,
): Promise<PreSignUpAnswer> {
  if (!runner) return { autoConfirmUser: false, autoVerifyEmail: false };
  const event = {
    version: '1',
    region: pool.region,
    userPoolId: pool.userPoolId,
    userName: r.username,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: r.clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    triggerSource: r.source,
    request: {
      userAttributes: r.attributes,
      validationData: r.validationData,
      ...(r.clientMetadata ? { clientMetadata: r.clientMetadata } : {}),
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
  let result: unknown;
  try {
    result = await runner.invoke(event);
  } catch (err) {
    throw new AwsError('UserLambdaValidationException', `PreSignUp failed with error ${(err as Error).message}.`);
  }
  const response =
    ((result ?? event) as { response?: { autoConfirmUser?: unknown; autoVerifyEmail?: unknown } }).response ?? {};
  return { autoConfirmUser: response.autoConfirmUser === true, autoVerifyEmail: response.autoVerifyEmail === true };
}

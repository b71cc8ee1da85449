// Lambda's function URLs (by path: /lambda-url/<url id>/...).
import type { IssuedCredentials } from '../cognito-identity/identityPool';
import type { RestOperation } from '../operation';
import type { LambdaDeps } from './invokeFunctionUrl';
import { invokeFunctionUrl } from './invokeFunctionUrl';

export const LAMBDA_URL_OPERATIONS: readonly RestOperation<LambdaDeps, IssuedCredentials>[] = [invokeFunctionUrl];

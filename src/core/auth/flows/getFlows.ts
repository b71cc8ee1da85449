// Every sign-in flow, and the choice among them: a new flow is one more object in ALL_FLOWS.
import type { FlowQuery, SignInFlow } from './flow';
import { managedLoginFlow } from './managedLoginFlow';
import { userPasswordAuth } from './userPasswordAuth';
import { userSrpAuth } from './userSrpAuth';

/** In order of preference. The browser comes first: it is the only way in for social accounts. */
export const ALL_FLOWS: readonly SignInFlow[] = [managedLoginFlow, userSrpAuth, userPasswordAuth];

/** The flows that can work with these settings, best first. */
export function getFlows(query: FlowQuery): SignInFlow[] {
  return ALL_FLOWS.filter(({ options }) =>
    options.needsManagedLogin ? query.managedLogin : options.appClientFlow === query.authFlow,
  );
}

// Every sign-in flow, and the choice among them: a new flow is one more object in ALL_FLOWS.
import type { FlowQuery, SignInFlow } from './flow';
import { userPasswordAuth } from './userPasswordAuth';
import { userSrpAuth } from './userSrpAuth';

/** In order of preference: the first that fits is used. */
export const ALL_FLOWS: readonly SignInFlow[] = [userSrpAuth, userPasswordAuth];

/** The flows that can work with these settings, best first. */
export function getFlows(query: FlowQuery): SignInFlow[] {
  return ALL_FLOWS.filter(({ options }) => options.appClientFlow === query.authFlow);
}

// A sign-in flow is data: what it needs (its options) and how it starts. getFlows() picks the
// flows the settings allow, as VS Code's github-authentication picks its IFlow objects. A flow
// talks to Cognito only through the CognitoWire, which adds SECRET_HASH and maps failures.
import type {
  AuthFlowType,
  ChallengeNameType,
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Session } from '../session';

/** The app client flows `storyteller.authFlow` may name (ExplicitAuthFlows), a password flow each. */
export const AUTH_FLOWS = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH'] as const;
export type AuthFlow = (typeof AUTH_FLOWS)[number];

/** Where a sign-in stands: done, or a challenge the user must answer. Flows as data. */
export type SignInStep =
  | { readonly kind: 'done'; readonly session: Session }
  | { readonly kind: 'newPassword'; readonly respond: (newPassword: string) => Promise<SignInStep> }
  | { readonly kind: 'mfaCode'; readonly respond: (code: string) => Promise<SignInStep> }
  | {
      readonly kind: 'mfaSetup';
      readonly secret: string;
      readonly otpauthUri: string;
      readonly respond: (code: string) => Promise<SignInStep>;
    };

/** What a flow needs and does, for getFlows() to match against the settings. */
export interface FlowOptions {
  /** The flow the app client must allow (its ExplicitAuthFlows), named by `storyteller.authFlow`. */
  readonly appClientFlow: AuthFlow;
  /** The user types their password into VS Code. */
  readonly asksPassword: boolean;
  /** The password itself crosses the network (inside TLS), not only a proof of it. */
  readonly sendsPassword: boolean;
}

/** The part of the settings that decides which flows can work. */
export interface FlowQuery {
  readonly authFlow: AuthFlow;
}

/** What the user typed for a flow that asks for a password. */
export interface PasswordCredentials {
  /** Normalized (see normalizeEmail). */
  readonly username: string;
  readonly password: string;
}

/** The user pool calls a flow may make; SECRET_HASH for `username` is added when the client has a secret. */
export interface CognitoWire {
  readonly userPoolId: string;
  initiate(
    authFlow: AuthFlowType,
    username: string,
    parameters: Record<string, string>,
  ): Promise<InitiateAuthCommandOutput>;
  respond(
    challenge: ChallengeNameType,
    username: string,
    responses: Record<string, string>,
    session: string | undefined,
  ): Promise<RespondToAuthChallengeCommandOutput>;
  /** Cognito's answer as the next step: a verified session, or a challenge for the user. */
  next(out: InitiateAuthCommandOutput | RespondToAuthChallengeCommandOutput, username: string): Promise<SignInStep>;
}

export interface SignInFlow {
  readonly id: string;
  /** Says what the flow does, for the log. */
  readonly label: string;
  readonly options: FlowOptions;
  start(wire: CognitoWire, credentials: PasswordCredentials): Promise<SignInStep>;
}

// A sign-in flow is data: what it needs (its options) and how it starts. getFlows() picks the
// flows the settings allow, as VS Code's github-authentication picks its IFlow objects. A password
// flow talks to Cognito only through the CognitoWire, which adds SECRET_HASH and maps failures;
// the browser flow, through managed login (browser/managedLogin.ts).
import type {
  AuthFlowType,
  ChallengeNameType,
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { BrowserSignInRequest, ManagedLogin, PendingBrowserSignIn } from '../browser/managedLogin';
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
  readonly appClientFlow?: AuthFlow;
  /** It needs a managed login domain (`storyteller.hostedUi.domain`). */
  readonly needsManagedLogin: boolean;
  /** The user types their password into VS Code; otherwise into the browser. */
  readonly asksPassword: boolean;
  /** The password itself crosses the network (inside TLS), not only a proof of it. */
  readonly sendsPassword: boolean;
}

/** The part of the settings that decides which flows can work. */
export interface FlowQuery {
  readonly authFlow: AuthFlow;
  /** A managed login domain is set. */
  readonly managedLogin: boolean;
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

interface Flow {
  readonly id: string;
  /** What the sign-in choice says (a function: the translations are configured after the modules load). */
  readonly label: () => string;
}

/** Asks for the password in VS Code, then talks to the user pool. */
export interface PasswordFlow extends Flow {
  readonly options: FlowOptions & { readonly asksPassword: true; readonly appClientFlow: AuthFlow };
  start(wire: CognitoWire, credentials: PasswordCredentials): Promise<SignInStep>;
}

/** Sends the user to managed login in the browser; the answer comes back to `complete`. */
export interface BrowserFlow extends Flow {
  readonly options: FlowOptions & { readonly asksPassword: false };
  start(login: Pick<ManagedLogin, 'start'>, request: BrowserSignInRequest): Promise<PendingBrowserSignIn>;
}

export type SignInFlow = PasswordFlow | BrowserFlow;

export function asksPassword(flow: SignInFlow): flow is PasswordFlow {
  return flow.options.asksPassword;
}

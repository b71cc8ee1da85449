// Entry of dist/signin.js, the sign-in bundle: Cognito user pools and token verification only,
// loaded on the first sign-in (see src/vscode/bundles.ts). The story service is in dist/story.js.
export { CognitoAuth } from '../core/auth/cognito';
export { useTranslations } from '../core/messages';
export { ManagedLogin } from '../core/auth/browser/managedLogin';

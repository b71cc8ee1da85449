// Entry of the second bundle, dist/aws.js: everything that pulls in the AWS SDK. The extension
// loads it on first use (see src/vscode/aws.ts), so activation never pays for the SDK.
export { CognitoAuth } from './core/auth/cognito';
// The story engine (Cognito identity pool credentials, Bedrock streaming, history, usage).
export { StoryService, createStoryService } from './core/story/service';

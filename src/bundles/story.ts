// Entry of dist/story.js, the story bundle: the identity pool's credentials and Bedrock, loaded
// on the first story (see src/vscode/bundles.ts). Sign-in needs none of it: dist/signin.js.
// The story service (Cognito identity pool credentials, Bedrock streaming, history, usage).
export { StoryService, createStoryService } from '../core/story/service';
export { useTranslations } from '../core/messages';

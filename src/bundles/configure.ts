// Entry of dist/configure.js: "Configure from Stack Outputs…", loaded when the command runs
// (see src/vscode/bundles.ts), not at activation.
export { configureFromStack, toConfigureArgs } from '../vscode/commands/configureFromStack';
export { useTranslations } from '../core/messages';

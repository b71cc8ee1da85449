// Entry of dist/configure.js: "Configure from Stack Outputs…" and "Check Setup", loaded when they run
// (see src/vscode/bundles.ts), not at activation.
export { configureFromStack, toConfigureArgs } from '../vscode/commands/configureFromStack';
export { checkSetup } from '../vscode/commands/checkSetup';
export { useTranslations } from '../core/messages';

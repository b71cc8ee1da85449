// Entry of dist/project.js, story projects: the files' parser (yaml, valibot), codex activation,
// context assembly and the Show Context document, loaded when a workspace has a story project or
// a project command runs (see src/vscode/bundles.ts), not at activation.
export { assembleContext } from '../core/project/assemble';
export { findProjectRoot, loadProject, relativeFile } from '../core/project/loader';
export { roleOf } from '../core/project/project';
export { renderContext } from '../core/project/render';
export { joinerBefore, projectRequest, safetyAudience } from '../core/project/request';
export { cacheMinTokens } from '../../infra/src/gateway/promptCaching';
export { codexScaffold, projectScaffold, slug } from '../core/project/scaffold';
export { useTranslations } from '../core/messages';
// The VS Code side that only runs once a project command does: the writer (and its editor
// stream) and the scaffolds.
export { ProjectWriter } from '../vscode/project/writer';
export { newCodexEntry, newStoryProject } from '../vscode/project/scaffoldCommands';
export { LorebookCommands } from '../vscode/project/lorebookCommands';
// Write Scene from Beat and Summarize Chapter.
export { BEAT_MAX_CHARS, findBeat, sceneRequest } from '../core/project/beat';
export { beatSource, pickLabel, placeBeat } from '../core/project/frontMatterBeats';
export { summaryRequest, tidySummary } from '../core/project/summary';
export { summaryEdit } from '../core/project/summaryEdit';

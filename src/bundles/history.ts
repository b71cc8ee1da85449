// Entry of dist/history.js, the story history: the stories on disk, their index and their formats,
// loaded when the panel first lists or opens a story (see src/vscode/bundles.ts), not at activation.
export { HistoryStore, LEASE_MS } from '../core/story/history/history';
export { toHistoryPage, toMarkdown, toRecord } from '../core/story/history/storyFormats';
export { chapterCandidates, findWritten } from '../core/story/history/chapterPath';
export { useTranslations } from '../core/messages';

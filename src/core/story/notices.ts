// Notification texts about stories. A title is the model's own heading, so it is untrusted:
// every one passes through notificationSafe before VS Code parses the message for links.
import * as l10n from '@vscode/l10n';
import { notificationSafe } from '../notificationText';

export function deleteQuestion(title: string): string {
  return l10n.t('Delete “{0}” from the story history?', notificationSafe(title));
}

/** The story a Delete asks about, told apart from others with the same title (#24). */
export interface DeletedStory {
  readonly title: string;
  readonly modelId: string;
  readonly createdAt: number;
  /** Set for a regenerated or refined story: the story it was made from. */
  readonly parentId?: string | undefined;
}

/** The Delete question's detail: when, with which model, and whether Regenerate made it. */
export function deleteDetail(story: DeletedStory, modelName: string, locale?: string): string {
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(story.createdAt);
  const regenerated = story.parentId !== undefined && !/\(refined\)$/.test(story.title);
  return regenerated
    ? l10n.t('Written {0} with {1} (regenerated).', when, notificationSafe(modelName))
    : l10n.t('Written {0} with {1}.', when, notificationSafe(modelName));
}

export function savedMessage(title: string, where: string): string {
  return l10n.t('Saved “{0}” to {1}.', notificationSafe(title), notificationSafe(where));
}

/** A function: the translations are configured after the modules load (see useTranslations). */
export const elsewhere = (): string =>
  l10n.t('That story is being written in another VS Code window. Wait until it ends there, then try again.');

export const stillWriting = (): string =>
  l10n.t('That story is still being written. Stop it first, or wait until it ends.');

export const notInHistory = (): string => l10n.t('That story is no longer in the history.');

/** Continue, Regenerate and Refine of a story project's entry (#26): the chapter is where it goes on. */
export const projectEntry = (): string =>
  l10n.t(
    'That text was written in a chapter of a story project. Open the chapter and use Continue Writing there; the panel continues, regenerates and refines only its own stories.',
  );

/** Open Chapter of a quick story (the panel offers it only for project entries). */
export const notAChapterEntry = (): string =>
  l10n.t('That story was written in the panel, not in a chapter, so there is no chapter to open.');

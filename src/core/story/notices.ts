// Notification texts about stories. A title is the model's own heading, so it is untrusted:
// every one passes through notificationSafe before VS Code parses the message for links.
import { notificationSafe } from '../notificationText';

export function deleteQuestion(title: string): string {
  return `Delete “${notificationSafe(title)}” from the story history?`;
}

export function savedMessage(title: string, where: string): string {
  return `Saved “${notificationSafe(title)}” to ${notificationSafe(where)}.`;
}

export const ELSEWHERE =
  'That story is being written in another VS Code window. Wait until it ends there, then try again.';

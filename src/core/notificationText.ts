// VS Code notifications turn `[label](https://…)`, `[label](file:…)` and `[label](command:id?args)`
// into links, and a command link runs with the arguments in it. The parser has no escape syntax
// (a backslash before `[` still links), so text from outside the extension (a model's title, a
// server's message, a stack name, a setting's value) gets a word joiner (U+2060, invisible) after
// every `]`: no `](` can then start in it, and it reads the same.

const WORD_JOINER = '\u2060';

/** Untrusted text, made safe to interpolate into a notification's message. */
export function notificationSafe(text: string): string {
  return text.replace(/\]/g, `]${WORD_JOINER}`).replace(/^\(/, `${WORD_JOINER}(`);
}

/**
 * VS Code's notification link pattern (vs/base/common/linkedText.ts), for tests and checks: the
 * hrefs a message would turn into links.
 */
export function notificationLinks(message: string): string[] {
  const pattern = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
  return [...message.replace(/(\r\n|\n|\r)/gm, ' ').matchAll(pattern)].map((m) => m[2]!);
}

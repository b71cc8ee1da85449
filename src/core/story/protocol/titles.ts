// Titles for the history list: pure, so the panel shows the same title the host stores.

/** A short title from the premise, for the history list until the story has its own heading. */
export function titleFromPremise(premise: string, max = 60): string {
  const firstLine = premise.trim().split(/\r?\n/)[0] ?? '';
  const sentence = (/^(.+?[.!?])(\s|$)/.exec(firstLine)?.[1] ?? firstLine).replace(/[.!?]+$/, '').trim();
  if (sentence.length <= max) return sentence || 'Untitled story';
  const cut = sentence.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The story's own "# Heading", if the model wrote one at the top. */
export function titleFromStory(text: string): string | undefined {
  const m = /^\s*#\s+(.+?)\s*#*\s*$/m.exec(text.split('\n').slice(0, 3).join('\n'));
  return m?.[1] ? m[1].slice(0, 200) : undefined;
}

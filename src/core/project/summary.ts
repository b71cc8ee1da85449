// Summarize Chapter, the pure part: what the model reads (the chapter's prose within the project's
// context budget) and the summary it gives back, tidied for the front matter.
//
// Truncation rule: the prose goes whole when it fits in the budget left after the instructions.
// When it does not, the first paragraphs that fit in half of that room and the last paragraphs that
// fit in the other half are sent, whole paragraphs only, with one line between them saying how many
// paragraphs were left out (a chapter's opening and its ending say the most about it). A first or
// last paragraph longer than half the room is cut at a word, marked with "…".
import { CHARS_PER_TOKEN, estimateTokens } from '../story/usage/usage';
import type { ConverseRequest } from '../story/prompt';
import type { StoryFile } from './model';
import { SUMMARY_HEADING, SUMMARY_INSTRUCTIONS, SUMMARY_WORDS, settingLines } from './promptText';

/** The longest summary the front matter takes (CHAPTER_FIELDS.summary). */
export const SUMMARY_MAX_CHARS = 20_000;
/** What the model may write: room for SUMMARY_WORDS words and a little more. */
export const SUMMARY_MAX_TOKENS = Math.ceil(SUMMARY_WORDS * 2.5);
const SUMMARY_TEMPERATURE = 0.3;

export interface FittedProse {
  readonly text: string;
  readonly paragraphs: number;
  /** Paragraphs not sent (0 when the prose went whole). */
  readonly leftOut: number;
}

const leftOutLine = (n: number) => `[… ${n} ${n === 1 ? 'paragraph' : 'paragraphs'} left out …]`;

function headWords(text: string, chars: number): string {
  const cut = text.slice(0, chars);
  const space = cut.search(/\s\S*$/);
  return `${(space > 0 ? cut.slice(0, space) : cut).trimEnd()} …`;
}

function tailWords(text: string, chars: number): string {
  const cut = text.slice(text.length - chars);
  const space = cut.search(/\s/);
  return `… ${(space >= 0 ? cut.slice(space) : cut).trimStart()}`;
}

/** The chapter's prose within `tokens`, by the rule above. */
export function fitProse(prose: string, tokens: number): FittedProse {
  const paragraphs = prose
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const whole = paragraphs.join('\n\n');
  if (estimateTokens(whole) <= tokens) return { text: whole, paragraphs: paragraphs.length, leftOut: 0 };
  const half = Math.floor((Math.max(0, tokens) * CHARS_PER_TOKEN - leftOutLine(paragraphs.length).length - 4) / 2);
  const head: string[] = [];
  let used = 0;
  for (const p of paragraphs) {
    if (used + p.length + 2 > half) break;
    head.push(p);
    used += p.length + 2;
  }
  const tail: string[] = [];
  used = 0;
  for (let i = paragraphs.length - 1; i >= head.length; i--) {
    const p = paragraphs[i]!;
    if (used + p.length + 2 > half) break;
    tail.unshift(p);
    used += p.length + 2;
  }
  if (head.length === 0) head.push(headWords(paragraphs[0]!, half));
  if (tail.length === 0 && paragraphs.length > 1) tail.push(tailWords(paragraphs[paragraphs.length - 1]!, half));
  const leftOut = Math.max(0, paragraphs.length - head.length - tail.length);
  const parts = leftOut > 0 ? [...head, leftOutLine(leftOut), ...tail] : [...head, ...tail];
  return { text: parts.join('\n\n'), paragraphs: paragraphs.length, leftOut };
}

export interface SummaryPlan {
  readonly request: ConverseRequest;
  readonly prose: FittedProse;
}

/** The request for a chapter's summary, its prose fitted to `budget` tokens; undefined without prose. */
export function summaryRequest(
  story: StoryFile,
  chapter: { readonly title: string; readonly body: string },
  modelId: string,
  budget: number,
): SummaryPlan | undefined {
  const system = `${SUMMARY_INSTRUCTIONS}\n\n## Story\n${settingLines(story).join('\n')}\n`;
  const heading = `${SUMMARY_HEADING} ${chapter.title}\n\n`;
  const prose = fitProse(chapter.body, budget - estimateTokens(system) - estimateTokens(heading));
  if (prose.text === '') return undefined;
  return {
    request: {
      modelId,
      system: [{ text: system }],
      messages: [{ role: 'user', content: [{ text: heading + prose.text }] }],
      inferenceConfig: { maxTokens: SUMMARY_MAX_TOKENS, temperature: SUMMARY_TEMPERATURE },
    },
    prose,
  };
}

/** The model's answer as a front-matter summary: one paragraph, no label or quotes, within the field's limit. */
export function tidySummary(text: string): string {
  let s = text.replace(/\s+/g, ' ').trim();
  s = s.replace(/^(?:\*\*)?summary(?:\*\*)?\s*:\s*/i, '');
  const quoted = /^["“](.*)["”]$/.exec(s);
  if (quoted && !/["“”]/.test(quoted[1]!)) s = quoted[1]!.trim();
  return s.length > SUMMARY_MAX_CHARS ? headWords(s, SUMMARY_MAX_CHARS - 2) : s;
}

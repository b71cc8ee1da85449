// A story project's Continue Writing request, built the way the extension builds it (files →
// buildProject → assembleContext with the model's cache minimum → projectRequest), for the AWS
// tests and the prompt-caching benchmark (#26).
import { cacheMinTokens } from '../../infra/src/gateway/promptCaching';
import { assembleContext } from '../../src/core/project/assemble';
import type { AssembledContext } from '../../src/core/project/assemble';
import { buildProject } from '../../src/core/project/project';
import { projectRequest } from '../../src/core/project/request';
import type { ConverseRequest } from '../../src/core/story/prompt';
import { estimateTokens } from '../../src/core/story/usage/usage';

const BIBLE_SENTENCES = [
  'Salt is money in the harbour towns, and the guild weighs every grain of it.',
  'The tide comes in twice a day and takes the low road with it.',
  'Mira keeps a ledger of debts in a book bound with sailcloth.',
  'Nobody rows past the lighthouse after dark; the keeper rings a bell for the drowned.',
  'Storms come from the west in autumn, and the fishing fleet stays home for weeks.',
  'The old kings built the sea wall with stones carried down from the quarry at Ash Hill.',
];

/** A bible of at least `tokens` estimated tokens (about four characters a token). */
export function bibleOf(tokens: number): string {
  const out: string[] = [];
  for (let i = 0; estimateTokens(out.join(' ')) < tokens; i++) out.push(BIBLE_SENTENCES[i % BIBLE_SENTENCES.length]!);
  return out.join(' ');
}

/** The files of a small project: the bible, an always-on entry, a character, two chapters. */
export function projectFiles(
  bibleTokens: number,
  chapterText: string,
  title = 'Salt',
): { file: string; text: string }[] {
  return [
    {
      file: 'story.md',
      text: `---\ntitle: ${title}\ngenre: fantasy\ncontextBudget: 16000\ncontinueTokens: 200\n---\n${bibleOf(bibleTokens)}\n`,
    },
    { file: 'codex/world.md', text: '---\nname: World\nkind: lore\nalways: true\n---\nThe sea is grey and cold.\n' },
    { file: 'codex/mira.md', text: '---\nname: Mira\nkind: character\nkeys: [Mira]\n---\nMira is a smuggler.\n' },
    { file: 'chapters/01.md', text: '---\ntitle: One\nsummary: Mira arrives at the harbour.\n---\nx\n' },
    { file: 'chapters/02.md', text: `---\ntitle: Two\n---\n${chapterText}\n` },
  ];
}

/** Continue Writing at the end of chapter 2 of that project, for `modelId`; another title, another prefix. */
export function continueRequest(
  bibleTokens: number,
  textBefore: string,
  modelId = 'amazon.nova-lite-v1:0',
  title = 'Salt',
): { context: AssembledContext; request: ConverseRequest } {
  const project = buildProject(projectFiles(bibleTokens, textBefore, title), 'salt');
  const min = cacheMinTokens(modelId);
  const context = assembleContext({
    project,
    chapterFile: 'chapters/02.md',
    textBefore,
    ...(min !== undefined ? { cacheMinTokens: min } : {}),
  });
  return { context, request: projectRequest(context, modelId, project.story.settings) };
}

// The Show Context document: exactly what the model would receive at the cursor, part by part,
// with the tokens of each against the budget, what fired and why, and what was left out.
import * as l10n from '@vscode/l10n';
import type { AssembledContext, EntryPart } from './assemble';
import type { ConverseRequest } from '../story/prompt';

const n = (x: number) => x.toLocaleString('en-US');

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.replace(/\n$/, '')}\n${fence}`;
}

function why(e: EntryPart): string {
  if (e.reason === 'always') return l10n.t('always on');
  if (e.via !== undefined) return l10n.t('key "{0}" in the text of "{1}"', e.key ?? '', e.via);
  return l10n.t('key "{0}"', e.key ?? '');
}

function entryLine(e: EntryPart): string {
  return `- **${e.name}** (${e.kind}): ${why(e)} · ${l10n.t('{0} tokens', n(e.tokens))} · \`${e.file}\``;
}

function cacheLine(c: AssembledContext['cachePoint'], modelId: string): string {
  if (c.placed)
    return l10n.t(
      'After the system part ({0} tokens): the bible and always-on entries are cached between requests, so the next Continue within 5 minutes reads them from the cache at a lower price.',
      n(c.prefixTokens),
    );
  if (c.reason === 'belowMinimum')
    return l10n.t(
      'None: the system part is {0} tokens, below the {1} tokens this model caches at least.',
      n(c.prefixTokens),
      n(c.minTokens ?? 0),
    );
  return l10n.t(
    'None: {0} has no prompt caching on Bedrock; with a model that has it, the point would go after the system part ({1} tokens).',
    `\`${modelId}\``,
    n(c.prefixTokens),
  );
}

export interface RenderInput {
  readonly context: AssembledContext;
  readonly request: ConverseRequest;
  /** Where the cursor is, e.g. "chapters/02.md, line 14". */
  readonly where: string;
}

/** The token table's rows: each part of the prompt and what it costs. */
function partRows(c: AssembledContext): ReadonlyArray<readonly [string, number]> {
  const excerptCut = {
    none: l10n.t('all of the text before the cursor'),
    paragraph: l10n.t('cut at a paragraph'),
    line: l10n.t('cut at a line'),
    word: l10n.t('cut at a word'),
  }[c.excerpt.cut];
  const contextTokens = c.entries.reduce((s, e) => s + e.tokens, 0);
  const summaryTokens = c.previously.reduce((s, p) => s + p.tokens, 0);
  return [
    [
      l10n.t(
        'System: instructions, bible ({0} tokens), {1} always-on entries',
        n(c.system.bibleTokens),
        n(c.always.length),
      ),
      c.system.tokens,
    ],
    [l10n.t('Activated entries ({0})', n(c.entries.length)), contextTokens],
    [l10n.t('Previously: {0} chapter summaries', n(c.previously.length)), summaryTokens],
    [
      l10n.t(
        'Excerpt: {0} of {1} tokens before the cursor, {2}',
        n(c.excerpt.tokens),
        n(c.excerpt.availableTokens),
        excerptCut,
      ),
      c.excerpt.tokens,
    ],
  ] as const;
}

/** The system blocks as sent, text fenced, and the cache point where it is in the request. */
function systemBlocks(request: ConverseRequest): string[] {
  let texts = 0;
  return request.system.flatMap((block) =>
    'cachePoint' in block
      ? [`*${l10n.t('[cache point after system block {0}]', texts)}*`, '']
      : [`### ${l10n.t('System block {0}', ++texts)}`, '', fenced(block.text), ''],
  );
}

export function renderContext({ context: c, request, where }: RenderInput): string {
  const rows = partRows(c);
  const out = [
    `# ${l10n.t('Context at {0}', where)}`,
    '',
    l10n.t(
      'Model {0}. Tokens are estimated at about four characters a token; the budget counts what is sent, not what is written.',
      `\`${request.modelId}\``,
    ),
    '',
    `| ${l10n.t('Part')} | ${l10n.t('Tokens')} |`,
    '| --- | ---: |',
    ...rows.map(([label, tokens]) => `| ${label} | ${n(tokens)} |`),
    `| **${l10n.t('Total')}** | **${l10n.t('{0} of {1}', n(c.totalTokens), n(c.budget))}** |`,
    '',
    `## ${l10n.t('Cache point')}`,
    '',
    cacheLine(c.cachePoint, request.modelId),
    '',
    `## ${l10n.t('Entries that fired')}`,
    '',
    ...(c.always.length + c.entries.length === 0
      ? [l10n.t('None: no key of an enabled entry occurs in the last {0} tokens before the cursor.', n(c.scanTokens))]
      : []),
    ...c.always.map(entryLine),
    ...c.entries.map(entryLine),
    '',
    `## ${l10n.t('Left out for the budget')}`,
    '',
    ...(c.leftOut.length + c.summariesLeftOut.length === 0 ? [l10n.t('Nothing.')] : []),
    ...c.leftOut.map(entryLine),
    ...c.summariesLeftOut.map(
      (s) => `- ${l10n.t('Summary of {0}', `**${s.title}**`)} · ${l10n.t('{0} tokens', n(s.tokens))} · \`${s.file}\``,
    ),
    '',
    `## ${l10n.t('Previously')}`,
    '',
    ...(c.previously.length === 0 ? [l10n.t('No summaries of earlier chapters.')] : []),
    ...c.previously.map((s) => `- **${s.title}** · ${l10n.t('{0} tokens', n(s.tokens))} · \`${s.file}\``),
    '',
    `## ${l10n.t('What is sent')}`,
    '',
    ...systemBlocks(request),
    ...request.messages.flatMap((m) => [
      `### ${l10n.t('Message ({0})', m.role)}`,
      '',
      fenced(m.content.map((x) => x.text).join('\n')),
      '',
    ]),
  ];
  return out.join('\n');
}

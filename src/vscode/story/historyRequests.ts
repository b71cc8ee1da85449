// The panel's history requests: list, open, delete and export. They read the user's files only
// (dist/history.js), never the story service: no AWS SDK, no endpoint question, and they work
// whatever the endpoints say.
import type * as vscode from 'vscode';
import { elsewhere, notAChapterEntry, notInHistory, stillWriting } from '../../core/story/notices';
import type { StoredStory } from '../../core/story/history/storyFile';
import { LIMITS } from '../../core/story/protocol/limits';
import type { RequestHandlers } from '../../core/story/protocol/messages';
import type { HistoryPage } from '../../core/story/protocol/wire';
import { loadHistory } from '../bundles';
import type { Log } from '../log';
import type { StoryDialogs } from './dialogs';
import { exportStory } from './export';
import { openChapter } from './openChapter';
import { PanelError } from './panelError';
import type { StorySession } from './session';

/** Stories in the first history page the panel gets; it asks for more as the user scrolls or searches. */
const HISTORY_PAGE = 50;

export interface HistoryContext {
  /** The signed-in user's session; undefined when signed out or not configured. */
  session(): Promise<StorySession | undefined>;
  readonly dialogs: () => StoryDialogs;
  readonly log: () => Log;
  /** The text editor the user was in last (the panel has focus when they click Insert). */
  readonly lastEditor: () => vscode.TextEditor | undefined;
  /** The history changed: send the panel its first page again. */
  changed(): void;
}

type HistoryMethods = 'history.list' | 'history.open' | 'history.delete' | 'history.openChapter' | 'export';

export function historyRequests(context: HistoryContext): Pick<RequestHandlers, HistoryMethods> {
  const story = async (id: string): Promise<{ session: StorySession; story: StoredStory }> => {
    const session = await context.session();
    const stored = await session?.history.get(id);
    if (!session || !stored) throw new PanelError(notInHistory(), 'notFound');
    return { session, story: stored };
  };
  return {
    'history.list': (query) => historyPage(context, query),
    'history.open': async ({ id }) => {
      const { session, story: stored } = await story(id);
      const record = loadHistory().toRecord(stored, session.history.writtenElsewhere(stored));
      // Still being written here: the text as streamed so far (the file lags), and deltas follow.
      const live = session.live;
      return {
        story: live?.storyId === id ? { ...record, text: live.text, status: 'streaming' as const } : record,
      };
    },
    'history.delete': async ({ id }) => {
      const { session, story: stored } = await story(id);
      if (session.service?.isStreaming(id)) throw new PanelError(stillWriting(), 'busy');
      if (session.history.writtenElsewhere(stored)) throw new PanelError(elsewhere(), 'busy');
      if (!(await context.dialogs().confirmDelete(stored))) return { deleted: false };
      const deleted = await session.history.delete(id);
      context.changed();
      return { deleted };
    },
    'history.openChapter': async ({ id }) => {
      const { origin, text } = (await story(id)).story;
      if (!origin) throw new PanelError(notAChapterEntry(), 'notProjectEntry');
      await openChapter(origin, text);
      return null;
    },
    export: async ({ id, target }) => ({
      exported: await exportStory((await story(id)).story, target, {
        dialogs: context.dialogs(),
        log: context.log(),
        lastEditor: context.lastEditor,
      }),
    }),
  };
}

/** One page of the history (the newest by default, or a search), with how many stories there are in all. */
export async function historyPage(
  context: HistoryContext,
  query: { readonly offset?: number; readonly limit?: number; readonly query?: string } = {},
): Promise<HistoryPage> {
  const session = await context.session();
  if (!session) return { items: [] };
  const search = query.query?.trim() ?? '';
  const list = await session.history.page({
    offset: query.offset ?? 0,
    limit: query.limit ?? HISTORY_PAGE,
    query: search,
  });
  for (const problem of list.problems) context.log().warn(`Story history: skipped ${problem.file}: ${problem.message}`);
  return {
    ...loadHistory().toHistoryPage(list.items, LIMITS.historyPageMax),
    total: list.total,
    offset: list.offset,
    ...(search ? { query: search } : {}),
  };
}

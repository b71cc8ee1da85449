// The history list's search box and paging. The host keeps the history (thousands of stories)
// and answers one page at a time: the newest, the next ones (Show more), or those whose title
// or premise has every word typed in the search box. history.ts renders the rows it is handed.
import * as l10n from '@vscode/l10n';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { LIMITS } from '../../../src/core/story/protocol/limits';
import type { HistoryItem, HistoryPage, HistoryQuery } from '../../../src/core/story/protocol/wire';
import { historyCount, historyLoadFailed, showMoreLabel } from '../format';
import { h } from './dom';

/** Stories per request: a first screen and then some. */
export const HISTORY_PAGE = 50;

export class HistoryPager {
  /** The search box, above the list. */
  readonly search: HTMLElement;
  /** How many stories there are or match, and Show more; below the list. */
  readonly footer: HTMLElement;
  private readonly input: VscodeTextfield;
  private readonly count: HTMLElement;
  private readonly more: VscodeButton;
  private query = '';
  private items: readonly HistoryItem[] = [];
  private total = 0;
  /** Answers to older requests (an earlier search, a page before a reset) are dropped. */
  private seq = 0;

  constructor(
    private readonly list: (query: HistoryQuery) => Promise<HistoryPage>,
    private readonly show: (page: HistoryPage) => void,
  ) {
    this.input = h('vscode-textfield', {
      id: 'history-search',
      type: 'search',
      placeholder: l10n.t('Search titles, premises and chapters'),
      'aria-label': l10n.t("Search the history by title, premise, or a story project's title or chapter"),
      maxlength: String(LIMITS.searchMax),
    });
    this.search = h('div', { class: 'history-search', hidden: true }, this.input);
    this.count = h('p', { class: 'muted history-count', id: 'history-count', role: 'status', 'aria-live': 'polite' });
    this.more = h('vscode-button', { id: 'history-more', secondary: true, hidden: true }, showMoreLabel());
    this.footer = h('div', { class: 'history-footer' }, this.count, this.more);
    this.input.addEventListener('input', () => {
      const query = this.input.value.trim().slice(0, LIMITS.searchMax);
      if (query === this.query) return;
      this.query = query;
      void this.load(0, HISTORY_PAGE);
    });
    this.more.addEventListener('click', () => {
      if (!this.more.disabled) void this.load(this.items.length, HISTORY_PAGE);
    });
  }

  /** A search is on show (the list is its matches, not the whole history). */
  get searching(): boolean {
    return this.query !== '';
  }

  /**
   * A `history` event (the newest page, after any change). True when it is what should show;
   * otherwise (a search, or more pages on show) the pager asks for those again and hands them over.
   */
  take(page: HistoryPage): boolean {
    if (this.query === '' && this.items.length <= page.items.length) {
      this.seq++;
      this.accept(page, page.items);
      return true;
    }
    void this.load(0, Math.min(Math.max(this.items.length, HISTORY_PAGE), LIMITS.historyPageMax));
    return false;
  }

  /** Signed out or another user: no search and nothing listed. */
  reset(): void {
    this.seq++;
    this.query = '';
    this.input.value = '';
    this.accept({ items: [] }, []);
  }

  private async load(offset: number, limit: number): Promise<void> {
    const seq = ++this.seq;
    const query = this.query;
    this.more.disabled = true;
    let page: HistoryPage;
    try {
      page = await this.list({ offset, limit, ...(query ? { query } : {}) });
    } catch (e) {
      if (seq !== this.seq) return;
      this.more.disabled = false;
      this.count.textContent = historyLoadFailed(e instanceof Error ? e.message : String(e));
      return;
    }
    if (seq !== this.seq) return;
    const items = offset === 0 ? page.items : [...this.items, ...page.items];
    this.accept(page, items);
    this.show({ ...page, items });
  }

  private accept(page: HistoryPage, items: readonly HistoryItem[]): void {
    this.items = items;
    this.total = page.total ?? items.length;
    const left = this.total - items.length;
    this.more.disabled = false;
    this.more.hidden = left <= 0;
    this.more.textContent = showMoreLabel(Math.min(left, HISTORY_PAGE));
    this.search.hidden = this.total === 0 && this.query === '';
    this.count.textContent = historyCount(this.query, this.total, items.length);
  }
}

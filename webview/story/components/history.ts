// The History part: the stories listed (open, delete), with the pager's search and Show more.
import * as l10n from '@vscode/l10n';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { HistoryItem, StoryStatus } from '../../../src/core/story/protocol/wire';
import type { Actions } from '../actions';
import type { HostBridge } from '../bridge';
import { historyOmitted, historyTokens, originLabel, untitled } from '../format';
import { canDelete, modelName } from '../state';
import type { PanelState } from '../state';
import type { Store } from '../store';
import { button, h } from './dom';
import { HistoryPager } from './historyPager';

// Functions: the translations are configured after the modules load (see main.ts).
const STATUS_LABELS: Record<StoryStatus, () => string> = {
  streaming: () => l10n.t('streaming'),
  done: () => '',
  stopped: () => l10n.t('stopped'),
  failed: () => l10n.t('failed'),
  // The stack's content policy blocked its premise or its story (#27).
  blocked: () => l10n.t('blocked'),
};

export class HistoryPart {
  readonly element: HTMLElement;
  /** Search and Show more: which page of the host's history is listed. */
  readonly pager: HistoryPager;
  private readonly list = h('ul', { class: 'history-list', id: 'history-list' });
  private readonly empty = h('p', { class: 'muted' }, l10n.t('No stories yet.'));
  private readonly omitted = h('p', { class: 'muted history-omitted', id: 'history-omitted', hidden: true });
  private last: PanelState | undefined;

  constructor(
    store: Store,
    bridge: HostBridge,
    private readonly actions: Actions,
  ) {
    this.pager = new HistoryPager(
      (query) => bridge.request('history.list', query),
      (page) => {
        store.patch({ history: page.items, historyOmitted: page.omitted ?? 0 });
        // A search that matches nothing says so below the list.
        if (this.pager.searching) this.empty.hidden = true;
      },
    );
    this.element = h(
      'section',
      { class: 'history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, l10n.t('History')),
      this.pager.search,
      this.empty,
      this.list,
      this.omitted,
      this.pager.footer,
    );
  }

  render(s: PanelState): void {
    const last = this.last;
    this.last = s;
    const relist = s.history !== last?.history || s.models !== last.models || s.historyOmitted !== last.historyOmitted;
    if (relist) this.renderList(s);
    if (relist || s.shown !== last?.shown) this.renderCurrent(s);
  }

  private renderList(s: PanelState): void {
    this.empty.hidden = s.history.length > 0;
    this.omitted.hidden = s.historyOmitted === 0;
    this.omitted.textContent = historyOmitted(s.historyOmitted);
    const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    this.list.replaceChildren(...s.history.map((item) => this.row(s, item, dateFormat)));
  }

  private row(s: PanelState, item: HistoryItem, dateFormat: Intl.DateTimeFormat): HTMLElement {
    const title = untitled(item.title);
    const open = h('button', { class: 'link-button history-open', type: 'button', 'data-id': item.id }, title);
    open.addEventListener('click', () => void this.actions.openStory(item.id, true));
    const state = item.elsewhere ? l10n.t('being written in another window') : STATUS_LABELS[item.status]();
    const facts = [modelName(s, item.modelId), dateFormat.format(item.createdAt), historyTokens(item), state];
    const meta = h('span', { class: 'muted history-meta' }, facts.filter(Boolean).join(' · '));
    // A story project's entry says where it was written (#26); text only, as every title.
    const origin = item.origin
      ? [h('span', { class: 'history-origin', 'data-command': item.origin.command }, originLabel(item.origin))]
      : [];
    const del = button(
      l10n.t('Delete'),
      { class: 'history-delete', secondary: true, 'aria-label': l10n.t('Delete “{0}”', title), 'data-id': item.id },
      () => void this.actions.deleteStory(item),
    );
    return h('li', {}, h('div', { class: 'history-text' }, open, ...origin, meta), del);
  }

  /** Marks the story on screen, and allows Delete only for stories no one is writing. */
  private renderCurrent(s: PanelState): void {
    s.history.forEach((item, i) => {
      const li = this.list.children[i];
      if (!li) return;
      li.classList.toggle('current', s.shown?.id === item.id);
      (li.querySelector('.history-delete') as VscodeButton).disabled = !canDelete(s, item);
    });
  }
}

// The story part: heading, meta, status line, error box, the streaming text, its actions
// (Stop, Continue, Regenerate), Refine and Export.
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import * as l10n from '@vscode/l10n';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { isSafeLink } from '../../../src/core/story/protocol/links';
import { EXPORT_TARGETS } from '../../../src/core/story/protocol/wire';
import type { PanelAction, ExportTarget } from '../../../src/core/story/protocol/wire';
import type { Actions } from '../actions';
import { originLabel, refusedUntil, storyMeta } from '../format';
import { StoryRenderer, createMarkdown } from '../render';
import type { RenderStats } from '../render';
import { canRefine, continueHeldUntil, enabled, isStreaming, refineHeldUntil, storyHeldUntil } from '../state';
import type { ErrorNote, PanelState } from '../state';
import type { Store } from '../store';
import { button, h } from './dom';

declare global {
  interface Window {
    /** Set by tests and the benchmark before the script runs to get render counters. */
    __storytellerCollectStats?: boolean;
    __storytellerStats?: RenderStats;
  }
}

// Functions: the translations are configured after the modules load (see main.ts).
const EXPORT_LABELS: Record<ExportTarget, () => string> = {
  editor: () => l10n.t('Open in editor'),
  file: () => l10n.t('Save…'),
  insert: () => l10n.t('Insert at cursor'),
  copy: () => l10n.t('Copy'),
};

const ERROR_LABELS: Record<PanelAction, () => string> = {
  retry: () => l10n.t('Retry'),
  continue: () => l10n.t('Continue'),
  signIn: () => l10n.t('Sign in'),
  pickModel: () => l10n.t('Pick another model'),
  openSettings: () => l10n.t('Open settings'),
  configure: () => l10n.t('Configure from Stack Outputs…'),
};

export class StoryPart {
  readonly element = h('section', { class: 'story-section', 'aria-labelledby': 'story-title' });
  readonly refineField: VscodeTextfield;
  private readonly title = h('h2', { id: 'story-title' }, l10n.t('Story'));
  private readonly meta = h('div', { class: 'story-meta', id: 'story-meta' });
  /** A story project's entry (#26): where it was written, and the way back to that chapter. */
  private readonly origin = h('div', { class: 'story-origin', id: 'story-origin', hidden: true });
  private readonly originLabel = h('span', { class: 'story-origin-label' });
  private readonly refineBox: HTMLElement;
  private readonly status = h('div', {
    class: 'story-status',
    id: 'story-status',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly errorBox = h('div', { class: 'error-box', id: 'story-error', role: 'alert', hidden: true });
  private readonly text = h('article', {
    class: 'story',
    id: 'story',
    'aria-labelledby': 'story-title',
    'aria-busy': 'false',
    tabindex: '0',
  });
  private readonly renderer: StoryRenderer;
  private readonly buttons: Record<'stop' | 'continue' | 'regenerate' | 'openChapter', VscodeButton>;
  private readonly exportButtons: VscodeButton[];
  private readonly refineButton: VscodeButton;
  private last: PanelState | undefined;

  constructor(
    private readonly store: Store,
    private readonly actions: Actions,
  ) {
    const stats = window.__storytellerCollectStats === true ? newStats() : undefined;
    if (stats) window.__storytellerStats = stats;
    this.renderer = new StoryRenderer(this.text, createMarkdown(), stats);
    this.buttons = {
      stop: button(
        l10n.t('Stop'),
        { id: 'stop', secondary: true, title: l10n.t('Stop (Escape)') },
        () => void actions.stop(),
      ),
      continue: button(l10n.t('Continue'), { id: 'continue', secondary: true }, () => actions.again('continue')),
      regenerate: button(l10n.t('Regenerate'), { id: 'regenerate', secondary: true }, () =>
        actions.again('regenerate'),
      ),
      openChapter: button(
        l10n.t('Open Chapter'),
        { id: 'open-chapter', secondary: true },
        () => void actions.openChapter(),
      ),
    };
    this.exportButtons = EXPORT_TARGETS.map((t) =>
      button(EXPORT_LABELS[t](), { id: `export-${t}`, secondary: true }, () => void actions.exportStory(t)),
    );
    this.refineField = h('vscode-textfield', { id: 'refine', placeholder: l10n.t('e.g. Make the ending happier') });
    const refineAttrs = { id: 'refine-button', secondary: true, title: l10n.t('Refine (Ctrl+Enter)') };
    this.refineButton = button(l10n.t('Refine'), refineAttrs, () => this.refine());
    this.refineBox = h(
      'div',
      { class: 'refine' },
      h('vscode-label', { for: 'refine' }, l10n.t('Refine with an instruction')),
      h('div', { class: 'refine-row' }, this.refineField, this.refineButton),
    );
    this.build();
    this.wire();
  }

  private build(): void {
    const toolbar = (label: string, ...items: HTMLElement[]): HTMLElement =>
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': label }, ...items);
    const { stop, continue: more, regenerate, openChapter } = this.buttons;
    this.origin.append(this.originLabel, openChapter);
    this.element.append(
      h('div', { class: 'story-head' }, this.title, toolbar(l10n.t('Story actions'), stop, more, regenerate)),
      this.origin,
      this.meta,
      this.status,
      this.errorBox,
      this.text,
      this.refineBox,
      toolbar(l10n.t('Export'), ...this.exportButtons),
    );
  }

  private wire(): void {
    this.refineField.addEventListener('input', () => {
      const draft = { ...this.store.state.draft, refineInstruction: this.refineField.value };
      this.store.patch({ draft });
      this.actions.saveSoon();
    });
    // Links in the story never navigate the webview: the host opens safe ones outside.
    const onLink = (e: MouseEvent): void => {
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || !this.text.contains(a)) return;
      e.preventDefault();
      const href = a.getAttribute('href');
      if (e.type === 'click' && href && isSafeLink(href)) this.actions.openLink(href);
    };
    this.text.addEventListener('click', onLink);
    this.text.addEventListener('auxclick', onLink);
  }

  /** Refine (the button or Ctrl+Enter in its field). */
  refine(): void {
    const instruction = this.refineField.value.trim();
    if (instruction && canRefine(this.store.state, this.hasText, this.renderer.text)) this.actions.refine(instruction);
  }

  /** Where the focus goes when a button it was on disables itself: Stop, then Continue. */
  focusTargets(): HTMLElement[] {
    return [this.buttons.stop, this.buttons.continue];
  }

  /** The story itself, when no button can take the focus. */
  focusFallback(): HTMLElement {
    return this.text;
  }

  get hasText(): boolean {
    return this.renderer.hasText;
  }

  /** Replaces the text (opening a story, starting a new one); empty clears it. */
  resetText(text?: string): void {
    this.renderer.reset(text);
  }

  append(text: string): void {
    this.renderer.append(text);
  }

  /** Renders what is pending; only then is the story no longer busy. */
  finish(): void {
    this.renderer.finish(() => this.setBusy(false));
  }

  setBusy(busy: boolean): void {
    this.text.setAttribute('aria-busy', String(busy));
  }

  fillRefine(instruction: string): void {
    this.refineField.value = instruction;
  }

  render(s: PanelState): void {
    const last = this.last;
    this.last = s;
    if (s.shown !== last?.shown || s.models !== last?.models) {
      this.title.textContent = s.shown?.title ?? l10n.t('Story');
      this.meta.textContent = s.shown ? storyMeta(s, s.shown) : '';
    }
    if (s.shown?.origin !== last?.shown?.origin) this.renderOrigin(s);
    if (s.status !== last?.status) this.status.textContent = s.status;
    if (s.error !== last?.error) this.renderError(s.error);
    // The text matters only for a budget's Continue and Refine; not read while it streams.
    const text = s.budget && !isStreaming(s) ? this.renderer.text : '';
    const on = enabled(s, this.hasText, text);
    this.buttons.stop.disabled = !on.stop;
    this.buttons.continue.disabled = !on.continue;
    this.buttons.regenerate.disabled = !on.regenerate;
    const hold = (b: HTMLElement, until: number | undefined): void => {
      const title = until !== undefined ? refusedUntil(until) : '';
      if (b.title !== title) b.title = title;
    };
    hold(this.buttons.continue, continueHeldUntil(s, text));
    hold(this.buttons.regenerate, storyHeldUntil(s));
    hold(this.refineButton, refineHeldUntil(s, text));
    this.refineButton.disabled = !on.refine;
    for (const b of this.exportButtons) b.disabled = !on.export;
    this.element.dataset.status = s.shown?.status ?? 'empty';
  }

  /** A story project's entry (#26): its project and chapter, Open Chapter, and none of the panel's own steps. */
  private renderOrigin(s: PanelState): void {
    const origin = s.shown?.origin;
    this.origin.hidden = origin === undefined;
    this.originLabel.textContent = origin ? originLabel(origin) : '';
    // Nothing of it streams here, so no Stop either.
    this.buttons.stop.hidden = origin !== undefined;
    this.buttons.continue.hidden = origin !== undefined;
    this.buttons.regenerate.hidden = origin !== undefined;
    this.refineBox.hidden = origin !== undefined;
  }

  private renderError(error: ErrorNote | undefined): void {
    this.errorBox.hidden = error === undefined;
    if (!error) return this.errorBox.replaceChildren();
    const { actions, storyId } = error;
    const buttons = actions.map((a) =>
      button(ERROR_LABELS[a](), { 'data-action': a, secondary: a !== actions[0] }, () =>
        this.actions.takePanelAction(a, storyId),
      ),
    );
    const toolbar = buttons.length ? [h('div', { class: 'toolbar' }, ...buttons)] : [];
    this.errorBox.replaceChildren(h('p', { class: 'error-message' }, error.message), ...toolbar);
  }
}

function newStats(): RenderStats {
  return {
    deltas: 0,
    flushes: 0,
    chars: 0,
    committedChunks: 0,
    tailRenders: 0,
    maxFlushMs: 0,
    totalFlushMs: 0,
    slowFlushes: 0,
  };
}

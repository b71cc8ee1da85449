// The story panel's entry: wires the host bridge, the state store, the actions and the parts of
// the panel (notices, form, story, history). The panel talks to the host only through HostBridge
// and the protocol, and builds its DOM with createElement/textContent (markdown via render.ts).
import * as l10n from '@vscode/l10n';
import { PROTOCOL_VERSION } from '../../src/core/story/protocol/messages';
import type { HostEvent } from '../../src/core/story/protocol/messages';
import { Actions } from './actions';
import { HostBridge } from './bridge';
import type { VsCodeApi } from './bridge';
import { Form } from './components/form';
import { h } from './components/dom';
import { HistoryPart } from './components/history';
import { Notices } from './components/notices';
import { StoryPart } from './components/story';
import { reduce } from './events';
import type { Effect } from './events';
import { initialState, isStreaming } from './state';
import { Store } from './store';

/** Longest setTimeout delay; a later reset is re-armed when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** When the budget resets, what it refused is offered again (if nothing lifted it sooner). */
function liftRefusalAt(store: Store, at: number): void {
  const wait = at - Date.now();
  setTimeout(
    () => {
      if (store.state.refused?.until !== at) return;
      if (Date.now() < at) liftRefusalAt(store, at);
      else store.patch({ refused: undefined });
    },
    Math.min(Math.max(0, wait), MAX_DELAY_MS),
  );
}

function start(api: VsCodeApi, root: HTMLElement): void {
  const bridge = new HostBridge(api, { onEvent: (e) => onEvent(e) });
  const store = new Store(initialState(bridge.getState()));
  const actions: Actions = new Actions(store, bridge, {
    hasText: (): boolean => story.hasText,
    focusModel: (): void => form.focusModel(),
  });
  const notices = new Notices(actions);
  const form = new Form(store, actions);
  const story = new StoryPart(store, actions);
  const history = new HistoryPart(store, bridge, actions);

  function onEvent(e: HostEvent): void {
    // While a search or more pages are on show, the pager asks for those again.
    if (e.type === 'history' && !history.pager.take(e.data)) return;
    store.commit(reduce(store.state, e));
  }

  function applyEffects(effects: readonly Effect[]): void {
    let save = false;
    for (const fx of effects) {
      switch (fx.kind) {
        case 'resetText':
          story.resetText(fx.text);
          break;
        case 'append':
          story.append(fx.text);
          break;
        case 'finish':
          story.finish();
          break;
        case 'busy':
          story.setBusy(fx.busy);
          break;
        case 'open':
          void actions.openStory(fx.id, false, fx.quiet);
          break;
        case 'fillForm':
          form.fill(store.state.draft, fx.clear);
          story.fillRefine(store.state.draft.refineInstruction);
          break;
        case 'models':
          form.setModels(store.state.models, fx.value);
          break;
        case 'liftRefusal':
          liftRefusalAt(store, fx.at);
          break;
        case 'save':
          save = true; // Once, with the final state.
          break;
      }
    }
    if (save) actions.save();
  }

  const keepFocus = focusKeeper(
    () => [...story.focusTargets(), form.generate],
    () => story.focusFallback(),
  );
  store.connect(
    applyEffects,
    (s) => notices.render(s),
    (s) => form.render(s),
    (s) => story.render(s),
    (s) => history.render(s),
    (s) => keepFocus(!s.busy && !isStreaming(s)),
  );
  root.append(notices.header, notices.notice, columns(form, story, history));
  form.fill(store.state.draft, false);
  story.fillRefine(store.state.draft.refineInstruction);
  wireWindow(store, actions, form, story, bridge);
  store.render();
  bridge.emit('ready', { protocolVersion: PROTOCOL_VERSION });
}

/** DOM (and so Tab) order: form, story, history; the grid puts history under the form when wide. */
function columns(form: Form, story: StoryPart, history: HistoryPart): HTMLElement {
  return h(
    'div',
    { class: 'columns' },
    h('div', { class: 'area-form' }, form.element),
    h('div', { class: 'area-story' }, story.element),
    h('div', { class: 'area-history' }, history.element),
  );
}

/**
 * A button that disables itself (Generate starts a story, Stop ends it) hands the focus to the
 * first of `targets` that can take it, so the focus never drops to <body> (#24). While a story is
 * being asked for and nothing can take it yet, it waits on `fallback` (the story) for Stop.
 */
function focusKeeper(targets: () => readonly HTMLElement[], fallback: () => HTMLElement): (settled: boolean) => void {
  let focused: HTMLElement | undefined;
  let owed = false;
  let moving = false;
  document.addEventListener('focusin', (e) => {
    focused = e.target as HTMLElement;
    if (!moving) owed = false; // The person moved it: theirs to keep.
  });
  const usable = (el: HTMLElement): boolean => el.isConnected && !(el as { disabled?: boolean }).disabled;
  // A button enabled in this render takes the focus once it has updated (Lit renders in a microtask).
  const move = (el: HTMLElement): void => {
    const updated = (el as { updateComplete?: Promise<unknown> }).updateComplete ?? Promise.resolve();
    void updated.then(() => {
      const active = document.activeElement;
      if (active !== null && active !== document.body && active !== focused) return;
      moving = true;
      el.focus();
      moving = false;
    });
  };
  return (settled) => {
    const active = document.activeElement;
    const dropped = active === null || active === document.body;
    if (focused && !usable(focused) && (dropped || active === focused)) owed = true;
    if (!owed) return;
    const next = targets().find((el) => el !== focused && usable(el));
    if (next) {
      move(next);
      owed = false;
    } else if (dropped) move(fallback());
    if (settled) owed = false;
  };
}

/** Keys, saving when the page goes away, and script errors for the host's log. */
function wireWindow(store: Store, actions: Actions, form: Form, story: StoryPart, bridge: HostBridge): void {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (e.composedPath().includes(story.refineField)) story.refine();
      else form.submit();
    } else if (e.key === 'Escape' && store.state.shown?.status === 'streaming') {
      if (document.querySelector('vscode-single-select[open]')) return;
      e.preventDefault();
      void actions.stop();
    }
  });
  window.addEventListener('pagehide', () => actions.save());
  window.addEventListener('error', (e) =>
    bridge.emit('log', { level: 'error', message: String(e.message).slice(0, 500) }),
  );
}

/** The host's translations (`vscode.l10n.bundle`), if VS Code has any for its display language. */
function useTranslations(root: HTMLElement): void {
  if (!root.dataset.l10n) return;
  try {
    l10n.config({ contents: JSON.parse(root.dataset.l10n) as Record<string, string> });
  } catch {
    // A bad bundle leaves the English sentences; the panel works the same.
  }
}

const app = document.getElementById('app');
if (app) {
  useTranslations(app);
  start(acquireVsCodeApi(), app);
}

// The story panel: form, streaming story, actions, history. Talks to the host only through
// HostBridge and the protocol; builds its DOM with createElement/textContent (never innerHTML,
// except markdown that went through render.ts).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import {
  AUDIENCES,
  EMPTY_DRAFT,
  ERROR_ACTIONS,
  LENGTHS,
  LIMITS,
  PROTOCOL_VERSION,
  isSafeLink,
  validateControls,
} from '../../src/core/story/protocol';
import type {
  AuthState,
  Cost,
  ErrorAction,
  ExportTarget,
  HistoryItem,
  HostEvent,
  HostEvents,
  ModelInfo,
  ParamsOf,
  ResultOf,
  StoryControls,
  StoryDraft,
  StoryRecord,
  StoryStatus,
  Usage,
  WebviewState,
} from '../../src/core/story/protocol';
import { titleFromPremise } from '../../src/core/story/prompt';
import { HostBridge, HostError } from './bridge';
import { HistoryPager } from './history';
import type { VsCodeApi } from './bridge';
import { StoryRenderer, createMarkdown } from './render';
import type { RenderStats } from './render';

declare global {
  interface Window {
    /** Set by tests and the benchmark before the script runs to get render counters. */
    __storytellerCollectStats?: boolean;
    __storytellerStats?: RenderStats;
  }
}

type Field = 'premise' | 'genre' | 'audience' | 'tone' | 'length' | 'temperature' | 'characters' | 'setting';
type TextControl = VscodeTextfield | VscodeTextarea;
/** Requests that start a stream; 'retry' re-sends the last one. */
type StoryAction =
  | { method: 'generate'; params: ParamsOf<'generate'> }
  | { method: 'continue' | 'regenerate'; params: ParamsOf<'continue'> }
  | { method: 'refine'; params: ParamsOf<'refine'> };

interface Shown {
  id: string;
  title: string;
  modelId: string;
  status: StoryStatus;
  usage: Usage | null;
  cost: Cost | null;
  stopReason: string;
  /** Being written in another VS Code window: shown, but not continued, stopped or deleted here. */
  elsewhere?: boolean;
}

const ELSEWHERE_STATUS = 'This story is being written in another VS Code window. It updates here when it ends there.';

// ───────────────────────────── DOM helpers ─────────────────────────────

type Attrs = Record<string, string | boolean | undefined>;
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) el.setAttribute(k, '');
    else if (typeof v === 'string') el.setAttribute(k, v);
  }
  el.append(...children);
  return el;
}

function button(label: string, attrs: Attrs, onClick: () => void): VscodeButton {
  const b = h('vscode-button', attrs, label);
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

const numberFormat = new Intl.NumberFormat('en');
function formatCost(cost: Cost | null): string {
  if (!cost) return '';
  const f = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: cost.currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: cost.amount < 1 ? 4 : 2,
  });
  return `≈ ${f.format(cost.amount)} (estimate)`;
}

// ───────────────────────────── The app ─────────────────────────────

class StoryApp {
  private readonly bridge: HostBridge;
  private readonly renderer: StoryRenderer;
  private auth: AuthState | undefined;
  private models: readonly ModelInfo[] = [];
  private defaultModelId = '';
  private history: readonly HistoryItem[] = [];
  private shown: Shown | undefined;
  private lastAction: StoryAction | undefined;
  private draft: StoryDraft;
  /** The email of the user whose draft, story and history are on show; another user's are cleared. */
  private owner: string | undefined;
  /** The story saved with the state, opened once the host says the same user is signed in. */
  private savedStoryId: string | undefined;
  /** Started without saved state and nothing typed yet: the host's memory of a closed panel may fill it. */
  private fresh: boolean;
  private triedSubmit = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private busy = false;

  // Elements
  private readonly authLine = h('div', { class: 'auth-line', role: 'status', 'aria-live': 'polite' });
  private readonly usageLine = h('div', { class: 'usage-line' });
  private readonly notice = h('div', { class: 'notice', hidden: true });
  private readonly fields: Record<Exclude<Field, 'audience' | 'length'>, TextControl>;
  private readonly selects: { audience: VscodeSingleSelect; length: VscodeSingleSelect; model: VscodeSingleSelect };
  private readonly fieldErrors = new Map<Field | 'model', HTMLElement>();
  private readonly premiseCount = h('span', { class: 'counter', id: 'premise-count' });
  private readonly formAlert = h('div', { class: 'form-alert', role: 'alert' });
  private readonly generateButton: VscodeButton;
  private readonly storySection = h('section', { class: 'story-section', 'aria-labelledby': 'story-title' });
  private readonly storyTitle = h('h2', { id: 'story-title' }, 'Story');
  private readonly storyMeta = h('div', { class: 'story-meta', id: 'story-meta' });
  private readonly storyStatus = h('div', {
    class: 'story-status',
    id: 'story-status',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly errorBox = h('div', { class: 'error-box', id: 'story-error', role: 'alert', hidden: true });
  private readonly storyEl = h('article', {
    class: 'story',
    id: 'story',
    'aria-labelledby': 'story-title',
    'aria-busy': 'false',
    tabindex: '0',
  });
  private readonly actionButtons: Record<'stop' | 'continue' | 'regenerate', VscodeButton>;
  private readonly exportButtons: Record<ExportTarget, VscodeButton>;
  private readonly refineField: VscodeTextfield;
  private readonly refineButton: VscodeButton;
  private readonly historyList = h('ul', { class: 'history-list', id: 'history-list' });
  private readonly historyEmpty = h('p', { class: 'muted' }, 'No stories yet.');
  private readonly historyOmitted = h('p', { class: 'muted history-omitted', id: 'history-omitted', hidden: true });
  private historyOmittedCount = 0;
  /** Search and Show more: which page of the host's history is listed. */
  private readonly historyPager: HistoryPager;

  constructor(
    api: VsCodeApi,
    private readonly root: HTMLElement,
  ) {
    this.bridge = new HostBridge(api, { onEvent: (e) => this.onEvent(e) });
    const stats = window.__storytellerCollectStats === true ? newStats() : undefined;
    if (stats) window.__storytellerStats = stats;
    this.renderer = new StoryRenderer(this.storyEl, createMarkdown(), stats);
    this.historyPager = new HistoryPager(
      (query) => this.bridge.request('history.list', query),
      (page) => {
        this.history = page.items;
        this.historyOmittedCount = page.omitted ?? 0;
        this.renderHistory();
        // A search that matches nothing says so below the list.
        if (this.historyPager.searching) this.historyEmpty.hidden = true;
      },
    );
    const saved = this.bridge.getState();
    this.draft = saved?.draft ?? EMPTY_DRAFT;
    this.owner = saved?.owner;
    this.savedStoryId = saved?.storyId;
    this.fresh = saved === undefined;

    this.fields = {
      premise: h('vscode-textarea', {
        id: 'premise',
        rows: '4',
        resize: 'vertical',
        placeholder: 'A lighthouse keeper finds a message in a bottle…',
        'data-field': 'premise',
      }),
      genre: h('vscode-textfield', { id: 'genre', placeholder: 'fantasy', 'data-field': 'genre' }),
      tone: h('vscode-textfield', { id: 'tone', placeholder: 'whimsical', 'data-field': 'tone' }),
      temperature: h('vscode-textfield', {
        id: 'temperature',
        type: 'number',
        min: '0',
        max: '1',
        step: '0.1',
        'data-field': 'temperature',
      }),
      characters: h('vscode-textarea', {
        id: 'characters',
        rows: '2',
        resize: 'vertical',
        placeholder: 'Mara, the keeper; Gull, a talkative bird',
        'data-field': 'characters',
      }),
      setting: h('vscode-textarea', {
        id: 'setting',
        rows: '2',
        resize: 'vertical',
        placeholder: 'A rocky island, late autumn',
        'data-field': 'setting',
      }),
    };
    this.selects = {
      audience: select(
        'audience',
        AUDIENCES.map((a) => ({ value: a, label: a[0]!.toUpperCase() + a.slice(1) })),
      ),
      length: select(
        'length',
        LENGTHS.map((l) => ({ value: l, label: l[0]!.toUpperCase() + l.slice(1) })),
      ),
      model: select('model', []),
    };
    this.generateButton = button(
      'Generate',
      { id: 'generate', title: 'Generate (Ctrl+Enter)' },
      () => void this.generate(),
    );
    this.actionButtons = {
      stop: button('Stop', { id: 'stop', secondary: true, title: 'Stop (Escape)' }, () => void this.stop()),
      continue: button('Continue', { id: 'continue', secondary: true }, () => void this.storyAction('continue')),
      regenerate: button(
        'Regenerate',
        { id: 'regenerate', secondary: true },
        () => void this.storyAction('regenerate'),
      ),
    };
    const exportLabels: Record<ExportTarget, string> = {
      editor: 'Open in editor',
      file: 'Save…',
      insert: 'Insert at cursor',
      copy: 'Copy',
    };
    this.exportButtons = Object.fromEntries(
      (Object.keys(exportLabels) as ExportTarget[]).map((t) => [
        t,
        button(exportLabels[t], { id: `export-${t}`, secondary: true }, () => void this.exportStory(t)),
      ]),
    ) as Record<ExportTarget, VscodeButton>;
    this.refineField = h('vscode-textfield', { id: 'refine', placeholder: 'e.g. Make the ending happier' });
    this.refineButton = button(
      'Refine',
      { id: 'refine-button', secondary: true, title: 'Refine (Ctrl+Enter)' },
      () => void this.refine(),
    );

    this.build();
    this.fillForm(this.draft);
    this.wire();
    this.update();
    this.bridge.emit('ready', { protocolVersion: PROTOCOL_VERSION });
  }

  // ───────────── Layout ─────────────

  private build(): void {
    const field = (id: Field | 'model', label: string, control: HTMLElement, extra?: HTMLElement): HTMLElement => {
      const error = h('div', { class: 'field-error', id: `${id}-error` });
      this.fieldErrors.set(id, error);
      const labelEl = h('vscode-label', { for: id }, label);
      return h(
        'div',
        { class: `field field-${id}` },
        h('div', { class: 'label-row' }, labelEl, ...(extra ? [extra] : [])),
        control,
        error,
      );
    };
    const header = h('header', { class: 'top' }, this.authLine, this.usageLine);
    const form = h(
      'form',
      { class: 'story-form', id: 'story-form', novalidate: true, 'aria-labelledby': 'form-title' },
      h('h2', { id: 'form-title' }, 'New story'),
      field('premise', 'Premise', this.fields.premise, this.premiseCount),
      h('div', { class: 'row' }, field('genre', 'Genre', this.fields.genre), field('tone', 'Tone', this.fields.tone)),
      h(
        'div',
        { class: 'row' },
        field('audience', 'Audience', this.selects.audience),
        field('length', 'Length', this.selects.length),
      ),
      h(
        'div',
        { class: 'row' },
        field('temperature', 'Temperature (0–1)', this.fields.temperature),
        field('model', 'Model', this.selects.model),
      ),
      h(
        'details',
        { class: 'more' },
        h('summary', {}, 'Characters and setting (optional)'),
        field('characters', 'Characters', this.fields.characters),
        field('setting', 'Setting', this.fields.setting),
      ),
      this.formAlert,
      h(
        'div',
        { class: 'form-actions' },
        this.generateButton,
        h('span', { class: 'muted hint' }, 'Ctrl+Enter to generate, Escape to stop'),
      ),
    );

    const toolbar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Story actions' },
      this.actionButtons.stop,
      this.actionButtons.continue,
      this.actionButtons.regenerate,
    );
    const exportBar = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Export' },
      ...Object.values(this.exportButtons),
    );
    const refine = h(
      'div',
      { class: 'refine' },
      h('vscode-label', { for: 'refine' }, 'Refine with an instruction'),
      h('div', { class: 'refine-row' }, this.refineField, this.refineButton),
    );
    this.storySection.append(
      h('div', { class: 'story-head' }, this.storyTitle, toolbar),
      this.storyMeta,
      this.storyStatus,
      this.errorBox,
      this.storyEl,
      refine,
      exportBar,
    );

    const history = h(
      'section',
      { class: 'history', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'History'),
      this.historyPager.search,
      this.historyEmpty,
      this.historyList,
      this.historyOmitted,
      this.historyPager.footer,
    );
    // DOM (and so Tab) order: form, story, history; the grid puts history under the form when wide.
    this.root.append(
      header,
      this.notice,
      h(
        'div',
        { class: 'columns' },
        h('div', { class: 'area-form' }, form),
        h('div', { class: 'area-story' }, this.storySection),
        h('div', { class: 'area-history' }, history),
      ),
    );
  }

  private wire(): void {
    const onEdit = (): void => {
      this.fresh = false;
      this.readDraft();
      if (this.triedSubmit) this.showErrors(false);
      this.updateCounter();
      this.saveSoon();
    };
    for (const el of Object.values(this.fields)) el.addEventListener('input', onEdit);
    for (const el of Object.values(this.selects)) el.addEventListener('change', onEdit);
    this.refineField.addEventListener('input', () => {
      this.readDraft();
      this.update();
      this.saveSoon();
    });
    document.getElementById('story-form')?.addEventListener('submit', (e) => e.preventDefault());
    document.addEventListener('keydown', (e) => this.onKey(e));
    // Links in the story never navigate the webview: the host opens safe ones outside.
    const onLink = (e: MouseEvent): void => {
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || !this.storyEl.contains(a)) return;
      e.preventDefault();
      const href = a.getAttribute('href');
      if (e.type === 'click' && href && isSafeLink(href)) void this.call('openLink', { url: href });
    };
    this.storyEl.addEventListener('click', onLink);
    this.storyEl.addEventListener('auxclick', onLink);
    window.addEventListener('pagehide', () => this.saveNow());
    window.addEventListener('error', (e) =>
      this.bridge.emit('log', { level: 'error', message: String(e.message).slice(0, 500) }),
    );
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      const inRefine = e.composedPath().includes(this.refineField);
      void (inRefine ? this.refine() : this.generate());
    } else if (e.key === 'Escape' && this.shown?.status === 'streaming') {
      if (document.querySelector('vscode-single-select[open]')) return;
      e.preventDefault();
      void this.stop();
    }
  }

  // ───────────── Draft ─────────────

  private fillForm(d: StoryDraft): void {
    this.fields.premise.value = d.premise;
    this.fields.genre.value = d.genre;
    this.fields.tone.value = d.tone;
    this.fields.temperature.value = d.temperature;
    this.fields.characters.value = d.characters;
    this.fields.setting.value = d.setting;
    this.selects.audience.value = (AUDIENCES as readonly string[]).includes(d.audience)
      ? d.audience
      : EMPTY_DRAFT.audience;
    this.selects.length.value = (LENGTHS as readonly string[]).includes(d.length) ? d.length : EMPTY_DRAFT.length;
    this.refineField.value = d.refineInstruction;
    this.updateCounter();
  }

  private readDraft(): void {
    this.draft = {
      premise: this.fields.premise.value,
      genre: this.fields.genre.value,
      audience: this.selects.audience.value,
      tone: this.fields.tone.value,
      length: this.selects.length.value,
      temperature: this.fields.temperature.value,
      characters: this.fields.characters.value,
      setting: this.fields.setting.value,
      modelId: this.selects.model.value || this.draft.modelId,
      refineInstruction: this.refineField.value,
    };
  }

  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.saveNow(), 150);
  }

  private saveNow(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const story = this.shown ? { storyId: this.shown.id } : {};
    const state: WebviewState = {
      version: 1,
      draft: this.draft,
      ...story,
      ...(this.owner ? { owner: this.owner } : {}),
    };
    this.bridge.setState(state);
    // The host keeps it too (in memory), for when this panel is closed and another opened.
    if (this.owner) this.bridge.emit('draft', { draft: this.draft, ...story });
  }

  private controlsFromDraft(): unknown {
    const d = this.draft;
    const t = d.temperature.trim();
    return {
      premise: d.premise,
      genre: d.genre,
      audience: d.audience,
      tone: d.tone,
      length: d.length,
      temperature: t === '' ? NaN : Number(t),
      ...(d.characters.trim() ? { characters: d.characters } : {}),
      ...(d.setting.trim() ? { setting: d.setting } : {}),
    };
  }

  private updateCounter(): void {
    const n = this.fields.premise.value.trim().length;
    this.premiseCount.textContent = `${numberFormat.format(n)} / ${numberFormat.format(LIMITS.premiseMax)}`;
    this.premiseCount.classList.toggle('over', n > LIMITS.premiseMax);
  }

  /** Shows inline errors; returns the valid controls or undefined. */
  private showErrors(focus: boolean): StoryControls | undefined {
    const result = validateControls(this.controlsFromDraft());
    const errors = new Map<string, string>();
    if (!result.ok) for (const e of result.errors) if (!errors.has(e.field)) errors.set(e.field, e.message);
    if (!this.draft.modelId && !this.selects.model.value) errors.set('model', 'Pick a model.');
    for (const [field, el] of this.fieldErrors) {
      const message = errors.get(field) ?? '';
      el.textContent = message;
      const control =
        field === 'model'
          ? this.selects.model
          : field === 'audience' || field === 'length'
            ? this.selects[field]
            : this.fields[field];
      control.invalid = message !== '';
      control.toggleAttribute('aria-invalid', message !== '');
    }
    this.formAlert.textContent = errors.size
      ? `Please fix ${errors.size === 1 ? 'one problem' : `${errors.size} problems`}: ${[...errors.values()].join(' ')}`
      : '';
    if (focus && errors.size) {
      const first = [...this.fieldErrors.keys()].find((f) => errors.has(f));
      if (first === 'characters' || first === 'setting')
        (this.root.querySelector('details.more') as HTMLDetailsElement).open = true;
      const el =
        first === 'model'
          ? this.selects.model
          : first === 'audience' || first === 'length'
            ? this.selects[first]
            : first
              ? this.fields[first]
              : undefined;
      el?.focus();
    }
    return result.ok && errors.size === 0 ? result.value : undefined;
  }

  // ───────────── Actions ─────────────

  private get signedIn(): boolean {
    return this.auth?.status === 'signedIn';
  }

  private get streaming(): boolean {
    return this.shown?.status === 'streaming' && !this.shown.elsewhere;
  }

  private async generate(): Promise<void> {
    if (this.generateButton.disabled) return;
    this.triedSubmit = true;
    this.readDraft();
    const controls = this.showErrors(true);
    if (!controls) return;
    const modelId = this.selects.model.value || this.draft.modelId;
    await this.startStory({ method: 'generate', params: { controls, modelId } });
  }

  private async storyAction(method: 'continue' | 'regenerate'): Promise<void> {
    if (!this.shown) return;
    await this.startStory({ method, params: { storyId: this.shown.id } });
  }

  private async refine(): Promise<void> {
    const instruction = this.refineField.value.trim();
    if (!this.shown || !instruction || this.refineButton.disabled) return;
    await this.startStory({ method: 'refine', params: { storyId: this.shown.id, instruction } });
  }

  private async startStory(action: StoryAction): Promise<void> {
    this.lastAction = action;
    this.hideError();
    this.busy = true;
    this.update();
    try {
      // The stream itself arrives as story.* events; the reply only acknowledges.
      if (action.method === 'generate') await this.bridge.request('generate', action.params);
      else if (action.method === 'refine') await this.bridge.request('refine', action.params);
      else await this.bridge.request(action.method, action.params);
    } catch (e) {
      // A refusal before any story exists names the button that fixes it (e.g. signIn).
      // Only a named action helps: a story that is gone or busy is not fixed by asking again.
      const code = e instanceof HostError ? e.code : undefined;
      this.showError(errorMessage(e), isErrorAction(code) ? [code] : []);
    } finally {
      this.busy = false;
      this.update();
    }
  }

  private async stop(): Promise<void> {
    if (!this.shown || !this.streaming) return;
    await this.call('stop', { storyId: this.shown.id });
  }

  private async exportStory(target: ExportTarget): Promise<void> {
    if (!this.shown) return;
    this.say('');
    const r = await this.call('export', { id: this.shown.id, target });
    if (r?.exported)
      this.say(
        {
          editor: 'Opened in a new editor.',
          file: 'Saved.',
          insert: 'Inserted at the cursor.',
          copy: 'Copied to the clipboard.',
        }[target],
      );
  }

  /** `quiet`: the story saved with the state or a closed panel's; if it is gone, nothing is said. */
  private async openStory(id: string, announce: boolean, quiet = false): Promise<void> {
    if (announce) this.say('');
    let r: ResultOf<'history.open'> | undefined;
    if (quiet) r = await this.bridge.request('history.open', { id }).catch(() => undefined);
    else r = await this.call('history.open', { id });
    if (r) this.showStory(r.story, announce);
    else if (this.shown === undefined) this.saveNow();
  }

  private async deleteStory(item: HistoryItem): Promise<void> {
    this.say('');
    this.hideError();
    const r = await this.call('history.delete', { id: item.id });
    if (!r?.deleted) return;
    if (this.shown?.id === item.id) {
      this.clearStory();
      this.saveNow();
      this.update();
    }
    this.say(`Deleted “${item.title || 'Untitled story'}”.`);
  }

  /** The status line belongs to the last action: each action replaces it. */
  private say(text: string): void {
    this.storyStatus.textContent = text;
  }

  private clearStory(): void {
    this.shown = undefined;
    this.renderer.reset();
    this.storyEl.setAttribute('aria-busy', 'false');
    this.storyTitle.textContent = 'Story';
    this.storyMeta.textContent = '';
    this.say('');
    this.hideError();
  }

  /**
   * Another user signed in, or this one signed out: nothing of theirs stays on screen or in the
   * saved state (story, usage, history, draft, notices, errors).
   */
  private clearUser(): void {
    this.clearStory();
    this.lastAction = undefined;
    this.savedStoryId = undefined;
    this.usageLine.textContent = '';
    this.history = [];
    this.historyOmittedCount = 0;
    this.renderHistory();
    this.draft = { ...EMPTY_DRAFT, modelId: this.draft.modelId };
    this.triedSubmit = false;
    this.fillForm(this.draft);
    for (const [field, el] of this.fieldErrors) {
      el.textContent = '';
      const control =
        field === 'model'
          ? this.selects.model
          : field === 'audience' || field === 'length'
            ? this.selects[field]
            : this.fields[field];
      control.invalid = false;
      control.removeAttribute('aria-invalid');
    }
    this.formAlert.textContent = '';
    this.saveNow();
  }

  /** A request whose failure is shown in the error box; undefined on failure. */
  private async call<
    M extends 'stop' | 'export' | 'history.open' | 'history.delete' | 'signIn' | 'openSettings' | 'openLink',
  >(method: M, params: ParamsOf<M>): Promise<ResultOf<M> | undefined> {
    try {
      return await this.bridge.request(method, params);
    } catch (e) {
      this.showError(errorMessage(e), []);
      return undefined;
    }
  }

  private runErrorAction(action: ErrorAction, storyId: string | undefined): void {
    switch (action) {
      case 'retry':
        if (this.lastAction) void this.startStory(this.lastAction);
        break;
      case 'continue': {
        const id = storyId ?? this.shown?.id;
        if (id) void this.startStory({ method: 'continue', params: { storyId: id } });
        break;
      }
      case 'signIn':
        void this.call('signIn', {});
        break;
      case 'openSettings':
        void this.call('openSettings', {});
        break;
      case 'pickModel':
        this.selects.model.focus();
        break;
    }
  }

  // ───────────── Host events ─────────────

  private onEvent(e: HostEvent): void {
    switch (e.type) {
      case 'state':
        return this.onState(e.data);
      case 'story.started':
        return this.onStarted(e.data);
      case 'story.delta':
        if (this.shown?.id === e.data.storyId && this.streaming) this.renderer.append(e.data.text);
        return;
      case 'story.done':
        return this.onEnded(e.data.storyId, 'done', e.data.usage, e.data.cost, e.data.stopReason);
      case 'story.stopped':
        return this.onEnded(e.data.storyId, 'stopped', e.data.usage ?? null, e.data.cost ?? null, '');
      case 'story.error':
        return this.onError(e.data);
      case 'history': {
        // While a search or more pages are on show, the pager asks for those again.
        if (!this.historyPager.take(e.data)) return;
        this.history = e.data.items;
        this.historyOmittedCount = e.data.omitted ?? 0;
        // The other window finished the story on screen: show how it ended.
        const shown = this.shown;
        if (shown?.elsewhere && !this.history.some((i) => i.id === shown.id && i.elsewhere))
          void this.openStory(shown.id, false);
        return this.renderHistory();
      }
      case 'story.opened':
        return this.showStory(e.data.story, true);
      case 'restore': {
        // A new panel for the same user: the form and story of the one that was closed.
        if (!this.fresh) return;
        this.fresh = false;
        this.draft = e.data.draft;
        this.fillForm(this.draft);
        this.renderModels();
        if (e.data.storyId && !this.shown) void this.openStory(e.data.storyId, false, true);
        this.saveNow();
        return;
      }
      case 'usage.today': {
        const u = e.data;
        this.usageLine.textContent = `Today: ${numberFormat.format(u.inputTokens + u.outputTokens)} total tokens${u.cost ? ` · ${formatCost(u.cost)}` : ''}`;
        return;
      }
    }
  }

  private onState(s: HostEvents['state']): void {
    const was = this.auth?.status;
    this.auth = s.auth;
    this.followUser(s.auth);
    if (was !== undefined && was !== s.auth.status) this.say('');
    this.models = s.models;
    this.defaultModelId = s.defaultModelId;
    const a = s.auth;
    this.authLine.textContent = {
      signedIn: () => `Signed in as ${(a as { email: string }).email}`,
      offline: () => 'Offline',
      signedOut: () => 'Signed out',
      sessionExpired: () => 'Session expired',
      unconfigured: () => 'Not configured',
    }[a.status]();
    this.renderNotice(a);
    this.renderModels();
    this.update();
  }

  /** Clears what belonged to another user; opens the saved story once its owner is signed in. */
  private followUser(a: AuthState): void {
    const email = a.status === 'signedIn' || a.status === 'offline' ? a.email : undefined;
    if (
      a.status === 'signedOut' ||
      a.status === 'unconfigured' ||
      (email !== undefined && this.owner !== undefined && email !== this.owner)
    ) {
      const hadSome = this.owner !== undefined || this.shown !== undefined || this.history.length > 0;
      this.owner = undefined;
      if (hadSome) this.clearUser();
    } else if (a.status === 'sessionExpired') {
      // The same person may sign in again: their draft waits (another user's sign-in clears it), the rest goes.
      this.clearStory();
      this.savedStoryId = undefined;
      this.usageLine.textContent = '';
      this.history = [];
      this.renderHistory();
    }
    if (email !== undefined && this.owner === undefined) {
      this.owner = email;
      this.saveNow();
    }
    if (email !== undefined && this.savedStoryId) {
      const id = this.savedStoryId;
      this.savedStoryId = undefined;
      if (!this.shown) void this.openStory(id, false, true);
    }
  }

  private renderNotice(a: AuthState): void {
    const notice = (text: string, ...buttons: HTMLElement[]): void => {
      this.notice.replaceChildren(h('p', {}, text), ...buttons);
      this.notice.hidden = false;
      this.notice.dataset.status = a.status;
    };
    switch (a.status) {
      case 'signedIn':
        this.notice.hidden = true;
        this.notice.replaceChildren();
        return;
      case 'signedOut':
        return notice(
          'Sign in to write stories.',
          button('Sign in', { id: 'notice-sign-in' }, () => void this.call('signIn', {})),
        );
      case 'sessionExpired':
        return notice(
          'Your session has expired. Sign in again to keep writing.',
          button('Sign in', { id: 'notice-sign-in' }, () => void this.call('signIn', {})),
        );
      case 'offline':
        return notice("You're offline. Storyteller reconnects by itself; your draft and history are kept.");
      case 'unconfigured':
        return notice(
          'Storyteller is not configured yet: set your Cognito and Bedrock settings first.',
          button('Open settings', { id: 'notice-settings' }, () => void this.call('openSettings', {})),
        );
    }
  }

  private renderModels(): void {
    const wanted = this.draft.modelId || this.defaultModelId;
    const options = this.models.map((m) => h('vscode-option', { value: m.id, description: m.provider }, m.name));
    this.selects.model.replaceChildren(...options);
    const value = this.models.some((m) => m.id === wanted) ? wanted : (this.models[0]?.id ?? '');
    // The select reads its options after a slot change; set the value once it has them.
    queueMicrotask(() => {
      this.selects.model.value = value;
    });
    if (value) this.draft = { ...this.draft, modelId: value };
  }

  private onStarted(d: HostEvents['story.started']): void {
    const keep = d.kind === 'continue' && this.shown?.id === d.storyId;
    if (!keep) this.renderer.reset();
    const title = keep && this.shown ? this.shown.title : titleFromPremise(d.controls.premise);
    this.shown = {
      id: d.storyId,
      title,
      modelId: d.modelId,
      status: 'streaming',
      usage: null,
      cost: null,
      stopReason: '',
    };
    this.hideError();
    this.storyTitle.textContent = title;
    this.storyMeta.textContent = this.modelName(d.modelId);
    this.storyStatus.textContent = {
      new: 'Writing the story…',
      continue: 'Continuing the story…',
      regenerate: 'Writing the story again…',
      refine: 'Refining the story…',
    }[d.kind];
    this.storyEl.setAttribute('aria-busy', 'true');
    this.saveNow();
    this.update();
  }

  private onEnded(
    storyId: string,
    status: 'done' | 'stopped',
    usage: Usage | null,
    cost: Cost | null,
    stopReason: string,
  ): void {
    const shown = this.shown;
    if (!shown || shown.id !== storyId) return;
    Object.assign(shown, { status, usage, cost, stopReason });
    this.renderer.finish(() => this.storyEl.setAttribute('aria-busy', 'false'));
    const reason =
      stopReason === 'max_tokens'
        ? ' It reached the length limit: Continue writes more.'
        : stopReason === 'content_filtered' || stopReason === 'guardrail_intervened'
          ? ' The model stopped for content reasons.'
          : '';
    this.storyStatus.textContent = status === 'done' ? `Story finished.${reason}` : 'Stopped. The text so far is kept.';
    this.renderMeta();
    this.update();
  }

  private onError(d: HostEvents['story.error']): void {
    if (d.storyId && this.shown?.id === d.storyId) {
      this.shown.status = 'failed';
      if (!d.partialKept) this.renderer.reset();
      this.renderer.finish(() => this.storyEl.setAttribute('aria-busy', 'false'));
      this.storyStatus.textContent = d.partialKept
        ? 'The story stopped early. The text so far is kept.'
        : 'The story failed.';
    } else if (d.storyId && this.shown?.id !== d.storyId) {
      return;
    }
    this.showError(
      d.message,
      d.actions.filter((a) => a !== 'continue' || d.partialKept),
      d.storyId,
    );
    this.update();
  }

  private showStory(story: StoryRecord, announce: boolean): void {
    const elsewhere = story.elsewhere === true;
    const wasElsewhere = this.shown?.id === story.id && this.shown.elsewhere === true;
    this.shown = {
      id: story.id,
      title: story.title,
      modelId: story.modelId,
      status: story.status,
      usage: story.usage,
      cost: story.cost,
      stopReason: '',
      elsewhere,
    };
    this.renderer.reset(story.text);
    this.storyEl.setAttribute('aria-busy', String(story.status === 'streaming' && !elsewhere));
    this.storyTitle.textContent = story.title || titleFromPremise(story.controls.premise);
    this.hideError();
    this.renderMeta();
    if (elsewhere) this.storyStatus.textContent = ELSEWHERE_STATUS;
    else if (wasElsewhere) this.storyStatus.textContent = 'The other window finished writing this story.';
    else if (announce) this.storyStatus.textContent = `Opened “${this.storyTitle.textContent}”.`;
    this.saveNow();
    this.update();
  }

  private renderMeta(): void {
    const s = this.shown;
    if (!s) return;
    const parts = [this.modelName(s.modelId)];
    if (s.usage) parts.push(tokensLabel(s.usage.totalTokens, s.usage.estimated === true));
    if (s.cost) parts.push(formatCost(s.cost));
    this.storyMeta.textContent = parts.join(' · ');
  }

  private renderHistory(): void {
    this.historyEmpty.hidden = this.history.length > 0;
    const omitted = this.historyOmittedCount;
    this.historyOmitted.hidden = omitted === 0;
    this.historyOmitted.textContent =
      omitted === 0
        ? ''
        : `${numberFormat.format(omitted)} older ${omitted === 1 ? 'story is' : 'stories are'} not listed here; they stay saved.`;
    const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    this.historyList.replaceChildren(
      ...this.history.map((item) => {
        const title = item.title || 'Untitled story';
        const open = h('button', { class: 'link-button history-open', type: 'button', 'data-id': item.id }, title);
        open.addEventListener('click', () => void this.openStory(item.id, true));
        const meta = h(
          'span',
          { class: 'muted history-meta' },
          [
            this.modelName(item.modelId),
            dateFormat.format(item.createdAt),
            historyTokens(item),
            item.elsewhere ? 'being written in another window' : item.status === 'done' ? '' : item.status,
          ]
            .filter(Boolean)
            .join(' · '),
        );
        const del = button(
          'Delete',
          { class: 'history-delete', secondary: true, 'aria-label': `Delete “${title}”`, 'data-id': item.id },
          () => void this.deleteStory(item),
        );
        del.disabled = item.status === 'streaming';
        return h(
          'li',
          { class: this.shown?.id === item.id ? 'current' : '' },
          h('div', { class: 'history-text' }, open, meta),
          del,
        );
      }),
    );
  }

  private showError(message: string, actions: readonly ErrorAction[], storyId?: string): void {
    const labels: Record<ErrorAction, string> = {
      retry: 'Retry',
      continue: 'Continue',
      signIn: 'Sign in',
      pickModel: 'Pick another model',
      openSettings: 'Open settings',
    };
    const usable = actions.filter((a) => a !== 'retry' || this.lastAction);
    this.errorBox.replaceChildren(
      h('p', { class: 'error-message' }, message),
      ...(usable.length
        ? [
            h(
              'div',
              { class: 'toolbar' },
              ...usable.map((a) =>
                button(labels[a], { 'data-action': a, secondary: a !== usable[0] }, () =>
                  this.runErrorAction(a, storyId),
                ),
              ),
            ),
          ]
        : []),
    );
    this.errorBox.hidden = false;
  }

  private hideError(): void {
    this.errorBox.hidden = true;
    this.errorBox.replaceChildren();
  }

  private modelName(id: string): string {
    return this.models.find((m) => m.id === id)?.name ?? id;
  }

  /** Enables exactly the buttons that make sense now. */
  private update(): void {
    const s = this.shown;
    const idle = !this.busy && !this.streaming;
    const canWrite = this.signedIn && idle;
    const hasText = this.renderer.hasText;
    this.generateButton.disabled = !canWrite || this.models.length === 0;
    this.actionButtons.stop.disabled = !this.streaming;
    this.actionButtons.continue.disabled = !canWrite || !s || !hasText || s.status === 'streaming';
    this.actionButtons.regenerate.disabled = !canWrite || !s || s.elsewhere === true;
    this.refineButton.disabled =
      !canWrite || !s || !hasText || s.elsewhere === true || this.refineField.value.trim() === '';
    for (const b of Object.values(this.exportButtons)) b.disabled = !s || !hasText || this.streaming;
    this.storySection.dataset.status = s?.status ?? 'empty';
    for (const b of this.historyList.querySelectorAll<VscodeButton>('.history-delete')) {
      const item = this.history.find((i) => i.id === b.dataset.id);
      b.disabled = item?.status === 'streaming' || (this.streaming && s?.id === b.dataset.id);
    }
    for (const li of this.historyList.children) {
      li.classList.toggle('current', (li.querySelector('.history-open') as HTMLElement | null)?.dataset.id === s?.id);
    }
  }
}

/** The one unit everywhere: total tokens, marked when estimated (a stream stopped before Bedrock counted). */
function tokensLabel(total: number, estimated: boolean): string {
  return estimated
    ? `≈ ${numberFormat.format(total)} total tokens (estimate)`
    : `${numberFormat.format(total)} total tokens`;
}

function historyTokens(item: HistoryItem): string {
  // Older hosts list output tokens only: say so rather than mix units.
  return item.totalTokens === undefined
    ? `${numberFormat.format(item.outputTokens)} output tokens`
    : tokensLabel(item.totalTokens, item.estimated === true);
}

function select(id: string, options: { value: string; label: string }[]): VscodeSingleSelect {
  return h(
    'vscode-single-select',
    { id, 'data-field': id },
    ...options.map((o) => h('vscode-option', { value: o.value }, o.label)),
  );
}

function isErrorAction(code: string | undefined): code is ErrorAction {
  return (ERROR_ACTIONS as readonly (string | undefined)[]).includes(code);
}

function errorMessage(e: unknown): string {
  return e instanceof HostError || e instanceof Error ? e.message : 'Something went wrong.';
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

const app = document.getElementById('app');
if (app) new StoryApp(acquireVsCodeApi(), app);

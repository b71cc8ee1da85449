// The New story form: the fields, their inline errors (live once Generate was tried), the
// premise counter, the model select and Generate.
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import * as l10n from '@vscode/l10n';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { AUDIENCES, LENGTHS } from '../../../src/core/story/protocol/controls';
import { LIMITS } from '../../../src/core/story/protocol/limits';
import type { StoryDraft } from '../../../src/core/story/protocol/webviewState';
import type { ModelInfo } from '../../../src/core/story/protocol/wire';
import type { Actions } from '../actions';
import { choiceLabel, numberFormat, refusedUntil, shortfallLine } from '../format';
import type { Choice } from '../format';
import { budgetShortfall, canGenerate, checkDraft, formAlert, generateRefused, shownChoices } from '../state';
import type { FormField, PanelState } from '../state';
import type { Store } from '../store';
import { button, h } from './dom';

type TextField = Exclude<FormField, 'audience' | 'length' | 'model'>;
type Control = VscodeTextfield | VscodeTextarea | VscodeSingleSelect;

export class Form {
  readonly element: HTMLFormElement;
  private readonly fields: Record<TextField, VscodeTextfield | VscodeTextarea>;
  private readonly selects: Record<'audience' | 'length' | 'model', VscodeSingleSelect>;
  /** In DOM order, so the first invalid one gets the focus. */
  private readonly errors = new Map<FormField, HTMLElement>();
  private readonly premiseCount = h('span', { class: 'counter', id: 'premise-count' });
  private readonly alert = h('div', { class: 'form-alert', role: 'alert' });
  /** Budget mode: why Generate waits (too few tokens left today for this length). */
  private readonly shortfall = h('div', { class: 'budget-shortfall', id: 'budget-shortfall', role: 'status' });
  private readonly more: HTMLDetailsElement;
  private readonly generateButton: VscodeButton;
  /** Generate was tried: errors follow each edit from then on. */
  private triedSubmit = false;

  constructor(
    private readonly store: Store,
    private readonly actions: Actions,
  ) {
    this.fields = textFields();
    this.selects = {
      audience: select('audience', AUDIENCES),
      length: select('length', LENGTHS),
      model: h('vscode-single-select', { id: 'model', 'data-field': 'model' }),
    };
    this.generateButton = button(l10n.t('Generate'), { id: 'generate', title: l10n.t('Generate (Ctrl+Enter)') }, () =>
      this.submit(),
    );
    this.more = h('details', { class: 'more' }, h('summary', {}, l10n.t('Characters and setting (optional)')));
    this.element = this.build();
    for (const el of Object.values(this.fields)) el.addEventListener('input', () => this.onEdit());
    for (const el of Object.values(this.selects)) el.addEventListener('change', () => this.onEdit());
    this.element.addEventListener('submit', (e) => e.preventDefault());
  }

  private build(): HTMLFormElement {
    const row = (...fields: HTMLElement[]): HTMLElement => h('div', { class: 'row' }, ...fields);
    // Fields in DOM order (this.errors keeps it).
    const premise = this.field('premise', l10n.t('Premise'), this.premiseCount);
    const rows = [
      row(this.field('genre', l10n.t('Genre')), this.field('tone', l10n.t('Tone'))),
      row(this.field('audience', l10n.t('Audience')), this.field('length', l10n.t('Length'))),
      row(this.field('temperature', l10n.t('Temperature (0–1)')), this.field('model', l10n.t('Model'))),
    ];
    this.more.append(this.field('characters', l10n.t('Characters')), this.field('setting', l10n.t('Setting')));
    return h(
      'form',
      { class: 'story-form', id: 'story-form', novalidate: true, 'aria-labelledby': 'form-title' },
      h('h2', { id: 'form-title' }, l10n.t('New story')),
      premise,
      ...rows,
      this.more,
      this.alert,
      h(
        'div',
        { class: 'form-actions' },
        this.generateButton,
        h('span', { class: 'muted hint' }, l10n.t('Ctrl+Enter to generate, Escape to stop')),
      ),
      this.shortfall,
    );
  }

  private field(id: FormField, label: string, extra?: HTMLElement): HTMLElement {
    const error = h('div', { class: 'field-error', id: `${id}-error` });
    this.errors.set(id, error);
    const labelRow = h('div', { class: 'label-row' }, h('vscode-label', { for: id }, label), ...(extra ? [extra] : []));
    return h('div', { class: `field field-${id}` }, labelRow, this.control(id), error);
  }

  private control(id: FormField): Control {
    return id === 'audience' || id === 'length' || id === 'model' ? this.selects[id] : this.fields[id];
  }

  render(s: PanelState): void {
    this.generateButton.disabled = !canGenerate(s);
    const line = shortfallLine(budgetShortfall(s));
    if (this.shortfall.textContent !== line) this.shortfall.textContent = line;
    const refused = s.refused && generateRefused(s) ? s.refused : undefined;
    this.generateButton.title = refused ? refusedUntil(refused.until) : l10n.t('Generate (Ctrl+Enter)');
  }

  /** Generate (the button or Ctrl+Enter): shows what to fix, or asks the host to write. */
  submit(): void {
    if (!canGenerate(this.store.state)) return;
    this.triedSubmit = true;
    this.readDraft();
    const controls = this.showErrors(true);
    if (controls) this.actions.generate(controls, this.selects.model.value || this.store.state.draft.modelId);
  }

  private onEdit(): void {
    this.readDraft({ fresh: false });
    if (this.triedSubmit) this.showErrors(false);
    this.updateCounter();
    this.actions.saveSoon();
  }

  private readDraft(extra: Partial<PanelState> = {}): void {
    const f = this.fields;
    const draft: StoryDraft = {
      ...this.store.state.draft,
      premise: f.premise.value,
      genre: f.genre.value,
      audience: this.selects.audience.value,
      tone: f.tone.value,
      length: this.selects.length.value,
      temperature: f.temperature.value,
      characters: f.characters.value,
      setting: f.setting.value,
      modelId: this.selects.model.value || this.store.state.draft.modelId,
    };
    this.store.patch({ ...extra, draft });
  }

  /** Puts a draft into the fields; `clear` also forgets the errors (another user's form). */
  fill(d: StoryDraft, clear: boolean): void {
    for (const id of Object.keys(this.fields) as TextField[]) this.fields[id].value = d[id];
    const choices = shownChoices(d);
    this.selects.audience.value = choices.audience;
    this.selects.length.value = choices.length;
    this.updateCounter();
    if (!clear) return;
    this.triedSubmit = false;
    for (const [id, el] of this.errors) this.markField(id, el, '');
    this.alert.textContent = '';
  }

  /** Offers `models` and selects `value`. */
  setModels(models: readonly ModelInfo[], value: string): void {
    const model = this.selects.model;
    model.replaceChildren(...models.map((m) => h('vscode-option', { value: m.id, description: m.provider }, m.name)));
    // The select reads its options after a slot change; set the value once it has them.
    queueMicrotask(() => {
      model.value = value;
    });
  }

  focusModel(): void {
    this.selects.model.focus();
  }

  /** Shows inline errors; returns the valid controls or undefined. */
  private showErrors(focus: boolean): ReturnType<typeof checkDraft>['controls'] {
    const { controls, errors } = checkDraft(this.store.state.draft);
    for (const [id, el] of this.errors) this.markField(id, el, errors.get(id) ?? '');
    this.alert.textContent = formAlert(errors);
    const first = [...this.errors.keys()].find((id) => errors.has(id));
    if (focus && first) {
      if (first === 'characters' || first === 'setting') this.more.open = true;
      this.control(first).focus();
    }
    return controls;
  }

  /** The Generate button, where the focus goes back when a story ends. */
  get generate(): HTMLElement {
    return this.generateButton;
  }

  private markField(id: FormField, error: HTMLElement, message: string): void {
    error.textContent = message;
    const control = this.control(id);
    control.invalid = message !== '';
    // The control's own field (in its shadow root, where aria-describedby cannot reach) carries the
    // state and the message, so a screen reader says both on focus (#24).
    const fields = [control, control.shadowRoot?.querySelector('textarea, input, [role="combobox"]')];
    for (const el of fields) {
      if (!el) continue;
      if (message === '') {
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-description');
      } else {
        el.setAttribute('aria-invalid', 'true');
        el.setAttribute('aria-description', message);
      }
    }
  }

  private updateCounter(): void {
    const n = this.fields.premise.value.trim().length;
    this.premiseCount.textContent = `${numberFormat.format(n)} / ${numberFormat.format(LIMITS.premiseMax)}`;
    this.premiseCount.classList.toggle('over', n > LIMITS.premiseMax);
  }
}

function textFields(): Record<TextField, VscodeTextfield | VscodeTextarea> {
  const area = (id: TextField, rows: string, placeholder: string): VscodeTextarea =>
    h('vscode-textarea', { id, rows, resize: 'vertical', placeholder, 'data-field': id });
  return {
    premise: area('premise', '4', l10n.t('A lighthouse keeper finds a message in a bottle…')),
    genre: h('vscode-textfield', { id: 'genre', placeholder: l10n.t('fantasy'), 'data-field': 'genre' }),
    tone: h('vscode-textfield', { id: 'tone', placeholder: l10n.t('whimsical'), 'data-field': 'tone' }),
    temperature: h('vscode-textfield', {
      id: 'temperature',
      type: 'number',
      min: '0',
      max: '1',
      step: '0.1',
      'data-field': 'temperature',
    }),
    characters: area('characters', '2', l10n.t('Mara, the keeper; Gull, a talkative bird')),
    setting: area('setting', '2', l10n.t('A rocky island, late autumn')),
  };
}

function select(id: string, values: readonly Choice[]): VscodeSingleSelect {
  const options = values.map((v) => h('vscode-option', { value: v }, choiceLabel(v)));
  return h('vscode-single-select', { id, 'data-field': id }, ...options);
}

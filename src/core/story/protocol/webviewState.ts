// What survives a reload of the panel: the form as typed and the story on show, kept by the webview
// with getState/setState (and given to the host's WebviewPanelSerializer), and by the host in
// memory while the panel is closed (`draft` and `restore` events). No secrets, no story text.
import * as v from 'valibot';
import { DEFAULT_CONTROLS } from './controls';
import { LIMITS } from './limits';
import { email, id } from './wire';

// Lenient on length: an over-long draft is clipped, not thrown away.
const draftText = (max: number) =>
  v.pipe(
    v.string(),
    v.transform((s) => s.slice(0, max)),
  );

/** The form as typed, so a half-edited (even invalid) draft survives a reload. */
export const storyDraft = v.strictObject({
  premise: draftText(LIMITS.premiseMax * 4),
  genre: draftText(LIMITS.genreMax * 4),
  audience: draftText(100),
  tone: draftText(LIMITS.toneMax * 4),
  length: draftText(100),
  /** As typed in the field, e.g. "0.7". */
  temperature: draftText(100),
  characters: draftText(LIMITS.charactersMax * 4),
  setting: draftText(LIMITS.settingMax * 4),
  modelId: draftText(LIMITS.modelIdMax),
  refineInstruction: draftText(LIMITS.refineInstructionMax * 4),
});
export type StoryDraft = v.InferOutput<typeof storyDraft>;

export const EMPTY_DRAFT: StoryDraft = {
  premise: DEFAULT_CONTROLS.premise,
  genre: DEFAULT_CONTROLS.genre,
  audience: DEFAULT_CONTROLS.audience,
  tone: DEFAULT_CONTROLS.tone,
  length: DEFAULT_CONTROLS.length,
  temperature: String(DEFAULT_CONTROLS.temperature),
  characters: '',
  setting: '',
  modelId: '',
  refineInstruction: '',
};

/** What the webview keeps with setState and what the host's WebviewPanelSerializer receives. */
export const webviewState = v.strictObject({
  version: v.literal(1),
  draft: storyDraft,
  /** The story on screen, re-opened with history.open after a reload. */
  storyId: v.exactOptional(id),
  /** The email of the user the draft and story belong to: another user's are cleared, never shown. */
  owner: v.exactOptional(email),
});
export type WebviewState = v.InferOutput<typeof webviewState>;

/** The panel's form and shown story, as the host keeps them for this user while the panel is closed. */
export const panelMemory = v.strictObject({ draft: storyDraft, storyId: v.exactOptional(id) });
export type PanelMemory = v.InferOutput<typeof panelMemory>;

/** Validates persisted state (from getState or the serializer); undefined when unusable. */
export function parseWebviewState(x: unknown): WebviewState | undefined {
  const r = v.safeParse(webviewState, x);
  return r.success ? r.output : undefined;
}

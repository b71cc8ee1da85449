// The quick pick of a chapter's front-matter beats for Write Scene from Beat: each beat (untrusted
// text: icon syntax escaped) with its number in the list, those that seem written marked, and the
// one after the last written active, so Enter writes the next scene.
import * as vscode from 'vscode';
import type { BeatChoice } from '../../core/project/frontMatterBeats';
import { loadProjectBundle } from '../bundles';

interface BeatItem extends vscode.QuickPickItem {
  readonly choice: BeatChoice;
}

/** The beat picked, or undefined when the pick is closed (or `signal` aborts it). */
export function pickBeat(
  choices: readonly BeatChoice[],
  preselect: number,
  where: 'cursor' | 'end',
  signal?: AbortSignal,
): Promise<BeatChoice | undefined> {
  const { pickLabel } = loadProjectBundle();
  const pick = vscode.window.createQuickPick<BeatItem>();
  pick.title = vscode.l10n.t('Write Scene from Beat');
  pick.placeholder =
    where === 'cursor'
      ? vscode.l10n.t("Pick a beat from the chapter's front matter; its scene goes in at the cursor")
      : vscode.l10n.t("Pick a beat from the chapter's front matter; its scene goes in at the end of the chapter");
  const items = choices.map((choice): BeatItem => ({
    label: pickLabel(choice.beat),
    description: choice.written
      ? vscode.l10n.t('beat {0}, seems written', choice.index + 1)
      : vscode.l10n.t('beat {0}', choice.index + 1),
    choice,
  }));
  pick.items = items;
  pick.activeItems = [items[preselect] ?? items[0]!];
  return new Promise((resolve) => {
    let picked: BeatChoice | undefined;
    const abort = () => pick.hide();
    signal?.addEventListener('abort', abort, { once: true });
    pick.onDidAccept(() => {
      picked = (pick.selectedItems[0] ?? pick.activeItems[0])?.choice;
      pick.hide();
    });
    pick.onDidHide(() => {
      signal?.removeEventListener('abort', abort);
      pick.dispose();
      resolve(picked);
    });
    if (!signal?.aborted) return pick.show();
    pick.dispose();
    resolve(undefined);
  });
}

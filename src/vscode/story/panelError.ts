import type { PanelAction } from '../../core/story/protocol/wire';

/** A refusal the webview shows with the buttons that fix it (`actions`, often none); `code` is for the log. */
export class PanelError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly actions: readonly PanelAction[] = [],
  ) {
    super(message);
  }
}

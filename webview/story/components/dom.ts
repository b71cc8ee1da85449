// Element builders: createElement and text nodes only (markdown goes through render.ts).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';

export type Attrs = Record<string, string | boolean | undefined>;

/** An element with attributes (true: present, false/undefined: absent) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
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

/** A button whose handler ignores clicks while it is disabled. */
export function button(label: string, attrs: Attrs, onClick: () => void): VscodeButton {
  const b = h('vscode-button', attrs, label);
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

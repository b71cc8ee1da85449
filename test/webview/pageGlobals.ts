// Just enough typing for the functions that run inside the Chromium page (page.evaluate,
// addInitScript). The root tsconfig has no DOM lib on purpose (src/core must not use it), so
// each test file declares the page's globals it uses with these types, module-scoped.

export interface PageEvent {
  readonly data?: unknown;
  readonly violatedDirective?: string;
  readonly blockedURI?: string;
  readonly sample?: string;
}

export interface PageElement {
  readonly id: string;
  readonly textContent: string | null;
  readonly hidden: boolean;
  readonly lastElementChild: PageElement | null;
  getBoundingClientRect(): { readonly top: number; readonly bottom: number };
}

export interface PageDocument {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  readonly activeElement: PageElement | null;
}

export interface PageWindow {
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: string, listener: (e: PageEvent) => void, capture?: boolean): void;
  removeEventListener(type: string, listener: (e: PageEvent) => void): void;
}

export interface PageStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface PageMutationObserver {
  observe(target: unknown, options: Record<string, unknown>): void;
  disconnect(): void;
}

export interface PagePerformanceObserver {
  observe(options: Record<string, unknown>): void;
  disconnect(): void;
}

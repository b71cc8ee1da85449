// Streams markdown into the story element, safely and cheaply.
//
// Safety: markdown-it with html off and images off; links only http(s)/mailto (anything else
// stays literal text); the HTML it produces is still passed through an element/attribute
// allowlist before it touches the document. The CSP (no inline script) is the last line.
//
// Speed: deltas are buffered and applied at most once per animation frame. Text up to the last
// blank line outside a code fence is "committed": rendered once into its own chunk and never
// touched again. Only the trailing block is re-rendered each frame, so per-frame work stays
// about one paragraph however long the story gets.
import MarkdownItFactory from 'markdown-it';
import type { MarkdownIt } from 'markdown-it';
import { isSafeLink } from '../../src/core/story/protocol/links';

export function createMarkdown(): MarkdownIt {
  const md = new MarkdownItFactory({ html: false, linkify: true, typographer: false, breaks: false });
  md.disable(['image']);
  md.validateLink = (url: string) => isSafeLink(url);
  // Table alignment comes as style="text-align:…", which the CSP forbids: use classes.
  md.core.ruler.push('align_to_class', (state) => {
    for (const token of state.tokens) {
      if (token.type !== 'inline' && token.attrs) {
        const style = token.attrGet('style');
        if (style !== null) {
          token.attrs = token.attrs.filter(([name]) => name !== 'style');
          const m = /text-align:\s*(left|right|center)/.exec(String(style));
          if (m) token.attrJoin('class', `align-${m[1]}`);
        }
      }
    }
  });
  return md;
}

const ALLOWED = new Set([
  'P',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'EM',
  'STRONG',
  'S',
  'DEL',
  'CODE',
  'PRE',
  'BLOCKQUOTE',
  'UL',
  'OL',
  'LI',
  'HR',
  'BR',
  'A',
  'TABLE',
  'THEAD',
  'TBODY',
  'TR',
  'TH',
  'TD',
]);

/** Parses markdown-it's HTML in an inert template and keeps only allowlisted elements and attributes. */
export function toSafeFragment(html: string, doc: Document = document): DocumentFragment {
  const template = doc.createElement('template');
  template.innerHTML = html;
  const fragment = template.content;
  const walker = doc.createTreeWalker(fragment, NodeFilter.SHOW_ELEMENT);
  const remove: Element[] = [];
  for (let node = walker.nextNode() as Element | null; node; node = walker.nextNode() as Element | null) {
    if (!ALLOWED.has(node.tagName)) {
      remove.push(node);
      continue;
    }
    for (const name of node.getAttributeNames()) {
      const value = node.getAttribute(name) ?? '';
      const keep =
        (name === 'href' && node.tagName === 'A' && isSafeLink(value)) ||
        (name === 'start' && node.tagName === 'OL' && /^\d{1,9}$/.test(value)) ||
        (name === 'class' && /^(language-[\w+#-]{1,40}|align-(left|right|center))$/.test(value));
      if (!keep) node.removeAttribute(name);
    }
    if (node.tagName === 'A') {
      const href = node.getAttribute('href');
      if (href) node.setAttribute('title', href);
      // Links never navigate the webview; a click handler asks the host to open them.
      node.setAttribute('rel', 'noopener noreferrer');
    }
  }
  for (const el of remove) el.replaceWith(doc.createTextNode(el.textContent ?? ''));
  return fragment;
}

/** Counters for tests and the benchmark; kept only when the page asks for them. */
export interface RenderStats {
  deltas: number;
  flushes: number;
  chars: number;
  committedChunks: number;
  tailRenders: number;
  maxFlushMs: number;
  totalFlushMs: number;
  /** Flushes that took longer than a 60 Hz frame (16.7 ms). */
  slowFlushes: number;
}

/** Above this, a trailing block with no blank line is committed at a line break (long unbroken text). */
const TAIL_SOFT_MAX = 16_384;

export class StoryRenderer {
  private source = '';
  private pending: string[] = [];
  private committed = 0;
  /** Start of the first line not yet scanned for fences and blank lines. */
  private scanPos = 0;
  private fence: { char: string; len: number } | undefined;
  /** Latest commit points found by the scan: after a blank line, and after any line. */
  private blockBoundary = 0;
  private lineBoundary = 0;
  private frame: number | undefined;
  private readonly tail: HTMLElement;
  private lastTail = '';
  private finishing = false;
  private onFlushed: (() => void) | undefined;
  /** Follow the text as it grows, until the reader scrolls up; back at the bottom, follow again. */
  private follow = true;
  private autoScrollTop = -1;

  constructor(
    private readonly root: HTMLElement,
    private readonly md: MarkdownIt,
    readonly stats?: RenderStats,
  ) {
    this.tail = this.makeTail();
    root.addEventListener(
      'scroll',
      () => {
        // Our own scrolling is not the reader's: content-visibility may grow the height after we
        // scrolled (a placeholder becomes real), which must not count as "scrolled up".
        if (Math.abs(root.scrollTop - this.autoScrollTop) <= 1) return;
        this.follow = root.scrollHeight - root.scrollTop - root.clientHeight < 48;
      },
      { passive: true },
    );
  }

  /** The whole text so far, including what is still buffered. */
  get text(): string {
    return this.pending.length ? this.source + this.pending.join('') : this.source;
  }

  get hasText(): boolean {
    return this.source.length > 0 || this.pending.length > 0;
  }

  /** Replaces everything with `text`, rendered now (opening a story, starting a new one). */
  reset(text = ''): void {
    this.cancelFrame();
    this.pending = [];
    this.source = '';
    this.committed = this.scanPos = this.blockBoundary = this.lineBoundary = 0;
    this.fence = undefined;
    this.lastTail = '';
    this.finishing = false;
    this.follow = text === '';
    this.root.scrollTop = 0;
    this.autoScrollTop = 0;
    this.root.replaceChildren();
    this.tail.replaceChildren();
    this.root.append(this.tail);
    if (text) {
      this.source = text;
      this.render();
    }
  }

  /** Queues a delta; it reaches the DOM on the next animation frame with everything else queued. */
  append(text: string): void {
    if (this.stats) this.stats.deltas++;
    this.pending.push(text);
    this.schedule();
  }

  /** The stream has ended: calls `then` once all its text is on screen (next frame, or now). */
  finish(then?: () => void): void {
    this.finishing = true;
    this.onFlushed = then;
    if (this.frame === undefined) this.flush();
  }

  private schedule(): void {
    if (this.frame === undefined) this.frame = requestAnimationFrame(() => this.flush());
  }

  private cancelFrame(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
  }

  private flush(): void {
    this.frame = undefined;
    const started = performance.now();
    if (this.pending.length) {
      this.source += this.pending.join('');
      this.pending = [];
    }
    this.render();
    if (this.follow) {
      this.root.scrollTop = this.root.scrollHeight;
      this.autoScrollTop = this.root.scrollTop;
    }
    if (this.stats) {
      const ms = performance.now() - started;
      this.stats.flushes++;
      this.stats.chars = this.source.length;
      this.stats.totalFlushMs += ms;
      if (ms > this.stats.maxFlushMs) this.stats.maxFlushMs = ms;
      if (ms > 16.7) this.stats.slowFlushes++;
    }
    if (this.finishing) {
      this.finishing = false;
      const then = this.onFlushed;
      this.onFlushed = undefined;
      then?.();
    }
  }

  /**
   * Commits finished blocks once, then re-renders only the trailing block. The trailing block
   * stays live even when a stream ends, since Continue may extend it.
   */
  private render(): void {
    this.scan();
    let boundary = this.blockBoundary;
    if (this.source.length - this.committed > TAIL_SOFT_MAX && this.lineBoundary > boundary)
      boundary = this.lineBoundary;
    if (boundary > this.committed) {
      const chunk = document.createElement('div');
      chunk.className = 'chunk';
      chunk.append(toSafeFragment(this.md.render(this.source.slice(this.committed, boundary))));
      this.tail.before(chunk);
      this.committed = boundary;
      if (this.stats) this.stats.committedChunks++;
    }
    const tail = this.source.slice(this.committed);
    if (tail !== this.lastTail) {
      this.lastTail = tail;
      if (tail) this.tail.replaceChildren(toSafeFragment(this.md.render(tail)));
      else this.tail.replaceChildren();
      if (this.stats) this.stats.tailRenders++;
    }
  }

  /** Walks the complete lines added since the last scan, tracking code fences and blank lines. */
  private scan(): void {
    const s = this.source;
    let start = this.scanPos;
    for (let nl = s.indexOf('\n', start); nl !== -1; nl = s.indexOf('\n', start)) {
      const line = s.slice(start, nl);
      const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (m) {
        const marker = m[1]!;
        if (!this.fence) this.fence = { char: marker[0]!, len: marker.length };
        else if (marker[0] === this.fence.char && marker.length >= this.fence.len && line.trim() === marker)
          this.fence = undefined;
      }
      start = nl + 1;
      if (!this.fence) {
        this.lineBoundary = start;
        if (line.trim() === '') this.blockBoundary = start;
      }
    }
    this.scanPos = start;
  }

  private makeTail(): HTMLElement {
    const tail = document.createElement('div');
    tail.className = 'tail';
    this.root.append(tail);
    return tail;
  }
}

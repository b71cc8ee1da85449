// Where streamed text is in a document that the user edits at the same time: the region that the
// stream inserted, as offsets, moved by every change that is not the stream's own. The stream
// writes at the region's end (the anchor).

/** The streamed text's place: [start, end) in document offsets; `end` is the anchor. */
export interface StreamRegion {
  readonly start: number;
  readonly end: number;
}

/** One change as VS Code reports it: `length` characters at `offset` replaced by `text`. */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

/**
 * Maps an offset across a change. Inside a replaced range it goes to the range's start. An
 * insertion exactly at the offset moves it only when `moveOnInsert` is set.
 */
export function mapOffset(offset: number, change: TextChange, moveOnInsert: boolean): number {
  const removedEnd = change.offset + change.length;
  if (offset < change.offset) return offset;
  if (offset === change.offset && (change.length > 0 || !moveOnInsert)) return offset;
  if (offset >= removedEnd) return offset + change.text.length - change.length;
  return change.offset;
}

/**
 * The region after someone else's change. Text typed exactly at the anchor stays after it (the
 * stream goes on writing before it, so the user's text is never split); text typed exactly at
 * the start of non-empty streamed text goes before it.
 */
export function shiftRegion(region: StreamRegion, change: TextChange): StreamRegion {
  const end = mapOffset(region.end, change, false);
  const start = region.start === region.end ? end : mapOffset(region.start, change, true);
  return { start: Math.min(start, end), end };
}

/** The region after the stream's own insertion of `length` characters at the anchor. */
export function extendRegion(region: StreamRegion, length: number): StreamRegion {
  return { start: region.start, end: region.end + length };
}

/** Whether `change` is the stream's own insertion of `text` at the anchor. */
export function isOwnInsertion(region: StreamRegion, change: TextChange, text: string): boolean {
  return change.offset === region.end && change.length === 0 && change.text === text;
}

/** Line breaks as the document has them, so the text inserted is exactly the text reported back. */
export function withEol(text: string, eol: '\n' | '\r\n'): string {
  return text.replace(/\r\n|\r|\n/g, eol);
}

/**
 * Receives the bytes of an export as they are produced: an HTTP response, a file. A sink
 * that returns a promise makes the writer wait, which carries the receiver's backpressure.
 */
export type ChunkSink = (chunk: Uint8Array) => void | Promise<void>;

const encoder = new TextEncoder();

/** Writes a text chunk as UTF-8. */
export function writeText(sink: ChunkSink, text: string): void | Promise<void> {
  return sink(encoder.encode(text));
}

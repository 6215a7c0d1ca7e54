import { createReadStream } from 'node:fs';

/** One line of a JSON Lines file: its text, or `tooLong` when it exceeded the byte limit. */
export type JsonLine =
  { lineNumber: number; text: string; tooLong?: false } | { lineNumber: number; tooLong: true };

/**
 * Reads a file line by line (LF or CRLF), holding at most one line of `maxLineBytes` plus one
 * read chunk in memory. A longer line is skipped and reported as `tooLong`. Empty lines are
 * skipped. Line numbers count from 1 and include skipped lines.
 */
export async function* readJsonLines(path: string, maxLineBytes: number): AsyncGenerator<JsonLine> {
  let pieces: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let lineNumber = 0;

  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (!tooLong && pendingBytes + (end - start) > maxLineBytes) {
        tooLong = true;
        pieces = [];
      } else if (!tooLong) {
        pieces.push(chunk.subarray(start, end));
        pendingBytes += end - start;
      }
      if (newline === -1) {
        break;
      }

      lineNumber += 1;
      const line = finishLine(lineNumber, pieces, tooLong);
      if (line) {
        yield line;
      }
      pieces = [];
      pendingBytes = 0;
      tooLong = false;
      start = newline + 1;
    }
  }

  const last = finishLine(lineNumber + 1, pieces, tooLong);
  if (last) {
    yield last;
  }
}

function finishLine(lineNumber: number, pieces: Buffer[], tooLong: boolean): JsonLine | undefined {
  if (tooLong) {
    return { lineNumber, tooLong: true };
  }
  const text = Buffer.concat(pieces).toString('utf8').replace(/\r$/, '');

  return text.trim() === '' ? undefined : { lineNumber, text };
}

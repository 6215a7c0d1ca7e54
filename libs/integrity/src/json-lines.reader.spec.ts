import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../test/fixtures';
import { type JsonLine, readJsonLines } from './json-lines.reader';

async function readAll(content: string | Buffer, maxLineBytes = 1024): Promise<JsonLine[]> {
  const file = join(makeTempDir('lines'), 'lines.jsonl');
  writeFileSync(file, content);
  const lines: JsonLine[] = [];
  for await (const line of readJsonLines(file, maxLineBytes)) {
    lines.push(line);
  }

  return lines;
}

describe('readJsonLines', () => {
  it('splits LF and CRLF lines', async () => {
    await expect(readAll('{"a":1}\r\n{"b":2}\n')).resolves.toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, text: '{"b":2}' },
    ]);
  });

  it('reads a last line without newline', async () => {
    await expect(readAll('{"a":1}\n{"b":2}')).resolves.toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, text: '{"b":2}' },
    ]);
  });

  it('skips empty lines but counts them', async () => {
    await expect(readAll('\n{"a":1}\n  \n{"b":2}\n\n')).resolves.toEqual([
      { lineNumber: 2, text: '{"a":1}' },
      { lineNumber: 4, text: '{"b":2}' },
    ]);
  });

  it('joins lines across read chunks', async () => {
    // The read stream delivers 64 KiB chunks, so 300 lines of 1 KiB cross several chunk borders.
    const texts = Array.from({ length: 300 }, (_, index) =>
      JSON.stringify({ index, padding: 'ä'.repeat(500) }),
    );
    const lines = await readAll(texts.join('\n'), 4096);

    expect(lines.map((line) => (line.tooLong ? undefined : line.text))).toEqual(texts);
  });

  it('reports a line over the limit and reads on', async () => {
    const lines = await readAll(`{"a":1}\n${'x'.repeat(200_000)}\n{"b":2}\n`, 1000);

    expect(lines).toEqual([
      { lineNumber: 1, text: '{"a":1}' },
      { lineNumber: 2, tooLong: true },
      { lineNumber: 3, text: '{"b":2}' },
    ]);
  });

  it('accepts a line of exactly the limit', async () => {
    await expect(readAll(`${'y'.repeat(10)}\n`, 10)).resolves.toEqual([
      { lineNumber: 1, text: 'y'.repeat(10) },
    ]);
  });
});

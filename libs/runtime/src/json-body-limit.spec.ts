import { bodyParserProblem, exceedsJsonDepth } from './json-body-limit';

describe('exceedsJsonDepth', () => {
  const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it.each([
    ['a scalar', 1, 0, false],
    ['an array at the limit', nested(3), 3, false],
    ['an array one level deeper', nested(4), 3, true],
    ['an object at the limit', { a: { b: 1 } }, 2, false],
    ['an object one level deeper', { a: { b: { c: 1 } } }, 2, true],
    ['a deep value behind a wide one', { wide: Array(1000).fill(1), deep: nested(10) }, 5, true],
  ])('returns the right answer for %s', (_name, value, maxDepth, expected) => {
    expect(exceedsJsonDepth(value, maxDepth)).toBe(expected);
  });

  it('walks a million levels without overflowing the stack', () => {
    expect(exceedsJsonDepth(nested(1_000_000), 64)).toBe(true);
  });
});

describe('bodyParserProblem', () => {
  function bodyParserError(fields: Record<string, unknown>): Error {
    return Object.assign(new Error('request entity too large'), { expose: true, ...fields });
  }

  it('maps a body over the limit to 413', () => {
    const error = bodyParserError({ type: 'entity.too.large', status: 413, limit: 100, length: 150 });

    expect(bodyParserProblem(error)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      message: 'the request body of 150 bytes exceeds the limit of 100 bytes: send a smaller body or split it into several requests',
    });
  });

  it('maps an unsupported charset to 415', () => {
    const error = bodyParserError({ type: 'charset.unsupported', status: 415, message: 'unsupported charset "UTF-7"' });

    expect(bodyParserProblem(error)).toMatchObject({ code: 'UNSUPPORTED_FORMAT', status: 415 });
  });

  it('keeps the status of another client error', () => {
    const error = bodyParserError({ type: 'request.aborted', status: 400, message: 'request aborted' });

    expect(bodyParserProblem(error)).toEqual({ code: 'VALIDATION_FAILED', status: 400, message: 'invalid request body: request aborted' });
  });

  it.each([
    ['a plain error', new Error('boom')],
    ['a server error of the parser', bodyParserError({ type: 'stream.encoding.set', status: 500 })],
    ['an error not meant for clients', bodyParserError({ type: 'entity.too.large', status: 413, expose: false })],
  ])('leaves %s alone', (_name, error) => {
    expect(bodyParserProblem(error)).toBeUndefined();
  });
});

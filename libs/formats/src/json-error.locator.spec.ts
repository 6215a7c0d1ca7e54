import { locateJsonError } from './json-error.locator';

describe('locateJsonError', () => {
  it.each([
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}} ',
    '"text"',
    '0',
    '[[[[]]]]',
  ])('accepts %s', (text) => {
    expect(locateJsonError(text)).toBeUndefined();
  });

  it.each([
    ['{"a":}', 5, "unexpected '}'"],
    ['[1,2,]', 5, "unexpected ']'"],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a":1', 6, 'unexpected end of input'],
    ['{"a":1}x', 7, 'after the end'],
    ['{a:1}', 1, 'property name in double quotes'],
    ['{"a":1,}', 7, 'property name in double quotes'],
    ['[1 2]', 3, "expected ',' or ']'"],
    ['"abc', 4, 'unterminated string'],
    ['"a\tb"', 2, 'control character'],
    ['"\\x"', 1, 'invalid escape'],
    ['"\\u12g4"', 1, 'invalid escape'],
    ['nul', 0, "unexpected 'n'"],
    ['01', 1, 'after the end'],
    ['-', 0, "unexpected '-'"],
    ['', 0, 'unexpected end of input'],
  ])('locates the error in %j', (text, offset, reason) => {
    const error = locateJsonError(text);

    expect(error?.offset).toBe(offset);
    expect(error?.reason).toContain(reason);
  });

  it('counts lines and columns', () => {
    expect(locateJsonError('{\n"a": 1\n,,}')).toMatchObject({ line: 3, column: 2, offset: 10 });
  });

  it('handles deep nesting', () => {
    const depth = 100_000;

    expect(locateJsonError('['.repeat(depth) + ']'.repeat(depth))).toBeUndefined();
    expect(locateJsonError('['.repeat(depth))?.offset).toBe(depth);
  });

  it('agrees with JSON.parse on samples', () => {
    const samples = [
      '{"a":[1,{"b":null}]}',
      '{"a":[1,{"b":nul}]}',
      '[1e5, 1E-5, 0.5]',
      '[.5]',
      '[1.]',
      '[+1]',
    ];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }

      expect({ text, valid: locateJsonError(text) === undefined }).toEqual({ text, valid });
    }
  });
});

import { MAX_JSON_DEPTH, canonicalJson } from './canonical-json.encoder';

describe('canonicalJson', () => {
  it('sorts members and drops whitespace', () => {
    expect(canonicalJson(JSON.parse('{ "b": 1, "a": [true, null, "x"], "A": {} }'))).toBe(
      '{"A":{},"a":[true,null,"x"],"b":1}',
    );
  });

  it('sorts member names by UTF-16 code units', () => {
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FB01 although its code point is higher.
    expect(canonicalJson({ '\ufb01': 1, '\u{1f600}': 2, é: 3 })).toBe('{"é":3,"😀":2,"ﬁ":1}');
  });

  it.each([
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [-0, '0'],
    [123.456, '123.456'],
    [2 ** 53, '9007199254740992'],
  ])('writes the number %p as %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('escapes control characters in lower-case hex', () => {
    expect(canonicalJson('a\u0001"\\\n€')).toBe('"a\\u0001\\"\\\\\\n€"');
  });

  it.each([
    ['NaN', { value: Number.NaN }, '$.value is NaN'],
    ['Infinity', [Number.POSITIVE_INFINITY], '$[0] is Infinity'],
    ['undefined', { value: undefined }, '$.value has type undefined'],
    ['lone surrogate', { text: '\ud800' }, '$.text contains a lone UTF-16 surrogate'],
    ['date', { when: new Date(0) }, '$.when has type object'],
  ])('rejects %s', (_, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('rejects nesting deeper than the limit', () => {
    let nested: unknown = 1;
    for (let depth = 0; depth <= MAX_JSON_DEPTH; depth += 1) {
      nested = [nested];
    }

    expect(() => canonicalJson(nested)).toThrow(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
